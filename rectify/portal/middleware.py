"""The public portal (``/public/``) faces the internet: no session, no cookie, cacheable, rate limited.

Placed before the session middleware, for a request under ``/public/``:

- the request's cookies are dropped before anything reads them, so the session is never loaded, saved
  or prolonged (a signed-in visitor is an anonymous one there), the language is the default, and the
  answer depends on the address alone;
- a client over its rate (``RECTIFY_RATE_LIMITS["public_address"]``, counted per address in the shared
  throttle cache) gets 429 with ``Retry-After``;
- the answer carries no cookie and no ``Vary: Cookie`` (nor ``Accept-Language``), and
  ``Cache-Control: public, max-age=…`` (``RECTIFY_PUBLIC_MAX_AGE``) unless it is an error.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from rectify.core.throttling import RateThrottle

PREFIX = "/public/"
CACHEABLE = {200, 301, 304, 404, 410}


class PublicAddressThrottle(RateThrottle):
    """Requests to the public portal from one address."""

    scope = "public_address"

    def get_cache_key(self, request, view):
        return self.key_for(self.get_ident(request))


class PublicPortalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        request.META.pop("HTTP_COOKIE", None)
        request.__dict__.pop("COOKIES", None)  # read again (empty) if something read it already
        throttle = PublicAddressThrottle()
        if throttle.rate and not throttle.allow_request(request, None):
            wait = int(throttle.wait() or 1) + 1
            with translation.override(settings.LANGUAGE_CODE):
                message = _("请求过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": wait}
            response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(wait)
            response["Cache-Control"] = "no-store"
            return response
        response = self.get_response(request)
        response.cookies.clear()
        if response.has_header("Vary"):
            # The answer depends on neither: the cookies are dropped, and the language is the default.
            ignored = {"cookie", "accept-language"}
            kept = [v.strip() for v in response["Vary"].split(",") if v.strip() and v.strip().lower() not in ignored]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        if response.status_code in CACHEABLE:
            if response.has_header("Cache-Control"):
                del response["Cache-Control"]
            patch_cache_control(response, public=True, max_age=settings.RECTIFY_PUBLIC_MAX_AGE)
        else:
            response["Cache-Control"] = "no-store"
        return response
