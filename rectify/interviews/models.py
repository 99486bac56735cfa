"""Interviews (约谈) of a unit's head, source 三(四): proposed by the rules, decided by the audit leader,
scheduled, held with a record, and followed up item by item until every item is verified.

One interview concerns one finding (and so one unit) on one ground; the same finding is never
proposed twice on the same ground (a unique constraint, and the rules check it first).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RectifyModel, VersionedModel
from rectify.findings.warning import days_left, is_overdue, local_today
from rectify.interviews.choices import Ground, InterviewState, ItemState


class InterviewRules(RectifyModel):
    """A jurisdiction's interview rules (each rule switchable, with its parameters); a jurisdiction
    without its own follows the nearest above it, and the defaults below where none has any. The
    grace period of the overdue rule is the reporting rules' ``escalation_grace_days``."""

    jurisdiction = models.OneToOneField(
        "organizations.Jurisdiction",
        verbose_name=_("行政区域"),
        on_delete=models.PROTECT,
        related_name="interview_rules",
    )
    overdue_enabled = models.BooleanField(
        _("逾期未整改且无经同意的延期说明的，建议约谈"),
        default=True,
        help_text=_("逾期天数的宽限期见报送规则「逾期多少天后提出问责建议」"),
    )
    not_rectified_enabled = models.BooleanField(_("核实认定未整改（含虚假整改）达到次数的，建议约谈"), default=True)
    not_rectified_times = models.PositiveSmallIntegerField(_("未整改认定次数"), default=2)
    poorly_enabled = models.BooleanField(_("核实认定部分整改达到次数的（整改不力），建议约谈"), default=True)
    poorly_times = models.PositiveSmallIntegerField(_("部分整改认定次数"), default=2)
    repeat_enabled = models.BooleanField(_("屡审屡犯的问题下达时，建议约谈"), default=True)

    class Meta:
        verbose_name = _("约谈规则")
        verbose_name_plural = _("约谈规则")

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self._meta.verbose_name}"


class Interview(VersionedModel, RectifyModel):
    finding = models.ForeignKey(
        "findings.Finding", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="interviews"
    )
    unit = models.ForeignKey(
        "organizations.Organization", verbose_name=_("被约谈单位"), on_delete=models.PROTECT, related_name="interviews"
    )
    ground = models.CharField(_("约谈事由"), max_length=20, choices=Ground.choices)
    basis = models.TextField(_("事实依据"), blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=InterviewState.choices, default=InterviewState.PROPOSED, db_index=True
    )
    proposed_on = models.DateField(_("提出日期"))
    escalations = models.ManyToManyField(
        "reporting.EscalationProposal", verbose_name=_("问责建议"), blank=True, related_name="interviews"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_reason = models.TextField(_("决定意见"), blank=True)
    interviewee = models.CharField(_("被约谈人（姓名、职务）"), max_length=100, blank=True)
    scheduled_at = models.DateTimeField(_("约谈时间"), null=True, blank=True)
    place = models.CharField(_("约谈地点"), max_length=200, blank=True)
    attendees = models.TextField(_("参加人员（姓名、职务，每行一人）"), blank=True)
    held_at = models.DateTimeField(_("约谈记录时间"), null=True, blank=True)
    record = models.TextField(_("约谈记录"), blank=True)
    commitments = models.TextField(_("整改承诺"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("约谈")
        verbose_name_plural = _("约谈")
        ordering = ["-proposed_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["finding", "ground"], name="interview_once_per_ground")]

    def __str__(self) -> str:
        return f"{self.unit} {self._meta.verbose_name}（{self.get_ground_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("interviews:detail", args=[self.pk])

    def attendee_lines(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class FollowUpItem(RectifyModel):
    """整改事项: a commitment of the interview, tracked like a finding (due date, responsible person,
    the unit's progress reports, the auditor's verification); overdue is derived, never stored."""

    visibility_path = "interview"  # seen and worked on exactly as its interview is

    interview = models.ForeignKey(Interview, verbose_name=_("约谈"), on_delete=models.PROTECT, related_name="items")
    sequence = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("整改事项"), max_length=200)
    due_date = models.DateField(_("完成时限"))
    responsible = models.CharField(_("责任人"), max_length=100)
    state = models.CharField(_("状态"), max_length=20, choices=ItemState.choices, default=ItemState.OPEN)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verification_comment = models.TextField(_("核实意见"), blank=True)

    class Meta:
        verbose_name = _("约谈整改事项")
        verbose_name_plural = _("约谈整改事项")
        ordering = ["interview", "sequence"]
        constraints = [models.UniqueConstraint(fields=["interview", "sequence"], name="followup_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.sequence}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("interviews:detail", args=[self.interview_id]) + f"#item-{self.pk}"

    # Tracked like a finding: an open item is the unit's work (overdue and days left as for a finding).
    def _finding_state(self) -> str:
        from rectify.findings.choices import FindingState

        return FindingState.RECTIFYING if self.state == ItemState.OPEN else FindingState.SUBMITTED

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self._finding_state(), self.due_date, local_today())

    @property
    def days_left(self) -> int | None:
        return days_left(self._finding_state(), self.due_date, local_today())


class FollowUpReport(RectifyModel):
    """The unit's progress report on a follow-up item."""

    visibility_path = "item__interview"

    item = models.ForeignKey(FollowUpItem, verbose_name=_("整改事项"), on_delete=models.PROTECT, related_name="reports")
    text = models.TextField(_("整改情况"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("报送时间"))

    class Meta:
        verbose_name = _("约谈整改事项进展")
        verbose_name_plural = _("约谈整改事项进展")
        ordering = ["item", "reported_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item} {self.reported_at:%Y-%m-%d}"
