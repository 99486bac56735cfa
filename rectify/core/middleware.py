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
