"""Plans, report rounds, evidence, verifications and delay explanations over HTTP.

They are written through the finding's actions (``/api/findings/<id>/plan/`` …), which this app adds to
the findings app's resource together with the transitions; here they are read, and evidence can be
added to a round that awaits verification.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from rectify.api.base import DecimalJSONParser, RestrictedReadOnlyViewSet
from rectify.findings.api.serializers import FindingSerializer, TransitionSerializer
from rectify.findings.api.views import REFUSALS
from rectify.findings.api.views import FindingViewSet as FindingRecordViewSet
from rectify.rectification import services
from rectify.rectification.api.filters import (
    DelayExplanationFilterSet,
    EvidenceFilterSet,
    PlanFilterSet,
    ProgressReportFilterSet,
    VerificationFilterSet,
)
from rectify.rectification.api.serializers import (
    DelayDecisionInputSerializer,
    DelayExplanationSerializer,
    DelayInputSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    PlanInputSerializer,
    PlanSerializer,
    ProgressReportSerializer,
    ReportInputSerializer,
    VerificationSerializer,
    VerifyInputSerializer,
)
from rectify.rectification.models import DelayExplanation, Evidence, Plan, ProgressReport, Verification
from rectify.rectification.views import EvidenceFileView

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
class FindingViewSet(FindingRecordViewSet):
    """审计查出问题: the ledger's rows, filtered with the web ledger's filters, and what may be done to them.

    The findings app's resource (reading, recording and correcting findings) with the transitions and
    the rectification actions added: the unit's plan, report rounds and delay explanations, the
    auditor's verification.
    """

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
        plan = services.submit_plan(request.user, finding, **data)
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
        report = services.submit_report(
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
        verification = services.verify_latest(request.user, finding, **self.validated(VerifyInputSerializer))
        return Response(self.represent(VerificationSerializer, verification), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="说明延期原因 (the unit explains a missed or coming deadline)",
        request=DelayInputSerializer,
        responses={201: DelayExplanationSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def delay(self, request, pk=None):
        finding = self.get_object()
        explanation = services.explain_delay(request.user, finding, **self.validated(DelayInputSerializer))
        return Response(self.represent(DelayExplanationSerializer, explanation), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="审核延期说明 (the audit office accepts or rejects the latest pending delay explanation)",
        request=DelayDecisionInputSerializer,
        responses={200: DelayExplanationSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="decide-delay")
    def decide_delay(self, request, pk=None):
        finding = self.get_object()
        explanation = services.decide_delay(request.user, finding, **self.validated(DelayDecisionInputSerializer))
        return Response(self.represent(DelayExplanationSerializer, explanation), status=status.HTTP_200_OK)


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
