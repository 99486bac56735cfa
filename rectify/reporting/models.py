"""Reporting obligations (报送义务): what each unit owes the audit office, and by when.

Issuing a finding gives its unit obligations: the first report by the deadline, one per milestone of
a phased plan, a timetable and road map and then a continued report every N months for a long-term
finding, and a new report after each return; each is met by the round (or, for the road map, the
plan) that answered it. The jurisdiction's rules say how days are counted and when reminders go out.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RectifyModel, RestrictedQuerySet
from rectify.reporting.choices import DayCounting, EscalationState, HolidayKind, ObligationKind, ObligationStatus


def _default_leads() -> list[int]:
    return [7, 1, 0]


class ReportingRules(RectifyModel):
    """A jurisdiction's reporting rules; a jurisdiction without its own follows the nearest above it,
    and the defaults below where none has any."""

    jurisdiction = models.OneToOneField(
        "organizations.Jurisdiction",
        verbose_name=_("行政区域"),
        on_delete=models.PROTECT,
        related_name="reporting_rules",
    )
    day_counting = models.CharField(
        _("期限计算方式"), max_length=20, choices=DayCounting.choices, default=DayCounting.CALENDAR
    )
    roadmap_days = models.PositiveSmallIntegerField(_("持续整改问题报送时间表和路线图期限（天）"), default=30)
    continued_interval_months = models.PositiveSmallIntegerField(_("持续整改报送间隔（月）"), default=6)
    resubmission_days = models.PositiveSmallIntegerField(_("退回后重新报送期限（天）"), default=30)
    reminder_lead_days = models.JSONField(
        _("到期前提醒（天）"), default=_default_leads, help_text=_("到期前若干天提醒，0 表示到期当日")
    )
    overdue_reminder_days = models.PositiveSmallIntegerField(_("逾期后每隔几天提醒"), default=7)
    escalation_grace_days = models.PositiveSmallIntegerField(
        _("逾期多少天后提出问责建议"), default=30, help_text=_("逾期超过此天数且无经同意的延期说明的，提出约谈建议")
    )

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        leads = self.reminder_lead_days
        if not isinstance(leads, list) or not all(isinstance(v, int) and 0 <= v <= 365 for v in leads):
            raise ValidationError(
                {"reminder_lead_days": _("请填写 0 至 365 之间的整数列表，如 [7, 1, 0]（0 表示到期当日）。")}
            )

    class Meta:
        verbose_name = _("报送规则")
        verbose_name_plural = _("报送规则")

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self._meta.verbose_name}"


class Holiday(RectifyModel):
    """A day of the holiday calendar: a public holiday, or a weekend day worked instead (调休)."""

    jurisdiction = models.ForeignKey(
        "organizations.Jurisdiction",
        verbose_name=_("行政区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空表示适用于全部行政区域"),
    )
    date = models.DateField(_("日期"), db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=HolidayKind.choices, default=HolidayKind.HOLIDAY)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "date"], name="holiday_unique_per_day")]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()


class ObligationQuerySet(RestrictedQuerySet):
    def open(self) -> ObligationQuerySet:
        """Owed and not yet met."""
        return self.filter(met_at__isnull=True, cancelled_at__isnull=True)


class ObligationManager(models.Manager.from_queryset(ObligationQuerySet)):
    def get_queryset(self) -> ObligationQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Obligation(RectifyModel):
    """One report a unit owes for one finding, by a due date; met by a round (or the plan)."""

    visibility_path = "finding"  # seen exactly as its finding is

    finding = models.ForeignKey(
        "findings.Finding", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="obligations"
    )
    kind = models.CharField(_("报送事项"), max_length=20, choices=ObligationKind.choices)
    sequence = models.PositiveSmallIntegerField(_("序号"), default=1)
    due_date = models.DateField(_("报送期限"), db_index=True)
    milestone = models.ForeignKey(
        "rectification.Milestone",
        verbose_name=_("阶段目标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    met_by = models.ForeignKey(
        "rectification.ProgressReport",
        verbose_name=_("报送轮次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations_met",
    )
    met_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    met_on_time = models.BooleanField(_("按期报送"), null=True)
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    objects = ObligationManager()

    class Meta:
        verbose_name = _("报送义务")
        verbose_name_plural = _("报送义务")
        ordering = ["finding", "due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "kind", "sequence"], name="obligation_unique_per_finding")
        ]
        indexes = [models.Index(fields=["due_date"], condition=models.Q(met_at__isnull=True), name="obligation_open")]

    def __str__(self) -> str:
        label = self.get_kind_display()
        if self.kind in (ObligationKind.MILESTONE, ObligationKind.CONTINUED, ObligationKind.RESUBMISSION):
            label = f"{label}（{self.sequence}）"
        return label

    def status(self, today: datetime.date) -> str:
        from rectify.reporting.calendar import days_between

        if self.cancelled_at:
            return ObligationStatus.CANCELLED
        if self.met_at:
            return ObligationStatus.ON_TIME if self.met_on_time else ObligationStatus.LATE
        if self.due_date < today:
            return ObligationStatus.MISSED
        if days_between(today, self.due_date) <= settings.RECTIFY_WARNING_DAYS:
            return ObligationStatus.DUE_SOON
        return ObligationStatus.PENDING

    def status_label(self, today: datetime.date) -> str:
        return ObligationStatus(self.status(today)).label


class EscalationProposal(RectifyModel):
    """A proposal to hold a unit to account: an obligation overdue past the grace period with no
    accepted delay explanation. The audit office takes it up (the accountability rules build an
    interview on it) or dismisses it with a reason."""

    finding = models.ForeignKey(
        "findings.Finding", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="escalation_proposals"
    )
    obligation = models.OneToOneField(
        Obligation, verbose_name=_("报送义务"), on_delete=models.PROTECT, related_name="escalation"
    )
    proposed_on = models.DateField(_("提出日期"))
    days_overdue = models.PositiveIntegerField(_("逾期天数"))
    state = models.CharField(_("状态"), max_length=20, choices=EscalationState.choices, default=EscalationState.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)

    class Meta:
        verbose_name = _("问责建议")
        verbose_name_plural = _("问责建议")
        ordering = ["-proposed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.finding.ledger_number} {self._meta.verbose_name}"

    def get_absolute_url(self) -> str:
        return self.finding.get_absolute_url()
