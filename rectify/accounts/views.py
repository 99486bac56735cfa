"""Signing in, with the lockout (等保 2.0: failed-login handling) told before it falls: how many
tries remain and how long the lock lasts, both from the settings. The user's own password change,
and the administrators' page of password resets (two-person rule)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from rectify.accounts import services
from rectify.accounts.choices import RoleCode
from rectify.accounts.forms import PasswordChangeForm, ResetRequestForm
from rectify.accounts.models import PasswordReset, PasswordResetState
from rectify.accounts.passwords import password_expired
from rectify.core.exceptions import add_refusal_to_form


def lock_minutes() -> int:
    """How long a lock lasts, in whole minutes (AXES_COOLOFF_TIME, a timedelta or hours)."""
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    if cooloff is None:
        return 0
    if not isinstance(cooloff, timedelta):
        cooloff = timedelta(hours=float(cooloff))
    return int(cooloff.total_seconds() // 60)


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

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


class PasswordChangeView(LoginRequiredMixin, FormView):
    """Self-service change of one's password; where an initial, reset or expired password sends the user."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            policy=password_validators_help_texts(),
            forced=user.must_change_password,
            expired=password_expired(user),
            next=self.request.GET.get("next", ""),
        )
        return context

    def form_valid(self, form):
        try:
            services.change_own_password(self.request.user, form.cleaned_data["new_password1"])
        except ValidationError as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("密码已修改。"))
        target = self.request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure()):
            target = settings.LOGIN_REDIRECT_URL
        return redirect(target or settings.LOGIN_REDIRECT_URL)


class ResetAccessMixin(LoginRequiredMixin):
    """The security administrator requests, another administrator approves (services decide; this page
    is shown to those two roles only)."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.is_superuser or user.has_role(*services.RESET_APPROVERS)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class PasswordResetListView(ResetAccessMixin, View):
    template_name = "accounts/password_resets.html"

    def render_page(self, request, form=None, status=200):
        user = request.user
        resets = PasswordReset.objects.select_related("user", "requested_by", "decided_by")
        context = {
            "pending": resets.filter(state=PasswordResetState.PENDING),
            "decided": resets.exclude(state=PasswordResetState.PENDING)[:50],
            "can_request": user.is_superuser or user.has_role(RoleCode.SECURITY_ADMIN),
            "form": form or ResetRequestForm(),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_page(request)

    def post(self, request):
        form = ResetRequestForm(request.POST)
        if form.is_valid():
            try:
                services.request_password_reset(
                    request.user, form.cleaned_data["username"], form.cleaned_data["reason"]
                )
            except ValidationError as refusal:
                add_refusal_to_form(form, refusal)
            else:
                messages.success(request, _("密码重置申请已提交，须由另一名管理员批准。"))
                return redirect("accounts:password-resets")
        return self.render_page(request, form, status=400)


@method_decorator(never_cache, name="dispatch")
class PasswordResetDecideView(ResetAccessMixin, View):
    approve = True

    def post(self, request, pk: int):
        reset = get_object_or_404(PasswordReset, pk=pk)
        try:
            if self.approve:
                password = services.approve_password_reset(request.user, reset)
            else:
                services.refuse_password_reset(request.user, reset)
        except ValidationError as refusal:
            for message in refusal.messages:
                messages.error(request, message)
            return redirect("accounts:password-resets")
        if not self.approve:
            messages.success(request, _("密码重置申请已拒绝。"))
            return redirect("accounts:password-resets")
        # Shown once, to the approver, never stored: handed to the user, who must change it at sign-in.
        return render(request, "accounts/password_reset_done.html", {"reset": reset, "password": password})
