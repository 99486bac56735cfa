"""The ledger over HTTP: findings, their requirements and timeline, and the auditor's recording of them.

Each write parses the request, fetches the finding through the caller's scope (404 outside it) and
calls the named action of the services; the services check the role and the state. The transitions and
the unit's and the auditor's rectification actions on a finding (``/api/findings/<id>/plan/`` …) are
added by the rectification app's ``FindingViewSet`` (its api package), which the API router serves.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from rectify.api.base import RestrictedReadOnlyViewSet, RestrictedViewSet
from rectify.findings import services
from rectify.findings.api.filters import FindingEventFilterSet, RequirementFilterSet
from rectify.findings.api.serializers import (
    CategorySerializer,
    FindingCreateSerializer,
    FindingEventSerializer,
    FindingSerializer,
    FindingUpdateSerializer,
    RequirementSerializer,
)
from rectify.findings.filters import FindingFilterSet
from rectify.findings.models import Category, Finding, FindingEvent, Requirement

REFUSALS = {
    400: OpenApiResponse(description="Bad input: field errors keyed by field, or {detail}."),
    403: OpenApiResponse(description="The caller's role may not do this: {detail}."),
    404: OpenApiResponse(description="Not found, or outside the caller's scope."),
    409: OpenApiResponse(description="The object's current state forbids this: {detail}."),
}


@extend_schema_view(
    list=extend_schema(summary="整改台账 (the ledger): findings the caller may see"),
    retrieve=extend_schema(summary="一个问题 (one finding)"),
)
class FindingViewSet(RestrictedViewSet):
    """审计查出问题: the ledger's rows, filtered with the web ledger's filters, and what may be done to them."""

    model = Finding
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    ordering_fields = [
        "ledger_number",
        "year",
        "deadline",
        "amount_involved",
        "state",
        "colour",
        "kind",
        "issued_at",
        "closed_at",
        "created",
        "last_updated",
    ]
    ordering_aliases = {"colour": "colour_code"}

    def get_queryset(self):
        visible = Finding.objects.restrict(self.request.user)
        return (
            super()
            .get_queryset()
            .with_colour()
            .select_related("project", "unit", "category__parent")
            .prefetch_related(
                "requirements", Prefetch("repeats", queryset=visible.only("pk"), to_attr="visible_repeats")
            )
        )

    def represent_finding(self, finding: Finding) -> dict:
        """The finding as it is now, read again through the caller's scope."""
        current = self.get_queryset().filter(pk=finding.pk).first() or finding
        return self.represent(FindingSerializer, current)

    @extend_schema(
        summary="登记问题 (record a finding; auditors of the project's office)",
        request=FindingCreateSerializer,
        responses={201: FindingSerializer, **REFUSALS},
    )
    def create(self, request):
        data = self.validated(FindingCreateSerializer)
        finding = services.create_finding(request.user, **data)
        return Response(self.represent_finding(finding), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改问题 (correct a finding; after issue a reason is required)",
        request=FindingUpdateSerializer,
        responses={200: FindingSerializer, **REFUSALS},
    )
    def partial_update(self, request, pk=None):
        finding = self.get_object()
        data = dict(self.validated(FindingUpdateSerializer, partial=True))
        data["version"] = data.get("version") or request.headers.get("If-Match")
        services.correct_finding(request.user, finding, **data)
        return self.versioned(Response(self.represent_finding(finding)))

    def retrieve(self, request, *args, **kwargs):
        return self.versioned(super().retrieve(request, *args, **kwargs))

    @staticmethod
    def versioned(response: Response) -> Response:
        """The finding's ETag, for ``If-Match`` on the next edit (optimistic locking)."""
        if response.status_code == 200 and "version" in response.data:
            response["ETag"] = f'W/"{response.data["version"]}"'
        return response


class RequirementViewSet(RestrictedReadOnlyViewSet):
    """整改要求: the items of what a unit must do, per finding."""

    model = Requirement
    serializer_class = RequirementSerializer
    filterset_class = RequirementFilterSet
    ordering_fields = ["finding", "number"]


class FindingEventViewSet(RestrictedReadOnlyViewSet):
    """The timeline of findings: one row per action, append-only."""

    model = FindingEvent
    serializer_class = FindingEventSerializer
    filterset_class = FindingEventFilterSet
    ordering_fields = ["at", "finding"]


class CategoryViewSet(RestrictedReadOnlyViewSet):
    """问题类别: the two-level taxonomy. Reference data, the same for every signed-in user (as in the web forms)."""

    model = Category
    serializer_class = CategorySerializer
    administrators_allowed = True  # the system administrator keeps the categories
    filterset_fields = ["parent", "involves_fiscal_funds"]
    ordering_fields = ["code", "name"]

    def get_base_queryset(self):
        # Not business data of any unit: no visibility rule narrows it (rectify.core.visibility has none).
        return Category.objects.select_related("parent")
