"""The ledger over HTTP: findings with their transitions and the unit's and the auditor's actions.

Each write parses the request, fetches the finding through the caller's scope (404 outside it) and
calls the named action of the services; the services check the role and the state.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from rectify.api.base import DecimalJSONParser, RestrictedReadOnlyViewSet, RestrictedViewSet
from rectify.findings import services
from rectify.findings.api.filters import FindingEventFilterSet, RequirementFilterSet
from rectify.findings.api.serializers import (
    CategorySerializer,
    FindingCreateSerializer,
    FindingEventSerializer,
    FindingSerializer,
    FindingUpdateSerializer,
    RequirementSerializer,
    TransitionSerializer,
)
from rectify.findings.filters import FindingFilterSet
from rectify.findings.models import Category, Finding, FindingEvent, Requirement
from rectify.rectification import services as rectification
from rectify.rectification.api.serializers import (
    DelayExplanationSerializer,
    DelayInputSerializer,
    PlanInputSerializer,
    PlanSerializer,
    ProgressReportSerializer,
    ReportInputSerializer,
    VerificationSerializer,
    VerifyInputSerializer,
)
from rectify.rectification.models import Plan

REFUSALS = {
    400: OpenApiResponse(description="Bad input: field errors keyed by field, or {detail}."),
    403: OpenApiResponse(description="The caller's role may not do this: {detail}."),
    404: OpenApiResponse(description="Not found, or outside the caller's scope."),
    409: OpenApiResponse(description="The object's current state forbids this: {detail}."),
}

# The transitions a client takes directly; close-out happens only through a verification.
TRANSITION_SUMMARIES = {
    "issue": "下达问题 (issue: draft → issued)",
    "start": "开始整改 (start: issued → rectifying)",
    "return": "退回重新整改 (return: submitted → rectifying; comment required)",
    "to_long_term": "转入持续整改 (to_long_term: rectifying → long_term; comment required)",
    "resume": "恢复整改 (resume: long_term → rectifying)",
}


def _transition_action(name: str, attribute: str | None = None):
    """``POST /api/findings/<id>/<name>/`` with ``{"comment"}``: one transition of the workflow table."""

    def transition(self, request, pk=None):
        finding = self.get_object()
        comment = self.validated(TransitionSerializer)["comment"]
        services.transition_by_name(request.user, finding, name, comment=comment)
        return Response(self.represent_finding(finding))

    transition.__name__ = attribute or name  # DRF finds the action by its attribute name
    transition = action(detail=True, methods=["post"], url_path=name, url_name=name.replace("_", "-"))(transition)
    return extend_schema(
        summary=TRANSITION_SUMMARIES[name],
        request=TransitionSerializer,
        responses={200: FindingSerializer, **REFUSALS},
    )(transition)


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
    ordering_aliases = {"year": "project__year", "colour": "colour_code"}

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

    issue = _transition_action("issue")
    start = _transition_action("start")
    return_ = _transition_action("return", "return_")
    to_long_term = _transition_action("to_long_term")
    resume = _transition_action("resume")

    @extend_schema(
        summary="制定或修改整改方案 (the unit's rectification plan; an issued finding starts rectifying)",
        request=PlanInputSerializer,
        responses={200: PlanSerializer, 201: PlanSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        finding = self.get_object()
        data = dict(self.validated(PlanInputSerializer))
        data["milestones"] = [(row["title"], row["due_date"]) for row in data["milestones"]]
        data["version"] = data.get("version") or request.headers.get("If-Match")
        existed = Plan.objects.filter(finding=finding).exists()
        plan = rectification.submit_plan(request.user, finding, **data)
        plan = Plan.objects.prefetch_related("milestones").select_related("submitted_by").get(pk=plan.pk)
        return Response(
            self.represent(PlanSerializer, plan), status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="报送整改情况 (a report round with evidence; multipart/form-data for files)",
        request={
            "multipart/form-data": ReportInputSerializer,
            "application/json": ReportInputSerializer,
        },
        responses={201: ProgressReportSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, DecimalJSONParser])
    def reports(self, request, pk=None):
        finding = self.get_object()
        serializer = ReportInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        report = rectification.submit_report(
            request.user, finding, finding_version=request.headers.get("If-Match"), **serializer.service_kwargs()
        )
        return Response(self.represent(ProgressReportSerializer, report), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="核实认定最近一轮报告 (verify; rectified closes the finding out, otherwise it is returned)",
        request=VerifyInputSerializer,
        responses={201: VerificationSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        finding = self.get_object()
        verification = rectification.verify_latest(request.user, finding, **self.validated(VerifyInputSerializer))
        return Response(self.represent(VerificationSerializer, verification), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="说明延期原因 (the unit explains a missed or coming deadline)",
        request=DelayInputSerializer,
        responses={201: DelayExplanationSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def delay(self, request, pk=None):
        finding = self.get_object()
        explanation = rectification.explain_delay(request.user, finding, **self.validated(DelayInputSerializer))
        return Response(self.represent(DelayExplanationSerializer, explanation), status=status.HTTP_201_CREATED)


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
    filterset_fields = ["parent", "involves_fiscal_funds"]
    ordering_fields = ["code", "name"]

    def get_base_queryset(self):
        # Not business data of any unit: no visibility rule narrows it (rectify.core.visibility has none).
        return Category.objects.select_related("parent")
