"""Assessments over HTTP: ``/api/assessments/`` (scoped, paginated; filtered with ``year``, ``unit``,
``state``, ``q``), each with its lines and their explanation and facts, and the named actions:
``POST /api/assessments/compute/`` (the whole year, queued), ``…/<id>/recompute|review|confirm|adjust/``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from rectify.api.base import RestrictedReadOnlyViewSet
from rectify.assessment import services
from rectify.assessment.api.serializers import (
    AdjustSerializer,
    AssessmentSerializer,
    ComputationSerializer,
    ComputeSerializer,
    ReviewSerializer,
    VersionSerializer,
)
from rectify.assessment.filters import AssessmentFilterSet
from rectify.assessment.models import Assessment, AssessmentScheme
from rectify.findings.api.views import REFUSALS


class AssessmentViewSet(RestrictedReadOnlyViewSet):
    """目标管理绩效考核结果 (annual performance assessment of the audited units): year, unit, total and
    one line per rule with its explanation and the ids of the facts behind its points."""

    model = Assessment
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    ordering_fields = ["total", "year"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("unit")
            .prefetch_related("lines__adjustments")
            .order_by("-year", "-total", "unit_id", "pk")
        )

    def _answer(self, assessment):
        return Response(self.represent(AssessmentSerializer, self.get_queryset().get(pk=assessment.pk)))

    def _version(self, serializer_class):
        data = dict(self.validated(serializer_class))
        data["version"] = self.seen_version(data)
        return data

    @extend_schema(
        summary="计算本年度考核结果（排队执行）",
        request=ComputeSerializer,
        responses={202: ComputationSerializer, **REFUSALS},
    )
    @action(detail=False, methods=["post"])
    def compute(self, request):
        year = self.validated(ComputeSerializer)["year"]
        if not services.may_manage(request.user):
            raise NotFound()
        scheme = (
            AssessmentScheme.objects.restrict(request.user, "act")
            .filter(year=year, jurisdiction_id=request.user.organization.jurisdiction_id)
            .first()
        )
        if scheme is None:
            raise NotFound(f"no assessment scheme for {year}")
        services.request_computation(request.user, scheme.pk)
        scheme.refresh_from_db()
        data = {
            "scheme": scheme.pk,
            "year": scheme.year,
            "status": scheme.computation_status,
            "computed_at": scheme.computed_at,
        }
        return Response(ComputationSerializer(data).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="重新计算", request=VersionSerializer, responses={200: AssessmentSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        assessment = self.get_object()
        return self._answer(services.recompute(request.user, assessment.pk, **self._version(VersionSerializer)))

    @extend_schema(summary="审核", request=ReviewSerializer, responses={200: AssessmentSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        assessment = self.get_object()
        return self._answer(services.review(request.user, assessment.pk, **self._version(ReviewSerializer)))

    @extend_schema(summary="确认", request=VersionSerializer, responses={200: AssessmentSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        assessment = self.get_object()
        return self._answer(services.confirm(request.user, assessment.pk, **self._version(VersionSerializer)))

    @extend_schema(summary="调整得分", request=AdjustSerializer, responses={200: AssessmentSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None):
        assessment = self.get_object()
        data = self._version(AdjustSerializer)
        line = data.pop("line")
        if not assessment.lines.filter(pk=line).exists():
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"line": ["not a line of this assessment"]})
        services.adjust_line(request.user, line, **data)
        return self._answer(assessment)
