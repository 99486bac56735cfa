"""The download of an inspection tour's package for one unit as Excel (``rectify.exchange.sharing``)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from rectify.core import audit_log
from rectify.exchange.sharing import XLSX_CONTENT_TYPE, package_workbook
from rectify.organizations.models import Organization
from rectify.sharing.package import unit_package


def visible_package(user, pk: int):
    """The package of unit ``pk`` as the user sees it: 404 when the user sees none of its findings."""
    unit = get_object_or_404(Organization.objects.restrict(user), pk=pk)
    package = unit_package(user, unit)
    if not package.findings.rows:
        raise Http404
    return package


class UnitPackageView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        package = visible_package(request.user, pk)
        filename, content = package_workbook(package)
        audit_log.record(request, "export", ("organizations.Organization", pk), file="unit_package")
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = (
            f"attachment; filename=\"unit-package-{pk}.xlsx\"; filename*=UTF-8''{quote(filename, safe='')}"
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
