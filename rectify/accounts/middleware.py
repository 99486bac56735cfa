"""Holds a signed-in session at the second factor until it is given (rectify.accounts.otp)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Reachable before the code is given: the second-factor pages, signing in and out, the language
# switch, static files, the health check; the API answers for itself (its session authentication
# does not count such a session).
OPEN_PREFIXES = ("/accounts/otp/", "/accounts/login/", "/accounts/logout/", "/i18n/", "/static/", "/healthz", "/api/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(OPEN_PREFIXES) and request.user.is_authenticated:
            from rectify.accounts.otp import confirmed_device, session_is_verified

            if not session_is_verified(request):
                name = "accounts:otp-verify" if confirmed_device(request.user) else "accounts:otp-setup"
                return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
