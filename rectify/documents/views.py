"""Downloads of the official documents from the finding, project and organization pages.

Every object is fetched through ``Model.objects.restrict(user)``: what the user may not see answers
404. A document that cannot be written for a visible object (a close-out sheet of a finding not yet
verified, a notice of a project with no issued problem) answers 400 with the reason in Chinese.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from rectify.audits.models import AuditProject
from rectify.core import audit_log
from rectify.core.actions import RefusedUnlessMixin
from rectify.core.exceptions import ActionRefused
from rectify.documents import batches, services
from rectify.documents.models import BatchStatus, DocumentBatch
from rectify.findings.models import Finding
from rectify.findings.scopes import sees_rows
from rectify.organizations.models import Organization


def content_disposition(document: services.GeneratedDocument) -> str:
    """attachment with an ASCII filename and the Chinese one as filename* (RFC 6266 / RFC 5987)."""
    return f"attachment; filename=\"{document.ascii_filename}\"; filename*=UTF-8''{quote(document.filename, safe='')}"


def docx_response(document: services.GeneratedDocument) -> HttpResponse:
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition(document)
    response["Content-Length"] = str(len(document.content))
    response["Cache-Control"] = "private, no-store"  # the documents carry audit data
    response["X-Content-Type-Options"] = "nosniff"
    return response


def unit_from_query(request) -> Organization | None:
    """The optional ?unit=<id> of the notice, fetched through the user's scope (404 if not visible)."""
    value = request.GET.get("unit", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Http404("unit")
    return get_object_or_404(Organization.objects.restrict(request.user), pk=int(value))


class DocumentView(LoginRequiredMixin, View):
    def generate(self, request, pk: int) -> services.GeneratedDocument:
        raise NotImplementedError

    object = None

    def back_url(self) -> str:
        return self.object.get_absolute_url() if self.object is not None else ""

    def get(self, request, pk: int):
        try:
            document = self.generate(request, pk)
        except ActionRefused as refusal:
            if refusal.code == "not_found":
                raise Http404(refusal.messages[0]) from refusal
            context = {"message": refusal.messages[0], "back_url": self.back_url()}
            return render(request, "documents/refused.html", context, status=400)
        generated = self.object if self.object is not None else ("view:" + type(self).__name__, pk)
        audit_log.record(request, "document", generated, document=type(self).__name__)
        return docx_response(document)


class NoticeView(DocumentView):
    """审计整改通知书 of a project; ?unit=<id> limits it to one unit's problems."""

    def generate(self, request, pk):
        projects = AuditProject.objects.restrict(request.user).select_related("audit_office")
        self.object = get_object_or_404(projects, pk=pk)
        return services.rectification_notice(request.user, self.object, unit_from_query(request))


class CloseOutSheetView(DocumentView):
    """对账销号单 of a verified finding."""

    def generate(self, request, pk):
        self.object = get_object_or_404(Finding.objects.restrict(request.user), pk=pk)
        return services.close_out_sheet(request.user, self.object)


class UnitReportView(DocumentView):
    """整改情况报告 of a unit, assembled from its ledger: ?period=open for the open findings only, or
    ?from=&to= (YYYY-MM-DD) for the open ones and those closed in those dates; by default this year."""

    def generate(self, request, pk):
        self.object = get_object_or_404(Organization.objects.restrict(request.user), pk=pk)
        return services.unit_report(request.user, self.object, services.ReportPeriod.from_query(request.GET))


# --- batches: asked for here, built by a job, followed on their page ---------------------------------


def _refused(request, refusal: ActionRefused, back_url: str):
    if refusal.code == "not_found":
        raise Http404(refusal.messages[0]) from refusal
    return render(request, "documents/refused.html", {"message": refusal.messages[0], "back_url": back_url}, status=400)


class ProjectNoticesBatchView(LoginRequiredMixin, View):
    """Every unit's notice of a project, as one ZIP built in the background."""

    def post(self, request, pk: int):
        project = get_object_or_404(AuditProject.objects.restrict(request.user), pk=pk)
        try:
            batch = batches.request_project_notices(request.user, project, return_url=project.get_absolute_url())
        except ActionRefused as refusal:
            return _refused(request, refusal, project.get_absolute_url())
        audit_log.record(request, "document", batch, document="project_notices", project=project.pk)
        messages.success(request, _("已开始批量生成，完成后可在本页下载。"))
        return redirect(batch)


class CloseOutSheetsBatchView(LoginRequiredMixin, RefusedUnlessMixin, View):
    """The close-out sheets of the verified findings in the ledger's current selection (its filters),
    for those who see ledger rows."""

    refused_message = gettext_lazy("您的角色不查看整改台账明细，不能批量生成对账销号单。")

    def may_use(self, user) -> bool:
        return sees_rows(user)

    def post(self, request):
        from rectify.findings.filters import FindingFilterSet

        filterset = FindingFilterSet(request.GET, queryset=Finding.objects.restrict(request.user))
        back = reverse("ledger:ledger") + (f"?{request.GET.urlencode()}" if request.GET else "")
        try:
            batch = batches.request_close_out_sheets(request.user, filterset.qs, return_url=back)
        except ActionRefused as refusal:
            return _refused(request, refusal, back)
        audit_log.record(request, "document", batch, document="close_out_sheets", filters=request.GET.dict())
        messages.success(request, _("已开始批量生成，完成后可在本页下载。"))
        return redirect(batch)


class BatchView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        batch = get_object_or_404(DocumentBatch.objects.restrict(request.user), pk=pk)
        template = "documents/batch_progress.html" if request.htmx else "documents/batch.html"
        return render(request, template, {"batch": batch})


class BatchDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        batch = get_object_or_404(DocumentBatch.objects.restrict(request.user).filter(status=BatchStatus.DONE), pk=pk)
        audit_log.record(request, "download", batch, file="document_batch")
        response = FileResponse(batch.file.open("rb"), as_attachment=True, filename=f"{batch.title}.zip")
        response["Cache-Control"] = "private, no-store"
        return response
