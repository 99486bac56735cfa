"""The security log's records, append-only, and the head of their hash chain.

Each ``SecurityEvent`` stores the SM3 hash of a canonical serialisation of itself that includes the
previous record's hash; ``ChainHead`` (one row) holds the last sequence number and hash and is locked
while a record is appended, so two appends never fork the chain. The application refuses to change or
delete a record (``save`` of a stored one, ``delete``, and the queryset's ``update``/``delete``); on
PostgreSQL a trigger refuses UPDATE and DELETE on the table to the database role as well
(migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.security_log.choices import EventKind, Outcome

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """The security log is append-only."""


class SecurityEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("security log records cannot be changed")

    def delete(self):
        raise AppendOnlyError("security log records cannot be deleted")


class SecurityEvent(models.Model):
    sequence = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    # No database constraint: the log outlives anything it names and never blocks a change elsewhere.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    organization_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    kind = models.CharField(_("事件类型"), max_length=32, choices=EventKind.choices)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    previous_hash = models.CharField(_("前一记录哈希"), max_length=64)
    hash = models.CharField(_("SM3哈希"), max_length=64)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全审计日志")
        verbose_name_plural = _("安全审计日志")
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["kind", "sequence"], name="security_log_kind_seq"),
            models.Index(fields=["username", "sequence"], name="security_log_user_seq"),
            models.Index(fields=["address", "sequence"], name="security_log_address_seq"),
            models.Index(fields=["object_type", "object_id"], name="security_log_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("security log records cannot be changed")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, using=None, keep_parents=False):
        raise AppendOnlyError("security log records cannot be deleted")


class ChainHead(models.Model):
    """The one row (pk 1) that the appending transaction locks: the last sequence number and hash."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("日志链头")
        verbose_name_plural = _("日志链头")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"
