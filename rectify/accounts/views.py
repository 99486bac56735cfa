"""Signing in, with the lockout (等保 2.0: failed-login handling) told before it falls: how many
tries remain and how long the lock lasts, both from the settings; sign-in attempts limited per address
(429); the second factor's verification and enrolment; the API tokens page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from knox.models import AuthToken

from rectify.accounts import otp, tokens
from rectify.accounts.models import User
from rectify.core.throttling import LoginAddressThrottle
from rectify.core.visibility import restrict


def lock_minutes() -> int:
    """How long a lock lasts, in whole minutes (AXES_COOLOFF_TIME, a timedelta or hours)."""
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    if cooloff is None:
        return 0
    if not isinstance(cooloff, timedelta):
        cooloff = timedelta(hours=float(cooloff))
    return int(cooloff.total_seconds() // 60)


def too_many_attempts(request, wait: float | None) -> HttpResponse:
    seconds = max(int(wait or 1), 1)
    response = render(request, "registration/throttled.html", {"seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Per address, before the password is looked at (the per-username lock is django-axes').
        throttle = LoginAddressThrottle()
        if not throttle.allow_request(request, self):
            return too_many_attempts(request, throttle.wait())
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(failure_limit=settings.AXES_FAILURE_LIMIT, lock_minutes=lock_minutes(), tries_left=None)
        form = context.get("form")
        if settings.AXES_ENABLED and form is not None and form.is_bound and form.errors:
            from axes.handlers.proxy import AxesProxyHandler

            username = self.request.POST.get("username", "")
            failures = AxesProxyHandler.get_failures(self.request, {"username": username})
            context["tries_left"] = max(settings.AXES_FAILURE_LIMIT - failures, 0)
        return context


def _next_url(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


class SecondFactorVerifyView(LoginRequiredMixin, View):
    """After the password: the code from the user's authenticator app (django-otp throttles wrong ones)."""

    template_name = "accounts/otp_verify.html"

    def get(self, request):
        device = otp.confirmed_device(request.user)
        if device is None:
            return redirect("accounts:otp-setup")
        return render(request, self.template_name, {"next": _next_url(request)})

    def post(self, request):
        from django_otp import login as otp_login

        device = otp.confirmed_device(request.user)
        if device is None:
            return redirect("accounts:otp-setup")
        if otp.verify(request.user, device, request.POST.get("otp", ""), step="sign_in", request=request):
            otp_login(request, device)
            return redirect(_next_url(request))
        return render(
            request,
            self.template_name,
            {"next": _next_url(request), "error": _("动态口令不正确或已过期，请重新输入。")},
        )


class SecondFactorSetupView(LoginRequiredMixin, View):
    """Enrolment: the QR code (drawn here, as SVG) and the key, then a first code to confirm. A user who
    already has a device replaces it only from a verified session."""

    template_name = "accounts/otp_setup.html"

    def _context(self, request, device, **extra):
        return {
            "device": device,
            "qr_svg": otp.qr_svg(device),
            "secret": otp.secret_text(device),
            "next": _next_url(request),
            "required": otp.required_by_policy(request.user),
            **extra,
        }

    def _refused(self, request) -> bool:
        has_device = otp.confirmed_device(request.user) is not None
        return has_device and not otp.session_is_verified(request)

    def get(self, request):
        if self._refused(request):
            return redirect("accounts:otp-verify")
        return render(request, self.template_name, self._context(request, otp.pending_device(request.user)))

    def post(self, request):
        from django_otp import login as otp_login

        if self._refused(request):
            return redirect("accounts:otp-verify")
        device = otp.pending_device(request.user)
        if not otp.confirm(device, request.POST.get("otp", ""), request=request):
            return render(
                request,
                self.template_name,
                self._context(request, device, error=_("动态口令不正确，请核对手机时间后重新输入。")),
            )
        otp_login(request, device)
        request.session[otp.SESSION_KEY] = True
        messages.success(request, _("动态口令已绑定，此后登录须输入动态口令。"))
        return redirect(_next_url(request, "/accounts/tokens/"))


class TokenListView(LoginRequiredMixin, View):
    """The API tokens the user may see (their own; the security administrator's, every business user's),
    with revocation; never a secret."""

    template_name = "accounts/tokens.html"

    def get(self, request):
        queryset = restrict(tokens.alive().select_related("user").order_by("user__username", "-created"), request.user)
        username = request.GET.get("user", "").strip()
        if username:
            queryset = queryset.filter(user__username=username)
        target = None
        if username and tokens.is_security_admin(request.user):
            found = User.objects.filter(username=username).first()
            if found is not None and tokens.within_security_admins_reach(request.user, found):
                target = found
        context = {
            "target": target,
            "target_has_device": target is not None and otp.confirmed_device(target) is not None,
            "tokens": list(queryset[:500]),
            "security_admin": tokens.is_security_admin(request.user),
            "username": username,
            "token_hours": settings.RECTIFY_TOKEN_HOURS,
            "has_device": otp.confirmed_device(request.user) is not None,
        }
        return render(request, self.template_name, context)


class SecondFactorResetView(LoginRequiredMixin, View):
    """The security administrator removes a business user's authenticator (a lost phone)."""

    def post(self, request):
        user = User.objects.filter(username=request.POST.get("user", "")).first()
        if user is None or not tokens.within_security_admins_reach(request.user, user):
            raise Http404
        otp.reset(user)
        messages.success(request, _("已重置 %(user)s 的动态口令，其下次登录时须重新绑定。") % {"user": user.username})
        return redirect(f"{reverse('accounts:tokens')}?{urlencode({'user': user.username})}")


class TokenRevokeView(LoginRequiredMixin, View):
    """Revokes one token (``key``), or every token of a user (``user``), within the caller's scope."""

    def post(self, request):
        visible = restrict(tokens.alive(), request.user)
        if request.POST.get("user"):
            owner = User.objects.filter(username=request.POST["user"]).first()
            if owner is None or not visible.filter(user=owner).exists():
                raise Http404
            count = 0
            for token in visible.filter(user=owner).select_related("user"):
                tokens.revoke(token, reason=self._reason(request, token), actor=request.user)
                count += 1
            messages.success(
                request, _("已撤销 %(user)s 的 %(count)d 个令牌。") % {"user": owner.username, "count": count}
            )
        else:
            token = visible.filter(token_key=request.POST.get("key", "")).select_related("user").first()
            if token is None:
                raise Http404
            tokens.revoke(token, reason=self._reason(request, token), actor=request.user)
            messages.success(request, _("令牌已撤销。"))
        return redirect("accounts:tokens")

    @staticmethod
    def _reason(request, token: AuthToken) -> str:
        return tokens.Reason.OWNER if token.user_id == request.user.pk else tokens.Reason.SECURITY_ADMIN
