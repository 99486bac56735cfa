"""``GET /api/summary-reports/<id>/document/``: the summary report as Word (404 outside the scope)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from rectify.documents.api.views import DocxRenderer, _responses
from rectify.documents.summaries import summary_report_document
from rectify.documents.summary_views import visible_report
from rectify.documents.views import docx_response


class SummaryReportDocumentAPIView(APIView):
    renderer_classes = [JSONRenderer, DocxRenderer]

    @extend_schema(
        operation_id="summary_reports_document",
        summary="汇总报告（.docx，GB/T 9704-2012 版式）",
        responses=_responses("汇总报告公文"),
        tags=["summary-reports"],
    )
    def get(self, request, pk: int):
        return docx_response(summary_report_document(visible_report(request.user, pk)))
