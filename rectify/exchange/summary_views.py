"""The download of a summary report's Excel annex (``rectify.exchange.summaries``), from its page."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from rectify.core import audit_log
from rectify.core.routing import replica_reads
from rectify.exchange.summaries import XLSX_CONTENT_TYPE, summary_annex
from rectify.summaries.models import SummaryReport


def annex_response(report: SummaryReport) -> HttpResponse:
    with replica_reads():  # the findings behind the figures, on the replica where there is one
        filename, content = summary_annex(report)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"summary-annex-{report.pk}.xlsx\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class SummaryAnnexView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        report = get_object_or_404(SummaryReport.objects.restrict(request.user).select_related("issuer"), pk=pk)
        audit_log.record(request, "export", report, file="summary_annex")
        return annex_response(report)
