"""The log auditor's pages: search the security log, page through it newest first, export it.

Reachable only by the log auditor (安全审计员); anyone else is refused (403), and the refusal is logged
like any other. The auditor's own searches and exports are logged too. Pages are keyset-paginated on the
sequence number (``?before=``), so a page costs the same however long the log grows.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from rectify.accounts.choices import RoleCode
from rectify.security_log import export, services
from rectify.security_log.choices import EventKind
from rectify.security_log.forms import LogSearchForm
from rectify.security_log.models import SecurityEvent

PAGE = 50


def may_read_log(user) -> bool:
    return user.is_authenticated and user.has_role(RoleCode.LOG_AUDITOR)


class LogAuditorMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_read_log(request.user):
            raise PermissionDenied(_("只有安全审计员可以查阅安全审计日志。"))
        return super().dispatch(request, *args, **kwargs)


def _searched(request) -> tuple[LogSearchForm, object]:
    form = LogSearchForm(request.GET or None)
    events = SecurityEvent.objects.all()
    if form.is_bound:
        events = events.filter(**form.filters()) if form.is_valid() else events.none()
    return form, events.order_by("-sequence")


def _positive(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 19 else None


class LogListView(LogAuditorMixin, View):
    def get(self, request):
        form, events = _searched(request)
        before = _positive(request.GET.get("before", ""))
        if before is not None:
            events = events.filter(sequence__lt=before)
        page = list(events[: PAGE + 1])
        more = len(page) > PAGE
        page = page[:PAGE]
        services.record(
            request,
            EventKind.LOG_VIEW,
            "security_log",
            filters=form.as_detail() if form.is_bound and form.is_valid() else {},
            before=before,
        )
        query = request.GET.copy()
        query.pop("before", None)
        return render(
            request,
            "security_log/log.html",
            {
                "form": form,
                "events": page,
                "next_before": page[-1].sequence if more else None,
                "query": query.urlencode(),
                "paged": before is not None,
                "export_limit": settings.RECTIFY_SECURITY_LOG_EXPORT_MAX,
            },
        )


class LogExportView(LogAuditorMixin, View):
    """The search's records, newest first, up to RECTIFY_SECURITY_LOG_EXPORT_MAX, as .xlsx or .csv."""

    def get(self, request, fmt: str):
        form, events = _searched(request)
        limit = settings.RECTIFY_SECURITY_LOG_EXPORT_MAX
        events = events[:limit].iterator(chunk_size=2000)
        filters = form.as_detail() if form.is_bound and form.is_valid() else {}
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        services.record(request, EventKind.EXPORT, "security_log", format=fmt, filters=filters, limit=limit)
        if fmt == "csv":
            response: HttpResponse = StreamingHttpResponse(
                export.csv_lines(events), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="security-log-{stamp}.csv"'
        else:
            handle = tempfile.TemporaryFile(suffix=".xlsx")
            export.write_xlsx(events, handle)
            handle.seek(0)
            response = FileResponse(
                handle,
                as_attachment=True,
                filename=f"security-log-{stamp}.xlsx",
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Cache-Control"] = "private, no-store"
        return response
