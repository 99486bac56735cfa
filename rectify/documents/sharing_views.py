"""The download of an inspection tour's package for one unit as Word (``rectify.documents.sharing``)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views import View

from rectify.documents.sharing import package_document
from rectify.documents.views import docx_response
from rectify.organizations.models import Organization
from rectify.sharing.package import unit_package


class UnitPackageDocumentView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        unit = get_object_or_404(Organization.objects.restrict(request.user), pk=pk)
        package = unit_package(request.user, unit)
        if not package.findings.rows:
            raise Http404
        return docx_response(package_document(package))
