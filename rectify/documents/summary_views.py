"""The download of a summary report as Word (``rectify.documents.summaries``), from its page."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views import View

from rectify.documents.summaries import summary_report_document
from rectify.documents.views import docx_response
from rectify.summaries.models import SummaryReport


def visible_report(user, pk: int) -> SummaryReport:
    """The report through the user's scope (404 outside it)."""
    reports = SummaryReport.objects.restrict(user).select_related("issuer", "issuer__jurisdiction", "approved_by")
    return get_object_or_404(reports, pk=pk)


class SummaryReportDocumentView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        return docx_response(summary_report_document(visible_report(request.user, pk)))
