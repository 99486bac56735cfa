"""The Excel ledger on the web: export of the filtered ledger, the template, and the import
(upload → preview → confirm), with a progress bar the upload and confirm pages poll."""

from __future__ import annotations

import tempfile
import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from rectify.exchange import progress, services
from rectify.exchange.forms import ConfirmForm, LedgerUploadForm
from rectify.findings.filters import FindingFilterSet
from rectify.findings.models import Finding

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "exchange_imports"
PREVIEW_ROWS = 1000


def _xlsx_response(write, filename: str) -> FileResponse:
    """Writes the workbook to a temporary file (never into memory) and streams it from there."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


class LedgerExportView(LoginRequiredMixin, View):
    """The ledger as the user sees it on /ledger/, with the same filters, as an .xlsx file."""

    def get(self, request):
        visible = Finding.objects.restrict(request.user)
        filterset = FindingFilterSet(request.GET or None, queryset=visible, request=request)
        # As the ledger page does: filters that do not validate show nothing rather than everything.
        findings = filterset.qs if not filterset.is_bound or filterset.is_valid() else visible.none()
        stamp = timezone.localdate().strftime("%Y%m%d")
        return _xlsx_response(
            lambda handle: services.export_ledger(findings, handle, user=request.user), f"整改台账-{stamp}.xlsx"
        )


class LedgerTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        return _xlsx_response(lambda handle: services.write_template(handle, user=request.user), "整改台账模板.xlsx")


class ImportAccessMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not services.can_import(request.user):
            raise PermissionDenied(_("只有审计机关的审计人员可以导入整改台账。"))
        return super().dispatch(request, *args, **kwargs)


def _new_token() -> str:
    return uuid.uuid4().hex


class LedgerImportView(ImportAccessMixin, View):
    """Upload, then a preview of what the file would create and change; nothing is saved yet."""

    def get(self, request):
        form = LedgerUploadForm(initial={"token": _new_token()})
        return self._form(request, form)

    def _form(self, request, form):
        token = form["token"].value() or _new_token()
        return render(request, "exchange/import.html", {"form": form, "token": token})

    def post(self, request):
        form = LedgerUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._form(request, form)
        upload = form.cleaned_data["file"]
        tracker = progress.Progress(form.cleaned_data["token"])
        result = services.import_ledger(upload, request.user, name=upload.name, dry_run=True, progress=tracker)
        if not result.ok:
            return render(request, "exchange/errors.html", {"result": result}, status=400)
        name, digest = services.stash_upload(upload)
        key = uuid.uuid4().hex
        pending = request.session.get(SESSION_KEY, {})
        # Only the latest few previews of a session can be confirmed.
        for old in list(pending)[:-4]:
            services.discard_stashed(pending.pop(old)["path"])
        pending[key] = {"path": name, "sha256": digest, "name": upload.name}
        request.session[SESSION_KEY] = pending
        return render(
            request,
            "exchange/preview.html",
            {
                "result": result,
                "key": key,
                "token": _new_token(),
                "created": result.created[:PREVIEW_ROWS],
                "changed": result.changed[:PREVIEW_ROWS],
                "preview_rows": PREVIEW_ROWS,
            },
        )


class LedgerImportConfirmView(ImportAccessMixin, View):
    """Re-reads the kept upload, checks it again and applies it all in one transaction, or nothing."""

    def post(self, request, key: str):
        pending = request.session.get(SESSION_KEY, {})
        entry = pending.get(key)
        if entry is None:
            raise Http404
        form = ConfirmForm(request.POST)
        token = form.cleaned_data["token"] if form.is_valid() else _new_token()
        handle = services.open_stashed(entry["path"], entry["sha256"])
        if handle is None:
            pending.pop(key, None)
            request.session[SESSION_KEY] = pending
            messages.error(request, _("待导入的文件已失效，请重新上传。"))
            return redirect("exchange:ledger-import")
        try:
            tracker = progress.Progress(token)
            result = services.import_ledger(handle, request.user, name=entry["name"], progress=tracker)
        finally:
            handle.close()
            services.discard_stashed(entry["path"])
            pending.pop(key, None)
            request.session[SESSION_KEY] = pending
        if not result.ok:
            return render(request, "exchange/errors.html", {"result": result}, status=400)
        messages.success(
            request,
            _("台账已导入：新建 %(created)d 个问题（草稿），修改 %(changed)d 个问题，%(same)d 个问题无变化。")
            % {"created": len(result.created), "changed": len(result.changed), "same": result.unchanged},
        )
        return redirect("ledger:ledger")


class LedgerImportProgressView(View):
    """The progress bar's content, polled by exchange/import.js while the upload or the confirmation runs.

    Read by its unguessable token alone and asked for without cookies (see ``progress``): no session,
    no database, so it answers even while the import holds the database's write lock.
    """

    def get(self, request, token: str):
        response = render(request, "exchange/progress.html", {"record": progress.read(token)})
        response["Cache-Control"] = "no-store"
        return response
