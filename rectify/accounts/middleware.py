"""Two gates every signed-in request passes (identity and separation of duties, 等保 2.0 level 3):

- a user whose password is initial, reset or expired is sent to the change page until it is changed;
- an administrator (三员) reaches only the administrators' pages, never business data: anything
  else answers 404, as any object outside a user's scope does (DESIGN section 7).

Holds a signed-in session at the second factor until it is given (rectify.accounts.otp).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from rectify.accounts.passwords import must_change_password

# Paths open whatever the gates say: signing in and out, changing the password, the language, static files.
ALWAYS_OPEN = ("/accounts/", "/i18n/", "/static/", "/healthz", "/favicon.ico")


def is_administrator_only(user) -> bool:
    """Holds an administrator role (and so, by the role rules, no business role) and is not a superuser."""
    return user.is_authenticated and not user.is_superuser and user.is_administrator


def administrator_may_open(path: str) -> bool:
    return path.startswith(ALWAYS_OPEN) or path.startswith(tuple(settings.RECTIFY_ADMINISTRATOR_PATHS))


class AccountGatesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            path = request.path_info
            if not path.startswith(ALWAYS_OPEN) and must_change_password(user):
                if path.startswith("/api/"):
                    return JsonResponse({"detail": _("请先修改密码。")}, status=403)
                target = reverse("accounts:password_change") + "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(target)
            if is_administrator_only(user) and not administrator_may_open(path):
                if path.startswith("/api/"):
                    return JsonResponse({"detail": _("管理员不能查看整改业务数据。")}, status=404)
                raise Http404(_("管理员不能查看整改业务数据。"))
        return self.get_response(request)


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
