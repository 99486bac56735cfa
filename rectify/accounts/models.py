from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rectify.accounts.choices import RoleCode
from rectify.core.fields import EncryptedCharField
from rectify.core.models import HistoricalRecordBase


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


class User(AbstractUser):
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

    def delete(self, using=None, keep_parents=False):
        """Accounts are deactivated, never removed: history points at them."""
        self.is_active = False
        self.save(update_fields=["is_active"])
        return 1, {self._meta.label: 1}
