"""Plans, report rounds, evidence, verifications and delay explanations over HTTP.

They are written through the finding's actions (``/api/findings/<id>/plan/`` …); here they are read,
and evidence can be added to a round that awaits verification.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from rectify.api.base import RestrictedReadOnlyViewSet
from rectify.findings.api.views import REFUSALS
from rectify.rectification import services
from rectify.rectification.api.filters import (
    DelayExplanationFilterSet,
    EvidenceFilterSet,
    PlanFilterSet,
    ProgressReportFilterSet,
    VerificationFilterSet,
)
from rectify.rectification.api.serializers import (
    DelayExplanationSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    PlanSerializer,
    ProgressReportSerializer,
    VerificationSerializer,
)
from rectify.rectification.models import DelayExplanation, Evidence, Plan, ProgressReport, Verification
from rectify.rectification.views import EvidenceFileView


class PassthroughRenderer(BaseRenderer):
    """Lets a client ask for the file itself (Accept: application/octet-stream); errors still read as JSON."""

    media_type = "application/octet-stream"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data) if isinstance(data, dict | list) else data


class PlanViewSet(RestrictedReadOnlyViewSet):
    """整改方案: one per finding, with its milestones."""

    model = Plan
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet
    ordering_fields = ["submitted_at", "planned_completion", "finding"]

    def get_queryset(self):
        return super().get_queryset().select_related("submitted_by").prefetch_related("milestones")


class ProgressReportViewSet(RestrictedReadOnlyViewSet):
    """整改情况报告: the report rounds of findings."""

    model = ProgressReport
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilterSet
    ordering_fields = ["submitted_at", "round", "finding"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("submitted_by", "verification")
            .prefetch_related("rules", "accountability", "evidence__uploaded_by")
        )


class EvidenceViewSet(RestrictedReadOnlyViewSet):
    """佐证材料: files of report rounds, checked by content and stored under their SHA-256."""

    model = Evidence
    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilterSet
    ordering_fields = ["created", "size", "original_name"]
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return super().get_queryset().select_related("report", "uploaded_by")

    @extend_schema(
        summary="补充佐证材料 (add a file to a report round that awaits verification; the submitting unit only)",
        request={"multipart/form-data": EvidenceInputSerializer},
        responses={201: EvidenceSerializer, **REFUSALS},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(EvidenceInputSerializer)
        rows = services.add_evidence(request.user, data["report"], [data["file"]], description=data["description"])
        return Response(self.represent(EvidenceSerializer, rows[0]), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="下载佐证材料 (the file itself)",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
            404: REFUSALS[404],
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PassthroughRenderer])
    def download(self, request, pk=None):
        evidence = self.get_object()
        # The web view serves the file with its safe headers; DRF has already put the caller on the request.
        return EvidenceFileView.as_view()(request._request, pk=evidence.pk)


class VerificationViewSet(RestrictedReadOnlyViewSet):
    """核实认定: the auditor's verdicts on report rounds."""

    model = Verification
    serializer_class = VerificationSerializer
    filterset_class = VerificationFilterSet
    ordering_fields = ["verified_at", "finding"]

    def get_queryset(self):
        return super().get_queryset().select_related("verifier")


class DelayExplanationViewSet(RestrictedReadOnlyViewSet):
    """延期说明: units' explanations of missed or coming deadlines."""

    model = DelayExplanation
    serializer_class = DelayExplanationSerializer
    filterset_class = DelayExplanationFilterSet
    ordering_fields = ["submitted_at", "expected_completion", "finding"]

    def get_queryset(self):
        return super().get_queryset().select_related("submitted_by")
