"""The API counterpart of the document downloads: the same files, for scripts and other systems.

GET /api/documents/notice/<project_id>/[?unit=<id>], /api/documents/close-out-sheet/<finding_id>/,
/api/documents/unit-report/<organization_id>/ answer the .docx; an object the caller may not see is
404; a document that cannot be written for a visible object is 400 with ``{"detail": …}``.
"""

from __future__ import annotations

import datetime
import json

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from rectify.audits.models import AuditProject
from rectify.core import audit_log
from rectify.core.exceptions import ActionRefused
from rectify.documents import services
from rectify.documents.views import docx_response, unit_from_query
from rectify.findings.models import Finding
from rectify.organizations.models import Organization


class DocxRenderer(BaseRenderer):
    """Lets a client ask for the file with ``Accept: application/vnd…document``; an error for such a
    client is still written as JSON."""

    media_type = services.DOCX_CONTENT_TYPE
    format = "docx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | bytearray):
            return bytes(data)
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _responses(description: str) -> dict:
    return {
        (200, services.DOCX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description=description),
        (400, "application/json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description='不能生成（如问题尚未核实认定）；{"detail": …}'
        ),
        (404, "application/json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description="对象不存在或不在调用者的职责范围内"
        ),
    }


class DocumentAPIView(APIView):
    renderer_classes = [JSONRenderer, DocxRenderer]

    def generate(self, request, pk: int) -> services.GeneratedDocument:
        raise NotImplementedError

    def get(self, request, pk: int):
        try:
            document = self.generate(request, pk)
        except ActionRefused as refusal:
            code = status.HTTP_404_NOT_FOUND if refusal.code == "not_found" else status.HTTP_400_BAD_REQUEST
            return Response({"detail": refusal.messages[0]}, status=code)
        audit_log.record(request, "document", ("view:" + type(self).__name__, pk), document=type(self).__name__)
        return docx_response(document)


class NoticeAPIView(DocumentAPIView):
    @extend_schema(
        operation_id="documents_notice",
        summary="审计整改通知书（.docx）",
        parameters=[OpenApiParameter("unit", int, description="只列该单位的问题")],
        responses=_responses("审计整改通知书，GB/T 9704-2012 版式"),
        tags=["documents"],
    )
    def get(self, request, pk: int):
        return super().get(request, pk)

    def generate(self, request, pk):
        project = get_object_or_404(AuditProject.objects.restrict(request.user).select_related("audit_office"), pk=pk)
        return services.rectification_notice(request.user, project, unit_from_query(request))


class CloseOutSheetAPIView(DocumentAPIView):
    @extend_schema(
        operation_id="documents_close_out_sheet",
        summary="对账销号单（.docx）",
        responses=_responses("已核实认定问题的对账销号单"),
        tags=["documents"],
    )
    def get(self, request, pk: int):
        return super().get(request, pk)

    def generate(self, request, pk):
        finding = get_object_or_404(Finding.objects.restrict(request.user), pk=pk)
        return services.close_out_sheet(request.user, finding)


class UnitReportAPIView(DocumentAPIView):
    @extend_schema(
        operation_id="documents_unit_report",
        summary="单位整改情况报告（.docx）",
        parameters=[
            OpenApiParameter("period", str, enum=["open"], description="open：只列尚未销号的问题"),
            OpenApiParameter("from", datetime.date, description="列入此日起销号的问题（默认当年1月1日）"),
            OpenApiParameter("to", datetime.date, description="列入此日前销号的问题（默认今天）"),
        ],
        responses=_responses("由整改台账汇编的整改情况报告"),
        tags=["documents"],
    )
    def get(self, request, pk: int):
        return super().get(request, pk)

    def generate(self, request, pk):
        organization = get_object_or_404(Organization.objects.restrict(request.user), pk=pk)
        return services.unit_report(request.user, organization, services.ReportPeriod.from_query(request.query_params))
