"""The Excel ledger on the web: export of the filtered ledger, the template, and the import
(upload → preview → confirm → the import's page), with a progress bar the pages poll.

The preview runs inside the upload request (it writes nothing and locks nothing). Confirming only
queues the import as a job (``rectify.exchange.jobs``) and goes to the import's page, which shows
the job's progress and ends on the confirmation or on the located errors."""

from __future__ import annotations

import tempfile
import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View

from rectify.core import audit_log
from rectify.core.routing import replica_reads
from rectify.exchange import jobs, progress, services
from rectify.exchange.forms import ConfirmForm, LedgerUploadForm
from rectify.findings.filters import FindingFilterSet
from rectify.findings.models import Finding

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "exchange_imports"
JOBS_SESSION_KEY = "exchange_import_jobs"
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
        audit_log.record(request, "export", "ledger", filters=request.GET.dict())
        # Read on the replica where there is one (rectify.core.routing); the workbook is written here, in full.
        with replica_reads():
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
    """Queues the import of the kept upload as a job and answers at once with the import's page."""

    def post(self, request, key: str):
        pending = request.session.get(SESSION_KEY, {})
        entry = pending.get(key)
        if entry is None:
            raise Http404
        form = ConfirmForm(request.POST)
        token = form.cleaned_data["token"] if form.is_valid() else _new_token()
        pending.pop(key, None)
        request.session[SESSION_KEY] = pending
        handle = services.open_stashed(entry["path"], entry["sha256"])
        if handle is None:
            services.discard_stashed(entry["path"])
            messages.error(request, _("待导入的文件已失效，请重新上传。"))
            return redirect("exchange:ledger-import")
        handle.close()
        started = request.session.get(JOBS_SESSION_KEY, {})
        for old in list(started)[:-4]:  # the latest few imports of a session keep their page's title
            started.pop(old)
        started[token] = {"name": entry["name"]}
        request.session[JOBS_SESSION_KEY] = started
        # The job reads the kept upload and removes it (it checks the content again when it starts).
        jobs.queue_import(
            path=entry["path"],
            sha256=entry["sha256"],
            name=entry["name"],
            user=request.user,
            token=token,
            request_id=getattr(request, "request_id", ""),
            language=translation.get_language() or "",
        )
        return redirect("exchange:ledger-import-job", token=token)


class LedgerImportJobView(ImportAccessMixin, View):
    """The page of a confirmed import: its progress while the job runs, then the confirmation (the
    ledger, with the counts) or the located errors. Only the user who confirmed it sees it."""

    def get(self, request, token: str):
        if not progress.started_by(token, request.user.pk):
            raise Http404
        name = request.session.get(JOBS_SESSION_KEY, {}).get(token, {}).get("name", "")
        outcome = progress.outcome(token, request.user.pk)
        if outcome is None:
            return render(request, "exchange/job.html", {"token": token, "name": name, "record": progress.read(token)})
        if not outcome["ok"]:
            result = services.ImportResult(name=outcome["name"] or name, errors=jobs.errors_of(outcome))
            return render(request, "exchange/errors.html", {"result": result})
        messages.success(
            request,
            _("台账已导入：新建 %(created)d 个问题（草稿），修改 %(changed)d 个问题，%(same)d 个问题无变化。")
            % {"created": outcome["created"], "changed": outcome["changed"], "same": outcome["unchanged"]},
        )
        return redirect("ledger:ledger")


class LedgerImportProgressView(View):
    """The progress bar's content, polled by exchange/import.js while the upload or the import's job runs.

    Read by its unguessable token alone and asked for without cookies (see ``progress``): no session,
    no database, so it answers even while the import holds the database's write lock. It shows the
    phase and the counts only, never the outcome.
    """

    def get(self, request, token: str):
        response = render(request, "exchange/progress.html", {"record": progress.read(token)})
        response["Cache-Control"] = "no-store"
        return response
