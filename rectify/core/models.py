"""Base classes every domain model of Rectify inherits: timestamps, soft deletion, history."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may see."""

    def restrict(self, user: Any, action: str = "view", *, roles=None) -> RestrictedQuerySet:
        """What ``user`` may see (``"view"``) or work on (``"act"``), optionally as one of ``roles``."""
        from rectify.core import visibility

        return visibility.restrict(self, user, action, roles=roles)

    def delete(self):
        # Each object deletes itself: soft for domain records, refused for append-only ones (finding events).
        count = 0
        for obj in self:
            obj.delete()
            count += 1
        return count, {self.model._meta.label: count}


class ActiveManager(models.Manager.from_queryset(RestrictedQuerySet)):
    """The default manager: records that were deleted (soft) are left out."""

    def get_queryset(self) -> RestrictedQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class HistoricalRecordBase(models.Model):
    """Extra columns of every history row: the request that caused the change."""

    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, default="")

    class Meta:
        abstract = True


class RectifyModel(models.Model):
    """Timestamps, soft deletion and a full history (who, when, request, before and after)."""

    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_updated = models.DateTimeField(_("更新时间"), auto_now=True)
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True, editable=False)

    history = HistoricalRecords(inherit=True, bases=[HistoricalRecordBase])

    objects = ActiveManager()
    all_objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        abstract = True

    def delete(self, using=None, keep_parents=False):
        """Marks the record deleted; the row and its history stay."""
        self.deleted_at = timezone.now()
        self.save(update_fields=["deleted_at", "last_updated"])
        return 1, {self._meta.label: 1}

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class VersionedModel(models.Model):
    """A record people edit from a page they read earlier: each edit raises its version, and an edit
    made from an older version is refused (``rectify.core.locking.check_version``)."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class PublishedEvent(models.Model):
    """An occurrence a sweep announces once, whatever the number of runs (``events.publish_once``):
    a finding falling overdue is published once per deadline, even if the job runs twice or after a gap."""

    key = models.CharField(_("事件标识"), max_length=200, unique=True)
    name = models.CharField(_("事件"), max_length=64)
    object_label = models.CharField(_("对象类型"), max_length=100)
    object_id = models.BigIntegerField(_("对象编号"))
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已发布事件")
        verbose_name_plural = _("已发布事件")
        indexes = [models.Index(fields=["object_label", "object_id"], name="core_pubevent_object")]

    def __str__(self) -> str:
        return self.key


class CoalescedJob(models.Model):
    """A job asked for many times that needs to run once after the last ask (``jobs.enqueue_coalesced``):
    ``pending`` while one is queued and has not started."""

    func = models.CharField(_("任务"), max_length=200, unique=True)
    pending = models.BooleanField(_("已排队"), default=False)
    requested_at = models.DateTimeField(_("排队时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("合并执行的任务")
        verbose_name_plural = _("合并执行的任务")

    def __str__(self) -> str:
        return self.func
