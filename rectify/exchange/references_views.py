"""The downloads of the references' Excel workbooks (``rectify.exchange.references``), from their pages: the
same scope (404 to whoever reads neither reference) and the same filters as the pages."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from rectify.core import audit_log
from rectify.core.routing import replica_reads
from rectify.exchange.references import XLSX_CONTENT_TYPE, budget_workbook, cadre_workbook
from rectify.findings.warning import local_today
from rectify.references import readers
from rectify.references.filters import BudgetFilterForm, CadreReferenceFilterSet
from rectify.references.scopes import reads_budget_reference, reads_cadre_reference


def xlsx_response(content: bytes, filename: str, ascii_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class CadreReferenceExportView(LoginRequiredMixin, View):
    def get(self, request):
        if not reads_cadre_reference(request.user):
            raise Http404
        filterset = CadreReferenceFilterSet(request.GET or None, queryset=readers.cadre_projects(request.user))
        projects = filterset.qs if filterset.is_bound else filterset.queryset
        if filterset.is_bound and not filterset.is_valid():
            projects = projects.none()
        audit_log.record(request, "export", None, file="cadre_reference")
        day = local_today().strftime("%Y%m%d")
        with replica_reads():  # on the replica where there is one (rectify.core.routing)
            content = cadre_workbook(request.user, projects)
        return xlsx_response(content, f"干部监督参考{day}.xlsx", f"cadre-reference-{day}.xlsx")


class CadreProjectExportView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        if not reads_cadre_reference(request.user):
            raise Http404
        projects = readers.cadre_projects(request.user).filter(pk=pk)
        project = get_object_or_404(projects)
        audit_log.record(request, "export", project, file="cadre_reference")
        name = project.audited_official or project.name
        with replica_reads():
            content = cadre_workbook(request.user, projects)
        return xlsx_response(content, f"干部监督参考（{name}）.xlsx", f"cadre-reference-{project.pk}.xlsx")


class BudgetReferenceExportView(LoginRequiredMixin, View):
    def get(self, request):
        if not reads_budget_reference(request.user):
            raise Http404
        values = BudgetFilterForm(request.GET or None).values()
        audit_log.record(request, "export", None, file="budget_reference")
        label = values["year"] or "all"
        with replica_reads():
            content = budget_workbook(request.user, year=values["year"], sector=values["sector"])
        return xlsx_response(
            content,
            f"预算安排参考（{values['year'] or '全部'}年度）.xlsx", f"budget-reference-{label}.xlsx",
        )  # fmt: skip
