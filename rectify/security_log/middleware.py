"""Binds the request for the log's hooks, and records what a view does not record itself: a signed-in
user's refused request (403, or 404 on an address that names a view: an object outside their scope),
and any file handed out as an attachment."""

from __future__ import annotations

from collections.abc import Callable

from django.http import FileResponse, HttpRequest, HttpResponse

from rectify.core.audit_log import RECORDED_ATTRIBUTE
from rectify.security_log.choices import EventKind, Outcome
from rectify.security_log.services import record_quietly, request_bound

DENIED_STATUSES = frozenset({403, 404})
# A file the system writes (a Word document, a workbook or table of data) versus one it hands back.
DOCUMENT_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml",)
EXPORT_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml", "text/csv")


def _kind_of(content_type: str) -> str:
    if content_type.startswith(DOCUMENT_TYPES):
        return EventKind.DOCUMENT
    if content_type.startswith(EXPORT_TYPES):
        return EventKind.EXPORT
    return EventKind.DOWNLOAD


def _target(request: HttpRequest) -> tuple[str, str, str]:
    match = request.resolver_match
    name = match.view_name if match is not None else ""
    object_id = ""
    if match is not None:
        object_id = str(match.kwargs.get("pk", "") or next(iter(match.kwargs.values()), ""))
    return ("view:" + name if name else "", object_id, "")


class SecurityLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_bound(request):
            response = self.get_response(request)
            self.after(request, response)
        return response

    def after(self, request: HttpRequest, response: HttpResponse) -> None:
        user = getattr(request, "user", None)
        if not getattr(user, "is_authenticated", False):
            return
        detail = {"method": request.method, "path": request.path[:500], "status": response.status_code}
        if response.status_code in DENIED_STATUSES and request.resolver_match is not None:
            record_quietly(request, EventKind.DENIED, _target(request), Outcome.FAILURE, **detail)
        elif (
            response.status_code == 200
            and not getattr(request, RECORDED_ATTRIBUTE, False)
            and (
                isinstance(response, FileResponse)
                or response.get("Content-Disposition", "").lower().startswith("attachment")
            )
        ):
            kind = _kind_of(response.get("Content-Type", ""))
            record_quietly(request, kind, _target(request), Outcome.SUCCESS, **detail)
