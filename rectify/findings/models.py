from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RectifyModel, RestrictedQuerySet, VersionedModel
from rectify.findings import warning
from rectify.findings.choices import Disclosure, EventKind, FindingState, Kind

ZERO = Decimal("0.00")
# The report's money fields (rectification.choices.AMOUNT_METHODS), each summed into ``rectified_<method>``.
RECTIFIED_FIELDS = (
    "amount_to_treasury",
    "amount_returned_to_source",
    "amount_revitalized",
    "amount_adjusted_in_accounts",
    "amount_losses_recovered",
    "amount_other",
)


def rectified_column(field: str) -> str:
    """The finding's column that sums a report money field: ``amount_other`` → ``rectified_other``."""
    return f"rectified_{field[len('amount_') :]}"


MONEY = {"max_digits": 18, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Category(RectifyModel):
    """A two-level taxonomy of problems (一级: 预算管理; 二级: 预算编制不完整 …)."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级类别"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    involves_fiscal_funds = models.BooleanField(
        _("涉及财政资金"), default=False, help_text=_("此类问题默认涉及财政资金，财政部门可见")
    )

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("问题类别只有两级。")})


class DeadlineRule(RectifyModel):
    """How many days a kind of finding gets, counted from the report date."""

    kind = models.CharField(_("整改类型"), max_length=20, choices=Kind.choices, unique=True)
    days = models.PositiveIntegerField(_("整改期限（天）"))
    reporting_interval_days = models.PositiveIntegerField(
        _("持续报送间隔（天）"), null=True, blank=True, help_text=_("持续整改事项的报送周期")
    )

    class Meta:
        verbose_name = _("整改期限规则")
        verbose_name_plural = _("整改期限规则")
        ordering = ["days"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.days} 天"


class FindingQuerySet(RestrictedQuerySet):
    def with_colour(self, today: datetime.date | None = None) -> FindingQuerySet:
        return self.annotate(colour_code=warning.colour_expression(today))

    def open(self) -> FindingQuerySet:
        return self.filter(state__in=warning.RUNNING_STATES)

    def open_from_earlier_audits(self, project) -> FindingQuerySet:
        """Findings of earlier audits of the project's units still not closed: a new audit checks
        how they were rectified (source 二(三))."""
        return (
            self.filter(unit__in=project.units.all(), year__lte=project.year)
            .exclude(project=project)
            .exclude(state__in=[FindingState.CLOSED, FindingState.DRAFT])
        )

    def overdue(self, today: datetime.date | None = None) -> FindingQuerySet:
        return self.filter(warning.overdue_q(today))

    def with_repeat_flag(self) -> FindingQuerySet:
        """Annotates ``repeats_earlier``, which ``Finding.is_repeat`` reads instead of asking per row."""
        links = Finding.repeats.through.objects.filter(from_finding=models.OuterRef("pk"))
        return self.annotate(repeats_earlier=models.Exists(links))


class FindingManager(models.Manager.from_queryset(FindingQuerySet)):
    def get_queryset(self) -> FindingQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Finding(VersionedModel, RectifyModel):
    """One problem an audit found; the unit of the ledger (整改台账)."""

    project = models.ForeignKey(
        "audits.AuditProject", verbose_name=_("审计项目"), on_delete=models.PROTECT, related_name="findings"
    )
    unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("整改责任单位"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    ledger_number = models.CharField(_("问题编号"), max_length=64, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("项目内序号"), editable=False)
    title = models.CharField(_("问题摘要"), max_length=200)
    description = models.TextField(_("问题描述"))
    category = models.ForeignKey(
        Category, verbose_name=_("问题类别"), on_delete=models.PROTECT, related_name="findings"
    )
    legal_basis = models.TextField(_("定性依据"), blank=True)
    amount_involved = models.DecimalField(_("涉及金额（元）"), default=Decimal("0.00"), **MONEY)
    kind = models.CharField(_("整改类型"), max_length=20, choices=Kind.choices, default=Kind.IMMEDIATE)
    deadline = models.DateField(_("整改期限"), null=True, blank=True, db_index=True)
    disclosure = models.CharField(_("公开范围"), max_length=20, choices=Disclosure.choices, default=Disclosure.PUBLIC)
    rectified_during_audit = models.BooleanField(_("边审边改"), default=False)
    involves_fiscal_funds = models.BooleanField(_("涉及财政资金"), default=False)
    state = models.CharField(
        _("状态"), max_length=20, choices=FindingState.choices, default=FindingState.DRAFT, db_index=True
    )
    repeats = models.ManyToManyField(
        "self", verbose_name=_("屡审屡犯（重复以往问题）"), symmetrical=False, blank=True, related_name="repeated_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("下达时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    # Denormalized, so that the ledger's scope, order and figures need no join (rectify.findings.denormalized
    # and rectify.rectification.denormalized keep them equal to what they derive from, in the writer's
    # transaction; ``rectify rebuild-denormalized`` recomputes them all).
    year = models.PositiveSmallIntegerField(_("审计年度"), null=True, editable=False)  # the project's year
    jurisdiction = models.ForeignKey(
        "organizations.Jurisdiction",
        verbose_name=_("行政区域"),
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )  # the project's jurisdiction
    # The money its counted report rounds rectified, by method (see counted_report_q), and the amount its
    # latest verification recognised; the time of its latest report round.
    rectified_to_treasury = models.DecimalField(default=Decimal("0.00"), editable=False, **MONEY)
    rectified_returned_to_source = models.DecimalField(default=Decimal("0.00"), editable=False, **MONEY)
    rectified_revitalized = models.DecimalField(default=Decimal("0.00"), editable=False, **MONEY)
    rectified_adjusted_in_accounts = models.DecimalField(default=Decimal("0.00"), editable=False, **MONEY)
    rectified_losses_recovered = models.DecimalField(default=Decimal("0.00"), editable=False, **MONEY)
    rectified_other = models.DecimalField(default=Decimal("0.00"), editable=False, **MONEY)
    amount_verified = models.DecimalField(_("认定整改金额（元）"), default=Decimal("0.00"), editable=False, **MONEY)
    last_reported_at = models.DateTimeField(_("最近报送时间"), null=True, editable=False)

    objects = FindingManager()

    # Copies of what the project and the report rounds hold: not shown as changes in the finding's history.
    DERIVED_FIELDS = (
        "year", "jurisdiction", *(rectified_column(field) for field in RECTIFIED_FIELDS), "amount_verified",
        "last_reported_at",
    )  # fmt: skip

    class Meta:
        verbose_name = _("审计查出问题")
        verbose_name_plural = _("审计查出问题")
        ordering = ["-year", "ledger_number"]
        constraints = [models.UniqueConstraint(fields=["project", "sequence"], name="finding_sequence_unique")]
        indexes = [
            models.Index(fields=["state", "deadline"]),
            # The default order, walked from the top (LIMIT 50) whatever the scope.
            models.Index(F("year").desc(), "ledger_number", name="finding_year_number"),
            # A jurisdiction's ledger in the default order: walking the one above for a district's rows passed
            # 213,000 other findings when its ledger numbers sort last (190 ms at 1,000,000).
            models.Index(
                "jurisdiction",
                F("year").desc(),
                "ledger_number",
                condition=Q(deleted_at__isnull=True),
                name="finding_live_jur_year_number",
            ),
            # A jurisdiction's ledger, by state and deadline (the colour filter, the deadline sort); with the
            # unit and the project, the scope's count reads the index alone (an index-only scan).
            models.Index(
                fields=["jurisdiction", "state", "deadline"],
                include=["unit", "project"],
                condition=Q(deleted_at__isnull=True),
                name="finding_live_jur_state_dl",
            ),
            # The running findings by deadline: red, yellow and green are ranges of it (warning.colour_q).
            models.Index(
                fields=["deadline"], condition=Q(state__in=warning.RUNNING_STATES), name="finding_running_deadline"
            ),
            models.Index(fields=["amount_involved"], name="finding_amount_involved"),
            # The findings reported last (the latest reports a department or the organization department reads).
            models.Index(
                fields=["last_reported_at"], condition=Q(last_reported_at__isnull=False), name="finding_last_reported"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ledger_number} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("ledger:finding", args=[self.pk])

    def save(self, *args, **kwargs):
        if self.project_id and (self.year is None or self.jurisdiction_id is None):
            self.year, self.jurisdiction_id = self.project.year, self.project.jurisdiction_id
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "year", "jurisdiction"}
        super().save(*args, **kwargs)

    @property
    def amount_rectified(self) -> Decimal:
        """The money its counted report rounds rectified, all methods together (denormalized)."""
        return sum((getattr(self, rectified_column(field)) for field in RECTIFIED_FIELDS), ZERO)

    @property
    def colour(self) -> str | None:
        return warning.colour_for(self.state, self.deadline)

    @property
    def days_left(self) -> int | None:
        return warning.days_left(self.state, self.deadline)

    @property
    def days_overdue(self) -> int:
        left = self.days_left
        return -left if left is not None and left < 0 else 0

    @property
    def is_overdue(self) -> bool:
        return warning.is_overdue(self.state, self.deadline)

    @property
    def is_repeat(self) -> bool:
        """Whether it repeats an earlier finding (屡审屡犯). A list reads it without a query per row from
        ``with_repeat_flag()`` or from prefetched ``repeats``."""
        if hasattr(self, "repeats_earlier"):
            return self.repeats_earlier
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        if "repeats" in prefetched:
            return bool(prefetched["repeats"])
        return self.repeats.exists()


class Requirement(RectifyModel):
    """One item of what the unit must do for a finding (逐条逐项)."""

    visibility_path = "finding"  # seen and worked on exactly as its finding is

    finding = models.ForeignKey(Finding, verbose_name=_("问题"), on_delete=models.PROTECT, related_name="requirements")
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("整改要求"))

    class Meta:
        verbose_name = _("整改要求")
        verbose_name_plural = _("整改要求")
        ordering = ["finding", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "number"],
                condition=models.Q(deleted_at__isnull=True),
                name="requirement_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:30]}"


class FindingEvent(models.Model):
    """The timeline of a finding: one row per action, written inside the action's transaction."""

    visibility_path = "finding"  # seen and worked on exactly as its finding is

    finding = models.ForeignKey(Finding, verbose_name=_("问题"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事件"), max_length=20, choices=EventKind.choices)
    action = models.CharField(_("操作"), max_length=40, blank=True)
    from_state = models.CharField(_("原状态"), max_length=20, choices=FindingState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=FindingState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=50)
    at = models.DateTimeField(_("时间"), db_index=True)
    comment = models.TextField(_("说明"), blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("问题事件")
        verbose_name_plural = _("问题事件")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.kind} {self.at:%Y-%m-%d}"

    def delete(self, using=None, keep_parents=False):
        raise PermissionError("finding events are append-only")


class SavedView(RectifyModel):
    """A user's named ledger view: the filters (as a query string) and the chosen columns."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="saved_views"
    )
    name = models.CharField(_("名称"), max_length=50)
    query = models.TextField(_("筛选条件"), blank=True)
    columns = models.JSONField(_("显示列"), default=list, blank=True)

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        ordering = ["user", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"], condition=models.Q(deleted_at__isnull=True), name="saved_view_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name
