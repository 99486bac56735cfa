from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RectifyModel, RestrictedQuerySet, VersionedModel
from rectify.findings.models import MONEY
from rectify.rectification.choices import (
    AMOUNT_METHODS,
    REJECTED_VERDICTS,
    AccountabilityOutcome,
    DelayDecision,
    ReportKind,
    Verdict,
)


class Plan(VersionedModel, RectifyModel):
    """The unit's rectification plan (整改方案) for one finding."""

    visibility_path = "finding"  # seen and worked on exactly as its finding is

    finding = models.OneToOneField(
        "findings.Finding", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="plan"
    )
    measures = models.TextField(_("整改措施"))
    responsible_department = models.CharField(_("责任部门"), max_length=100, blank=True)
    responsible_person = models.CharField(_("责任人"), max_length=50)
    first_responsible = models.CharField(
        _("第一责任人"), max_length=50, blank=True, help_text=_("被审计单位主要负责人")
    )
    planned_completion = models.DateField(_("计划完成时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("整改方案")
        verbose_name_plural = _("整改方案")

    def __str__(self) -> str:
        return f"{self.finding.ledger_number} 整改方案"


class Milestone(RectifyModel):
    visibility_path = "plan__finding"  # seen and worked on exactly as its finding is
    plan = models.ForeignKey(Plan, verbose_name=_("整改方案"), on_delete=models.PROTECT, related_name="milestones")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("阶段目标"), max_length=200)
    due_date = models.DateField(_("完成时限"))
    completed_on = models.DateField(_("实际完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改节点")
        verbose_name_plural = _("整改节点")
        ordering = ["plan", "number"]

    def __str__(self) -> str:
        return self.title


def counted_report_q(path: str = "") -> Q:
    """The report rounds whose money counts, as a condition on ``path`` ("reports__" from a finding):
    those not deleted and not found not rectified or falsely rectified (see ``counted``)."""
    return Q(**{f"{path}deleted_at__isnull": True}) & ~Q(**{f"{path}verification__verdict__in": REJECTED_VERDICTS})


class ProgressReportQuerySet(RestrictedQuerySet):
    def counted(self) -> ProgressReportQuerySet:
        """Rounds whose money counts: all but those the auditor found not rectified or falsely rectified.

        Each round reports the money rectified in that round; a rejected round's claim is void.
        """
        return self.exclude(verification__verdict__in=REJECTED_VERDICTS)


class ProgressReportManager(models.Manager.from_queryset(ProgressReportQuerySet)):
    def get_queryset(self) -> ProgressReportQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class ProgressReport(RectifyModel):
    """One round (上报次序) of a unit's report on a finding, with evidence.

    Amounts are those rectified in this round; the finding's total is the sum of its counted rounds.
    """

    visibility_path = "finding"  # seen and worked on exactly as its finding is

    objects = ProgressReportManager()

    finding = models.ForeignKey(
        "findings.Finding", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="reports"
    )
    round = models.PositiveSmallIntegerField(_("报送轮次"))
    kind = models.CharField(_("报告类型"), max_length=20, choices=ReportKind.choices, default=ReportKind.PROGRESS)
    measures = models.TextField(_("整改措施"))
    progress = models.TextField(_("整改进展"))
    unfinished_reason = models.TextField(_("未完成原因"), blank=True)
    next_steps = models.TextField(_("下一步措施"), blank=True)
    next_steps_due = models.DateField(_("下一步措施时限"), null=True, blank=True)
    amount_to_treasury = models.DecimalField(_("上缴财政（元）"), default=Decimal("0.00"), **MONEY)
    amount_returned_to_source = models.DecimalField(_("归还原资金渠道（元）"), default=Decimal("0.00"), **MONEY)
    amount_revitalized = models.DecimalField(_("盘活存量资金（元）"), default=Decimal("0.00"), **MONEY)
    amount_adjusted_in_accounts = models.DecimalField(_("调整账务（元）"), default=Decimal("0.00"), **MONEY)
    amount_losses_recovered = models.DecimalField(_("挽回损失（元）"), default=Decimal("0.00"), **MONEY)
    amount_other = models.DecimalField(_("其他（元）"), default=Decimal("0.00"), **MONEY)
    excess_reason = models.TextField(
        _("整改金额超出涉及金额的说明"), blank=True, help_text=_("累计整改金额超过问题涉及金额时必填")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), db_index=True)

    class Meta:
        verbose_name = _("整改情况报告")
        verbose_name_plural = _("整改情况报告")
        ordering = ["finding", "round"]
        constraints = [models.UniqueConstraint(fields=["finding", "round"], name="report_round_unique")]

    def __str__(self) -> str:
        return f"{self.finding.ledger_number} 第{self.round}轮"

    @property
    def amount_rectified(self) -> Decimal:
        return sum((getattr(self, field) for field, _label in AMOUNT_METHODS), Decimal("0.00"))

    @property
    def amounts_by_method(self) -> list[tuple[str, Decimal]]:
        return [(label, getattr(self, field)) for field, label in AMOUNT_METHODS]


class AdoptedRule(RectifyModel):
    """A rule the unit made or revised (制定完善制度)."""

    visibility_path = "report__finding"  # seen and worked on exactly as its finding is

    report = models.ForeignKey(ProgressReport, verbose_name=_("报告"), on_delete=models.PROTECT, related_name="rules")
    title = models.CharField(_("制度名称"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    adopted_on = models.DateField(_("印发日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("制定完善制度")
        verbose_name_plural = _("制定完善制度")

    def __str__(self) -> str:
        return self.title


class AccountabilityRecord(RectifyModel):
    """A person held accountable (追责问责)."""

    visibility_path = "report__finding"  # seen and worked on exactly as its finding is

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("报告"), on_delete=models.PROTECT, related_name="accountability"
    )
    person_name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    outcome = models.CharField(_("处理方式"), max_length=20, choices=AccountabilityOutcome.choices)

    class Meta:
        verbose_name = _("追责问责")
        verbose_name_plural = _("追责问责")

    def __str__(self) -> str:
        return f"{self.person_name}（{self.get_outcome_display()}）"


def evidence_path(instance: Evidence, filename: str) -> str:
    # Stored by content hash: names chosen by users never reach the file system.
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(RectifyModel):
    """A supporting file (佐证材料) of a report; its type is sniffed from content, not from its name."""

    visibility_path = "report__finding"  # seen and worked on exactly as its finding is

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("报告"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Verification(RectifyModel):
    """The auditor's verdict on a report (核实认定): completeness and compliance."""

    visibility_path = "finding"  # seen and worked on exactly as its finding is

    finding = models.ForeignKey(
        "findings.Finding", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="verifications"
    )
    report = models.OneToOneField(
        ProgressReport, verbose_name=_("报告"), on_delete=models.PROTECT, related_name="verification"
    )
    verdict = models.CharField(_("认定结论"), max_length=20, choices=Verdict.choices)
    verified_amount = models.DecimalField(
        _("认定整改金额（元）"),
        default=Decimal("0.00"),
        help_text=_("截至本次认定，该问题累计认定的整改金额"),
        **MONEY,
    )
    complete = models.BooleanField(_("整改完整"), default=False)
    compliant = models.BooleanField(_("整改合规"), default=False)
    reasons = models.TextField(_("认定理由"))
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核实人"), on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("认定时间"), db_index=True)

    class Meta:
        verbose_name = _("核实认定")
        verbose_name_plural = _("核实认定")
        ordering = ["finding", "verified_at"]

    def __str__(self) -> str:
        return f"{self.finding.ledger_number} {self.get_verdict_display()}"

    @property
    def closes_finding(self) -> bool:
        """Whether this verdict closes the finding out (对账销号): only "rectified" does."""
        return self.verdict == Verdict.RECTIFIED


class DelayExplanation(RectifyModel):
    """A unit's explanation of why a finding is not rectified by its deadline (source 三(四))."""

    visibility_path = "finding"  # seen and worked on exactly as its finding is

    finding = models.ForeignKey(
        "findings.Finding", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="delay_explanations"
    )
    reason = models.TextField(_("未按期完成的原因"))
    expected_completion = models.DateField(_("预计完成时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("说明人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("说明时间"))
    # The audit office's decision: an accepted explanation keeps an overdue finding from being
    # proposed for accountability until its expected completion date has passed.
    decision = models.CharField(
        _("审核结果"), max_length=20, choices=DelayDecision.choices, default=DelayDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("延期说明")
        verbose_name_plural = _("延期说明")
        ordering = ["finding", "submitted_at"]

    def __str__(self) -> str:
        return f"{self.finding.ledger_number} 延期说明"
