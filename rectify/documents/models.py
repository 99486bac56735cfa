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


class DocumentNumberSequence(models.Model):
    """The last 发文字号 serial an audit office has given in a year (the row locked while allocating)."""

    office = models.ForeignKey(
        "organizations.Organization", verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("发文字号序列")
        verbose_name_plural = _("发文字号序列")
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="document_number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.office} {self.year}: {self.last}"


class DocumentNumber(models.Model):
    """The 发文字号 given to the rectification notice of a project (to one unit, or to all of them):
    a document downloaded again for the same project and addressee keeps its number."""

    office = models.ForeignKey(
        "organizations.Organization", verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    serial = models.PositiveIntegerField(_("序号"))
    prefix = models.CharField(_("机关代字"), max_length=50)
    project = models.ForeignKey(
        "audits.AuditProject", verbose_name=_("审计项目"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("主送单位"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created = models.DateTimeField(_("编号时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发文字号")
        verbose_name_plural = _("发文字号")
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "serial"], name="document_number_serial_unique"),
            # (The project's notice to all its units has no unit; the allocating service, under the
            # sequence's lock, keeps that one unique too.)
            models.UniqueConstraint(fields=["project", "unit"], name="document_number_per_addressee"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """黔江审改〔2026〕3号: 机关代字, the year in 六角括号, the serial without leading zeros."""
        return f"{self.prefix}〔{self.year}〕{self.serial}号"


class SummaryReportNumber(models.Model):
    """The 发文字号 of a summary report (``rectify.summaries``), taken from its issuer's sequence for the
    year the first time the approved report is written, and kept: every later copy has the same number."""

    office = models.ForeignKey(
        "organizations.Organization", verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    serial = models.PositiveIntegerField(_("序号"))
    prefix = models.CharField(_("机关代字"), max_length=50)
    report = models.OneToOneField(
        "summaries.SummaryReport", verbose_name=_("汇总报告"), on_delete=models.PROTECT, related_name="document_number"
    )
    created = models.DateTimeField(_("编号时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("汇总报告发文字号")
        verbose_name_plural = _("汇总报告发文字号")
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "prefix", "serial"], name="summary_number_serial_unique")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.serial}号"


class InterviewNoticeNumber(models.Model):
    """The 发文字号 of an interview notice (``rectify.interviews``), taken from the audit office's sequence
    for the year the first time the notice is written, and kept."""

    office = models.ForeignKey(
        "organizations.Organization", verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    serial = models.PositiveIntegerField(_("序号"))
    prefix = models.CharField(_("机关代字"), max_length=50)
    interview = models.OneToOneField(
        "interviews.Interview", verbose_name=_("约谈"), on_delete=models.PROTECT, related_name="notice_number"
    )
    created = models.DateTimeField(_("编号时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("约谈通知书发文字号")
        verbose_name_plural = _("约谈通知书发文字号")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "prefix", "serial"], name="interview_number_serial_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.serial}号"
