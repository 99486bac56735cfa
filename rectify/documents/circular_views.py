"""The download of a circular as Word (``rectify.documents.circulars``), from its page."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views import View

from rectify.documents.circulars import circular_document
from rectify.documents.views import docx_response
from rectify.supervision.models import Circular


def visible_circular(user, pk: int) -> Circular:
    """The circular through the user's scope (404 outside it)."""
    return get_object_or_404(Circular.objects.restrict(user).select_related("issuer", "issuer__jurisdiction"), pk=pk)


class CircularDocumentView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        return docx_response(circular_document(visible_circular(request.user, pk)))
