"""Signing in, with the lockout (等保 2.0: failed-login handling) told before it falls: how many
tries remain and how long the lock lasts, both from the settings; sign-in attempts limited per address
(429). The user's own password change, the administrators' page of password resets (two-person rule),
the second factor's verification and enrolment, and the API tokens page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from knox.models import AuthToken

from rectify.accounts import otp, services, tokens
from rectify.accounts.choices import BUSINESS_ROLES, RoleCode
from rectify.accounts.filters import AccountFilterSet
from rectify.accounts.forms import AccountForm, PasswordChangeForm, ResetRequestForm, RolesForm
from rectify.accounts.models import PasswordReset, PasswordResetState, User
from rectify.accounts.passwords import password_expired
from rectify.accounts.tables import AccountTable
from rectify.core.exceptions import add_refusal_to_form
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
        username = request.GET.get("username", "").strip()[:150]
        return self.render_page(request, ResetRequestForm(initial={"username": username}) if username else None)

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


# --- The administrators' account pages (三员分立: /manage/accounts/) -----------------------------------
# The system administrator keeps accounts (creates, edits, deactivates and reactivates them); the
# security administrator grants business roles, lifts lockouts, and from here reaches the tokens, the
# authenticator reset and the two-person password reset. Every rule is in rectify.accounts.services;
# these pages only call it. Anyone else gets 404: the pages are not there for them.


def managing(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.has_role(RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN)
    )


class AccountManagerMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not managing(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def account(self, pk: int) -> User:
        return get_object_or_404(User.objects.select_related("organization"), pk=pk)


def _keeps_accounts(user) -> bool:
    return user.is_superuser or user.has_role(RoleCode.SYSTEM_ADMIN)


def _grants_roles(user) -> bool:
    return user.is_superuser or user.has_role(RoleCode.SECURITY_ADMIN)


@method_decorator(never_cache, name="dispatch")
class AccountListView(AccountManagerMixin, SingleTableMixin, FilterView):
    table_class = AccountTable
    filterset_class = AccountFilterSet
    template_name = "accounts/account_list.html"

    def get_queryset(self):
        return User.objects.select_related("organization").prefetch_related("roles").order_by("username")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=_keeps_accounts(self.request.user), **kwargs)


@method_decorator(never_cache, name="dispatch")
class AccountDetailView(AccountManagerMixin, View):
    template_name = "accounts/account_detail.html"

    def get(self, request, pk: int):
        target = self.account(pk)
        actor = request.user
        reach = services.within_reach(actor, target)
        context = {
            "target": target,
            "roles": list(target.roles.all()),
            "reach": reach,
            "can_edit": reach and _keeps_accounts(actor),
            "can_grant": reach and _grants_roles(actor),
            "locked": bool(services.locked_usernames([target.username])),
            "tokens": tokens.alive().filter(user=target).count(),
            "has_device": otp.confirmed_device(target) is not None,
            "pending_reset": PasswordReset.objects.filter(user=target, state=PasswordResetState.PENDING).first(),
        }
        return render(request, self.template_name, context)


class _AccountFormView(AccountManagerMixin, FormView):
    template_name = "accounts/account_form.html"
    form_class = AccountForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and managing(request.user) and not _keeps_accounts(request.user):
            raise PermissionDenied(_("账号由系统管理员维护。"))
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class AccountCreateView(_AccountFormView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("新建账号"), **kwargs)

    def form_valid(self, form):
        fields = {
            key: value for key, value in form.cleaned_data.items() if value not in (None, "") and key != "version"
        }
        try:
            created = services.create_account(
                self.request.user, username=fields.pop("username"), organization=fields.pop("organization"), **fields
            )
        except ValidationError as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已新建账号「%(name)s」。初始密码须经双人重置设置：请安全管理员提出重置申请。")
            % {"name": created.username},
        )
        return redirect("accounts:account", pk=created.pk)


@method_decorator(never_cache, name="dispatch")
class AccountEditView(_AccountFormView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and managing(request.user):
            self.target = self.account(kwargs["pk"])
            if not services.within_reach(request.user, self.target):
                raise PermissionDenied(_("不能操作本人账号、管理员账号或超级用户账号。"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.target}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("修改账号信息"), target=self.target, **kwargs)

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name not in {"username", "version"}}
        try:
            if fields:
                services.update_account(self.request.user, self.target, version=form.cleaned_data["version"], **fields)
        except ValidationError as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("账号信息已保存。") if fields else _("没有修改。"))
        return redirect("accounts:account", pk=self.target.pk)


@method_decorator(never_cache, name="dispatch")
class AccountRolesView(AccountManagerMixin, FormView):
    template_name = "accounts/account_roles.html"
    form_class = RolesForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and managing(request.user):
            if not _grants_roles(request.user):
                raise PermissionDenied(_("角色由安全管理员授予。"))
            self.target = self.account(kwargs["pk"])
            if not services.within_reach(request.user, self.target):
                raise PermissionDenied(_("不能操作本人账号、管理员账号或超级用户账号。"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        grantable = (
            RoleCode.choices
            if self.request.user.is_superuser
            else [(code, label) for code, label in RoleCode.choices if code in BUSINESS_ROLES]
        )
        return {**super().get_form_kwargs(), "choices": grantable}

    def get_initial(self):
        return {"roles": list(self.target.roles.values_list("code", flat=True))}

    def get_context_data(self, **kwargs):
        return super().get_context_data(target=self.target, **kwargs)

    def form_valid(self, form):
        try:
            services.grant_roles(self.request.user, self.target, form.cleaned_data["roles"])
        except ValidationError as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("角色已保存。角色有变更时，该账号的 API 令牌随之撤销。"))
        return redirect("accounts:account", pk=self.target.pk)


class AccountStandingView(AccountManagerMixin, View):
    """POST: deactivate or reactivate (system administrator), or lift a lockout (security administrator)."""

    def post(self, request, pk: int, what: str):
        target = self.account(pk)
        try:
            if what == "deactivate":
                services.set_active(request.user, target, False)
                done = _("账号已停用，其会话和令牌已失效。")
            elif what == "activate":
                services.set_active(request.user, target, True)
                done = _("账号已重新启用。")
            elif what == "unlock":
                services.unlock(request.user, target)
                done = _("已解除登录锁定。")
            else:
                raise Http404
        except ValidationError as refusal:
            for message in refusal.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
        return redirect("accounts:account", pk=target.pk)
