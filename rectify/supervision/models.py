"""Supervised matters (督办事项) and circulars (通报) of source 四(一).

The committee office (审计委员会办公室) records the decisions of audit committee meetings and the
leadership instructions (领导批示) that concern rectification, and assigns each to one or more
organizations with a due date (``Assignment``). Each assignee reports its progress and asks for its
part to be closed; the committee office accepts (the matter is closed once every part is) or returns
it. Overdue is derived from the due date and the state, never stored.

A circular (通报: commendation or criticism) is drafted by the committee office, approved and issued to
chosen organizations with a 发文字号 of the office's own sequence for the year; it may cite matters and
findings. Every step of both is kept in ``Step`` (who, when, what), append-only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RectifyModel, RestrictedQuerySet, VersionedModel
from rectify.supervision.choices import (
    AssignmentState,
    CircularKind,
    CircularState,
    MatterKind,
    MatterState,
    StepKind,
)


class SupervisedMatter(RectifyModel):
    issuer = models.ForeignKey(
        "organizations.Organization", verbose_name=_("督办机关"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("事项来源"), max_length=20, choices=MatterKind.choices, db_index=True)
    title = models.CharField(_("事项名称"), max_length=200)
    content = models.TextField(_("议定事项或批示内容"))
    # A committee meeting's decision: the meeting and its date.
    meeting = models.CharField(_("会议名称"), max_length=200, blank=True)
    meeting_date = models.DateField(_("会议日期"), null=True, blank=True)
    # A leadership instruction: who gave it, their position, when.
    instructed_by = models.CharField(_("批示领导"), max_length=50, blank=True)
    instructor_position = models.CharField(_("领导职务"), max_length=100, blank=True)
    instructed_on = models.DateField(_("批示日期"), null=True, blank=True)
    findings = models.ManyToManyField(
        "findings.Finding", verbose_name=_("涉及的问题"), blank=True, related_name="supervised_matters"
    )
    units = models.ManyToManyField(
        "organizations.Organization", verbose_name=_("涉及的单位"), blank=True, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=MatterState.choices, default=MatterState.OPEN, db_index=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:matter", args=[self.pk])

    @property
    def source_date(self) -> datetime.date | None:
        return self.meeting_date if self.kind == MatterKind.DECISION else self.instructed_on


class Assignment(RectifyModel):
    """One organization's part of a matter, with its due date."""

    matter = models.ForeignKey(
        SupervisedMatter, verbose_name=_("督办事项"), on_delete=models.PROTECT, related_name="assignments"
    )
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("办理期限"), db_index=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=AssignmentState.choices, default=AssignmentState.PENDING, db_index=True
    )
    requested_at = models.DateTimeField(_("申请办结时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("同意办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("督办交办")
        verbose_name_plural = _("督办交办")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "organization"],
                condition=models.Q(deleted_at__isnull=True),
                name="supervision_one_assignment_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter} · {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:matter", args=[self.matter_id]) + f"#assignment-{self.pk}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        from rectify.findings.warning import local_today

        return self.state != AssignmentState.DONE and self.due_date < (today or local_today())


class Progress(models.Model):
    """A progress report of an assignee (text, date, an optional attachment checked by content). Append-only."""

    visibility_path = "assignment"

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("督办交办"), on_delete=models.PROTECT, related_name="progress"
    )
    text = models.TextField(_("办理情况"))
    reported_on = models.DateField(_("报告日期"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("报告时间"))
    attachment = models.FileField(_("附件"), upload_to="supervision/%Y/", blank=True)
    attachment_name = models.CharField(_("附件名称"), max_length=200, blank=True)
    attachment_sha256 = models.CharField(_("附件SHA-256"), max_length=64, blank=True)
    attachment_type = models.CharField(_("附件类型"), max_length=100, blank=True)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("督办进展")
        verbose_name_plural = _("督办进展")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.reported_on}"

    def delete(self, using=None, keep_parents=False):
        raise PermissionError("progress reports are append-only")


class Circular(VersionedModel, RectifyModel):
    issuer = models.ForeignKey(
        "organizations.Organization", verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("通报类型"), max_length=20, choices=CircularKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    recipients = models.ManyToManyField(
        "organizations.Organization", verbose_name=_("主送单位"), related_name="circulars_received"
    )
    matters = models.ManyToManyField(
        SupervisedMatter, verbose_name=_("涉及的督办事项"), blank=True, related_name="circulars"
    )
    findings = models.ManyToManyField(
        "findings.Finding", verbose_name=_("涉及的问题"), blank=True, related_name="circulars"
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=CircularState.choices, default=CircularState.DRAFT, db_index=True
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("印发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    # 发文字号: 代字〔年份〕序号号, from the issuer's own sequence for the year, given when issued.
    number_prefix = models.CharField(_("机关代字"), max_length=50, blank=True)
    number_year = models.PositiveSmallIntegerField(_("发文年份"), null=True, blank=True)
    number_serial = models.PositiveIntegerField(_("发文序号"), null=True, blank=True)

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number_year", "number_serial"],
                condition=models.Q(number_serial__isnull=False),
                name="supervision_circular_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:circular", args=[self.pk])

    @property
    def number(self) -> str:
        if self.number_serial is None:
            return ""
        return f"{self.number_prefix}〔{self.number_year}〕{self.number_serial}号"


class Step(models.Model):
    """The record of a matter or a circular: one row per step, written inside the step's transaction."""

    matter = models.ForeignKey(
        SupervisedMatter,
        verbose_name=_("督办事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="steps",
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("督办交办"), null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )
    circular = models.ForeignKey(
        Circular, verbose_name=_("通报"), null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("步骤"), max_length=20, choices=StepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=50)
    organization_name = models.CharField(_("操作单位"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    comment = models.TextField(_("说明"), blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("督办办理记录")
        verbose_name_plural = _("督办办理记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"

    def delete(self, using=None, keep_parents=False):
        raise PermissionError("supervision steps are append-only")
