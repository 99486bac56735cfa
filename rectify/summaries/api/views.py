"""Summary reports over HTTP: ``/api/summary-reports/`` (scoped, paginated), drafting with POST, and the
steps as actions (``POST /api/summary-reports/<id>/submit|approve|return|send|refresh|narrative/``).
The Word document and the Excel annex are ``/api/summary-reports/<id>/document/`` and ``…/annex/``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from rectify.api.base import RestrictedViewSet
from rectify.audits.models import AuditProject
from rectify.findings.models import Finding
from rectify.organizations.models import Organization
from rectify.summaries import services
from rectify.summaries.api.serializers import (
    CommentInputSerializer,
    CreateInputSerializer,
    NarrativeInputSerializer,
    ReturnInputSerializer,
    SummaryReportListSerializer,
    SummaryReportSerializer,
)
from rectify.summaries.filters import SummaryReportFilterSet
from rectify.summaries.models import SummaryReport


def _organizations(ids) -> list[Organization]:
    found = {org.pk: org for org in Organization.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        from rest_framework.exceptions import ValidationError

        raise ValidationError({"recipients": [f"unknown organization {pk}" for pk in missing]})
    return [found[pk] for pk in ids]


class SummaryReportViewSet(RestrictedViewSet):
    """汇总报告 (summary reports): those the caller issues or prepares, and those sent to the caller's
    organization; filtered with ``kind``, ``state``, ``year``, ``box`` (received / own), ``q``."""

    model = SummaryReport
    serializer_class = SummaryReportSerializer
    filterset_class = SummaryReportFilterSet
    ordering_fields = ["report_date", "sent_at", "created"]

    def get_base_queryset(self):
        return (
            SummaryReport.objects.restrict(self.request.user).select_related("issuer").order_by("-report_date", "-pk")
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            queryset = queryset.defer("narrative", "figures", "rows").prefetch_related("recipients")
        return queryset

    def get_serializer_class(self):
        return SummaryReportListSerializer if self.action == "list" else SummaryReportSerializer

    def _answer(self, report, code=status.HTTP_200_OK):
        report = self.get_base_queryset().get(pk=report.pk)
        return Response(self.represent(SummaryReportSerializer, report), status=code)

    @extend_schema(request=CreateInputSerializer, responses={201: SummaryReportSerializer})
    def create(self, request):
        """起草 (draft a report); its figures are computed from the ledger and its narrative prefilled."""
        data = self.validated(CreateInputSerializer)
        user = request.user
        project = department = None
        if data.get("project"):
            project = get_object_or_404(AuditProject.objects.restrict(user), pk=data["project"])
        if data.get("department"):
            department = get_object_or_404(Organization.objects.restrict(user), pk=data["department"])
        # Checked by the service against what the caller sees: an id out of scope is refused, never shown.
        findings = [Finding(pk=pk) for pk in data.get("findings") or []]
        recipients = _organizations(data["recipients"]) if data.get("recipients") else None
        report = services.create_report(
            user, kind=data["kind"], report_date=data.get("report_date"), year=data.get("year"), project=project,
            department=department, findings=findings, recipients=recipients, title=data.get("title") or "",
        )  # fmt: skip
        return self._answer(report, status.HTTP_201_CREATED)

    @extend_schema(request=NarrativeInputSerializer, responses={200: SummaryReportSerializer})
    @action(detail=True, methods=["post"])
    def narrative(self, request, pk=None):
        """修改正文 (edit a draft's sections, title, 截至 date, recipients); ``version`` as read."""
        report = self.get_object()
        data = self.validated(NarrativeInputSerializer)
        recipients = _organizations(data["recipients"]) if "recipients" in data else None
        report = services.update_report(
            request.user, report, sections=data["sections"], title=data.get("title"),
            report_date=data.get("report_date"), recipients=recipients, version=self.seen_version(data),
        )  # fmt: skip
        return self._answer(report)

    def _step(self, request, name: str):
        report = self.get_object()
        comment = self.validated(CommentInputSerializer)["comment"]
        report = getattr(services, f"{name}_report")(request.user, report, comment)
        return self._answer(report)

    @extend_schema(request=CommentInputSerializer, responses={200: SummaryReportSerializer, 400: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """报请审批 (draft → submitted)."""
        return self._step(request, "submit")

    @extend_schema(request=CommentInputSerializer, responses={200: SummaryReportSerializer, 403: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """审批同意 (submitted → approved; the figures are frozen)."""
        return self._step(request, "approve")

    @extend_schema(request=CommentInputSerializer, responses={200: SummaryReportSerializer})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """报送 (approved → sent)."""
        return self._step(request, "send")

    @extend_schema(request=ReturnInputSerializer, responses={200: SummaryReportSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """退回修改 (submitted or approved → draft; ``reason`` required)."""
        report = self.get_object()
        reason = self.validated(ReturnInputSerializer)["reason"]
        return self._answer(services.return_report(request.user, report, reason))

    @extend_schema(request=None, responses={200: SummaryReportSerializer})
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        """按台账重新计算 (a draft's figures computed again)."""
        report = self.get_object()
        return self._answer(services.refresh_figures(request.user, report))
