from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import check_for_language

from rectify.core.request_context import _request_id, new_request_id


class RequestIdMiddleware:
    """Gives every request an id, kept in the history and returned as X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class BackgroundRedirectMiddleware:
    """Answers a page's background request (``X-Rectify-Background``, sent by the upload script) with
    the address a redirect points to, instead of the redirect: a browser's background request follows
    redirects by itself, and the page it fetched so would consume the confirmation (the message) meant
    for the page the user is then sent to. The script goes there itself; the message is still waiting.
    """

    HEADER = "X-Rectify-Background"
    LOCATION = "X-Rectify-Location"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.headers.get(self.HEADER) and 300 <= response.status_code < 400 and response.has_header("Location"):
            answer = HttpResponse(status=204)
            answer[self.LOCATION] = response["Location"]
            answer.cookies = response.cookies
            return answer
        return response


class ContentSecurityPolicyMiddleware:
    """Forbids inline script, inline event handlers and any asset from elsewhere.

    Page code lives in static files and reads its data from json_script blocks or data attributes.
    Inline styles stay allowed: the chart library and the admin's widgets set them at run time.
    """

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-src 'self'; "
        "frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.POLICY)
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("X-Content-Type-Options", "nosniff")
        return response


class InterfaceLanguageMiddleware(LocaleMiddleware):
    """Chinese by default: pages follow the user's language switch (a cookie), not the browser's
    Accept-Language; the API answers in the request's language, as integrations expect."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestSizeLimitMiddleware:
    """Refuses a request body over the bound before Django reads it, so an oversized upload
    costs neither disk nor time; each kind of file keeps its own, smaller bound in its service."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.RECTIFY_REQUEST_MAX_BYTES
        if length > limit:
            from django.template.defaultfilters import filesizeformat

            message = translation.gettext("提交的内容超过 %(limit)s，请分批上传。") % {"limit": filesizeformat(limit)}
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every answer that may carry audit data: the pages of
    signed-in users, exports, evidence and document downloads, API answers. Neither the browser's
    disk cache nor a proxy keeps a copy. A view that declared its own caching keeps it; the static
    files and the public portal are not audit data.
    """

    EXEMPT_PREFIXES = ("/static/", "/public/")
    VALUE = "private, no-store"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.EXEMPT_PREFIXES) or request.path.startswith(settings.STATIC_URL):
            return response
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = self.VALUE
        elif "no-store" not in response["Cache-Control"]:
            return response  # the view declared otherwise
        response.setdefault("Pragma", "no-cache")  # HTTP/1.0 proxies
        return response


UNREACHABLE = (
    "could not connect", "connection refused", "server closed the connection", "terminating connection",
    "connection is closed", "disk i/o error", "unable to open database",
)  # fmt: skip


def database_trouble(exc: BaseException) -> str | None:
    """``"busy"`` when the database refused for a lock held by someone else (SQLite "database is
    locked", PostgreSQL lock timeout, serialization failure or deadlock), ``"unavailable"`` when it
    could not be reached; None for any other error (a bug stays a 500)."""
    from django.db import InterfaceError, OperationalError

    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate in {"55P03", "40001", "40P01"}:  # lock_not_available, serialization_failure, deadlock
        return "busy"
    text = str(exc).lower()
    if "database is locked" in text or "database table is locked" in text or "database is busy" in text:
        return "busy"
    if "lock timeout" in text or "could not serialize" in text or "deadlock" in text:
        return "busy"
    if (sqlstate and sqlstate.startswith("08")) or isinstance(exc, InterfaceError):  # connection exceptions
        return "unavailable"
    if any(words in text for words in UNREACHABLE):
        return "unavailable"
    return None


def database_busy_response(request: HttpRequest, trouble: str) -> HttpResponse:
    """503 with Retry-After and a Chinese message: a page for the web, ``{"detail"}`` for the API."""
    from django.http import JsonResponse
    from django.template.loader import render_to_string

    if trouble == "busy":
        message = translation.gettext("系统正忙（数据库正在处理其他操作），您的操作未生效。请稍候几秒后重试。")
    else:
        message = translation.gettext("数据库暂时无法访问，您的操作未生效。请稍后重试；如持续出现，请联系系统管理员。")
    retry = str(settings.RECTIFY_BUSY_RETRY_SECONDS)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": f"database_{trouble}"}, status=503)
    else:
        try:
            html = render_to_string("503.html", {"message": message, "retry": retry})
        except Exception:  # a template needing the database must not turn the answer into a 500
            html = f"<!doctype html><meta charset='utf-8'><title>503</title><p>{message}</p>"
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = retry
    response["Cache-Control"] = NoStoreMiddleware.VALUE
    return response


class DatabaseBusyMiddleware:
    """A request the database turned away (locked or unreachable) answers 503 with Retry-After and a
    clear Chinese message, never a 500: the service ran in a transaction, so nothing was written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        trouble = database_trouble(exception)
        if trouble is None:
            return None
        import logging

        logging.getLogger("rectify.database").warning("database %s: %s %s: %s", trouble, request.method,
                                                      request.path, exception)  # fmt: skip
        return database_busy_response(request, trouble)
