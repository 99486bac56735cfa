"""A batch of official documents built by a job (every unit's notice of a project, the close-out sheets
of many findings) and handed to its requester as one ZIP file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RestrictedQuerySet


class BatchKind(models.TextChoices):
    PROJECT_NOTICES = "project_notices", _("各被审计单位的审计整改通知书")
    CLOSE_OUT_SHEETS = "close_out_sheets", _("对账销号单")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class DocumentBatch(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=BatchKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    # The objects, as the requester could see them when asking (each is fetched again through the scope).
    object_ids = models.JSONField(_("对象"), default=list)
    status = models.CharField(_("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    skipped = models.JSONField(_("未生成的原因"), default=list)
    file = models.FileField(_("压缩包"), upload_to="batches/", blank=True)
    error = models.TextField(_("错误"), blank=True)
    # The page the batch was asked for from (the project, the ledger with its filters), to go back to.
    return_url = models.CharField(_("返回地址"), max_length=1000, blank=True)
    created = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("公文批量生成")
        verbose_name_plural = _("公文批量生成")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:batch", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == BatchStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)
