from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rectify.accounts.choices import ADMIN_ROLES, BUSINESS_ROLES, RoleCode
from rectify.core.fields import EncryptedCharField
from rectify.core.models import HistoricalRecordBase, VersionedModel


class Role(models.Model):
    """A role a user holds within their own organization."""

    code = models.CharField(_("代码"), max_length=32, primary_key=True, choices=RoleCode.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class User(VersionedModel, AbstractUser):
    """A person with an account; belongs to one organization, holds roles scoped to it."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), blank=True, related_name="users")
    title = models.CharField(_("职务"), max_length=50, blank=True)
    # Personal data (等保/国密): SM4-encrypted at rest, keys outside the database (rectify.core.crypto).
    phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)
    # Identity (等保 2.0 身份鉴别): an initial or reset password must be changed at the next sign-in, and
    # every password expires after RECTIFY_PASSWORD_MAX_AGE_DAYS.
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Made by the demo loader: signs in only in demo mode (RECTIFY_DEMO_MODE).
    is_demo = models.BooleanField(_("演示账号"), default=False, editable=False)

    # Role grants are the most security-relevant change in the system: kept with their before and after.
    history = HistoricalRecords(
        bases=[HistoricalRecordBase], excluded_fields=["password", "last_login"], m2m_fields=[roles]
    )
    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @cached_property
    def role_codes(self) -> frozenset[str]:
        if not self.pk or not self.is_active:
            return frozenset()
        return frozenset(self.roles.values_list("code", flat=True))

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    @property
    def is_administrator(self) -> bool:
        """Holds one of the three administrator roles (三员), whatever else: such an account is out of
        every other administrator's reach."""
        return self.has_role(*ADMIN_ROLES)

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def clean(self) -> None:
        super().clean()
        if self.pk:
            check_role_combination(self.roles.values_list("code", flat=True))

    def delete(self, using=None, keep_parents=False):
        """Accounts are deactivated, never removed: history points at them."""
        self.is_active = False
        self.save(update_fields=["is_active"])
        return 1, {self._meta.label: 1}


def check_role_combination(codes) -> None:
    """Business roles and administrator roles are never held together (三员分立): an administrator
    holding a business role would read the business data it must not see."""
    codes = set(codes)
    if codes & ADMIN_ROLES and codes & BUSINESS_ROLES:
        raise ValidationError(
            {"roles": _("管理员角色（系统管理员、安全管理员、安全审计员）不能与业务角色同时授予同一账号。")},
            code="forbidden",
        )
    if len(codes & ADMIN_ROLES) > 1:
        raise ValidationError({"roles": _("一个账号只能担任一种管理员角色（三员分立）。")}, code="forbidden")


class PasswordHistory(models.Model):
    """The hashes of a user's earlier passwords, so that the last RECTIFY_PASSWORD_HISTORY are not reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history", verbose_name=_("用户"))
    password = models.CharField(_("密码摘要"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class PasswordResetState(models.TextChoices):
    PENDING = "pending", _("待批准")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已拒绝")


class PasswordReset(models.Model):
    """A password reset, under the two-person rule: requested by a security administrator, approved by
    another administrator; the approval sets a one-time password the user must change at sign-in."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="password_resets", verbose_name=_("重置的账号")
    )
    reason = models.CharField(_("重置原因"), max_length=200)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    state = models.CharField(
        _("状态"), max_length=16, choices=PasswordResetState.choices, default=PasswordResetState.PENDING
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审批人")
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("密码重置申请")
        verbose_name_plural = _("密码重置申请")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_state_display()}"
