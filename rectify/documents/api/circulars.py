"""``GET /api/circulars/<id>/document/``: the circular as Word (404 outside the scope)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from rectify.documents.api.views import DocxRenderer, _responses
from rectify.documents.circular_views import visible_circular
from rectify.documents.circulars import circular_document
from rectify.documents.views import docx_response


class CircularDocumentAPIView(APIView):
    renderer_classes = [JSONRenderer, DocxRenderer]

    @extend_schema(
        operation_id="circulars_document",
        summary="通报（.docx，GB/T 9704-2012 版式）",
        responses=_responses("通报公文"),
        tags=["circulars"],
    )
    def get(self, request, pk: int):
        return docx_response(circular_document(visible_circular(request.user, pk)))
