"""The annual performance assessment (目标管理绩效考核, source 三(六)): per jurisdiction and audit year a
scheme of scoring rules, and per audited unit an assessment whose every point is a line tracing to a
rule and to the facts behind it (the ids of the findings, report obligations, interviews, referrals).

An assessment is computed (by a background job for the whole year), reviewed by the audit leader (who
may adjust a line only with a written reason, each adjustment kept), then confirmed: a confirmed
assessment is frozen and never computed again, and its scheme can no longer be edited.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.assessment.choices import AssessmentState, ComputationStatus, RuleCode, RuleKind, SchemeState
from rectify.core.models import RectifyModel, VersionedModel

POINTS = {"max_digits": 7, "decimal_places": 2}
ZERO = Decimal("0.00")


class AssessmentScheme(VersionedModel, RectifyModel):
    """The scoring rules of one jurisdiction for one audit year; edited by the audit office until frozen."""

    jurisdiction = models.ForeignKey(
        "organizations.Jurisdiction",
        verbose_name=_("行政区域"),
        on_delete=models.PROTECT,
        related_name="assessment_schemes",
    )
    year = models.PositiveSmallIntegerField(_("考核年度（审计年度）"), db_index=True)
    title = models.CharField(_("考核方案名称"), max_length=200)
    cutoff = models.DateField(
        _("统计截止日"), help_text=_("整改、报送和认定金额统计到这一天（含），重新计算得出相同结果。")
    )
    state = models.CharField(_("状态"), max_length=20, choices=SchemeState.choices, default=SchemeState.DRAFT)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("定稿人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    frozen_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    computation_status = models.CharField(
        _("计算状态"), max_length=10, choices=ComputationStatus.choices, default=ComputationStatus.NONE, blank=True
    )
    computation_error = models.TextField(_("计算错误"), blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "jurisdiction_id"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year"], name="assessment_scheme_per_year")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessment:scheme", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.state == SchemeState.FROZEN


class AssessmentRule(RectifyModel):
    """One rule line of a scheme: a ratio scaled to ``points``, or ``points`` deducted per occurrence
    up to ``cap``; ``parameters`` holds the rest (``full_rate``: the percentage that earns full points;
    ``when_none``: ``full`` or ``zero`` when there is nothing to measure)."""

    visibility_path = "scheme"

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="rules"
    )
    sequence = models.PositiveSmallIntegerField(_("序号"))
    code = models.CharField(_("规则代码"), max_length=30, choices=RuleCode.choices)
    name = models.CharField(_("规则名称"), max_length=100)
    kind = models.CharField(_("计分方式"), max_length=20, choices=RuleKind.choices)
    points = models.DecimalField(_("分值"), help_text=_("比例计分：满分；按次扣分：每次扣分"), **POINTS)
    cap = models.DecimalField(_("扣分上限"), null=True, blank=True, **POINTS)
    parameters = models.JSONField(_("参数"), default=dict, blank=True)

    class Meta:
        verbose_name = _("考核规则")
        verbose_name_plural = _("考核规则")
        ordering = ["scheme", "sequence"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="assessment_rule_once_per_scheme")]

    def __str__(self) -> str:
        return self.name

    @property
    def full_rate(self) -> Decimal:
        return Decimal(str(self.parameters.get("full_rate", 100)))

    @property
    def when_none(self) -> str:
        return self.parameters.get("when_none", "full")


class Assessment(VersionedModel, RectifyModel):
    """One audited unit's score for one year under one scheme."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("考核年度"), db_index=True)
    unit = models.ForeignKey(
        "organizations.Organization", verbose_name=_("被考核单位"), on_delete=models.PROTECT, related_name="assessments"
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=AssessmentState.choices, default=AssessmentState.COMPUTED, db_index=True
    )
    computed_total = models.DecimalField(_("计算得分"), default=ZERO, **POINTS)
    total = models.DecimalField(_("考核得分"), default=ZERO, **POINTS)
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("计算发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("绩效考核结果")
        verbose_name_plural = _("绩效考核结果")
        ordering = ["-year", "-total", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="assessment_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.state == AssessmentState.CONFIRMED


class AssessmentLine(RectifyModel):
    """The points of one rule for one unit, with the explanation (in Chinese, as computed) and the ids of
    the facts behind them (``facts``: ``{"figures": {...}, "groups": {key: [ids]}}``)."""

    visibility_path = "assessment"

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("考核结果"), on_delete=models.PROTECT, related_name="lines"
    )
    rule = models.ForeignKey(AssessmentRule, verbose_name=_("考核规则"), on_delete=models.PROTECT, related_name="lines")
    sequence = models.PositiveSmallIntegerField(_("序号"))
    code = models.CharField(_("规则代码"), max_length=30, choices=RuleCode.choices)
    name = models.CharField(_("规则名称"), max_length=100)
    kind = models.CharField(_("计分方式"), max_length=20, choices=RuleKind.choices)
    limit = models.DecimalField(_("分值上限"), help_text=_("比例计分为满分，按次扣分为扣分上限"), **POINTS)
    computed_points = models.DecimalField(_("计算得分"), **POINTS)
    points = models.DecimalField(_("得分"), **POINTS)
    explanation = models.TextField(_("计分说明"))
    facts = models.JSONField(_("事实依据"), default=dict)
    adjustment_reason = models.TextField(_("调整理由"), blank=True)

    class Meta:
        verbose_name = _("考核得分明细")
        verbose_name_plural = _("考核得分明细")
        ordering = ["assessment", "sequence"]
        constraints = [models.UniqueConstraint(fields=["assessment", "rule"], name="assessment_line_once_per_rule")]

    def __str__(self) -> str:
        return f"{self.assessment} {self.name}"

    def get_absolute_url(self) -> str:
        return self.assessment.get_absolute_url() + f"#line-{self.pk}"

    @property
    def adjusted(self) -> bool:
        return self.points != self.computed_points


class LineAdjustment(RectifyModel):
    """An adjustment of a line by the reviewer: before, after and the written reason, never removed."""

    visibility_path = "line__assessment"

    line = models.ForeignKey(
        AssessmentLine, verbose_name=_("考核得分明细"), on_delete=models.PROTECT, related_name="adjustments"
    )
    before = models.DecimalField(_("调整前得分"), **POINTS)
    after = models.DecimalField(_("调整后得分"), **POINTS)
    reason = models.TextField(_("调整理由"))
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调整人"), on_delete=models.PROTECT, related_name="+"
    )
    adjusted_at = models.DateTimeField(_("调整时间"))
    superseded = models.BooleanField(_("已被重新计算取代"), default=False)

    class Meta:
        verbose_name = _("考核得分调整")
        verbose_name_plural = _("考核得分调整")
        ordering = ["line", "adjusted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.line} {self.before} → {self.after}"
