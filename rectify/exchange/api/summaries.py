"""``GET /api/summary-reports/<id>/annex/``: the Excel annex of a summary report (404 outside the scope)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from rectify.exchange.summaries import XLSX_CONTENT_TYPE
from rectify.exchange.summary_views import annex_response
from rectify.summaries.models import SummaryReport


class SummaryAnnexAPIView(APIView):
    @extend_schema(
        operation_id="summary_reports_annex",
        summary="汇总报告附件：问题明细（.xlsx）",
        responses={(200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="问题明细")},
        tags=["summary-reports"],
    )
    def get(self, request, pk: int):
        report = get_object_or_404(SummaryReport.objects.restrict(request.user).select_related("issuer"), pk=pk)
        return annex_response(report)
