"""The download of a year's assessment results (``rectify.exchange.assessments``), from the ranking page."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.views import View

from rectify.core import audit_log
from rectify.core.routing import replica_reads
from rectify.exchange.assessments import XLSX_CONTENT_TYPE, assessment_workbook, scoped_results


class AssessmentExportView(LoginRequiredMixin, View):
    def get(self, request, year: int):
        with replica_reads():  # on the replica where there is one (rectify.core.routing)
            filename, content = assessment_workbook(scoped_results(request.user), year)
        audit_log.record(request, "export", None, file="assessment_results", year=year)
        setattr(request, audit_log.RECORDED_ATTRIBUTE, True)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = (
            f"attachment; filename=\"assessment-{year}.xlsx\"; filename*=UTF-8''{quote(filename, safe='')}"
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
