"""Summary reports (汇总报告) of source 三(一): a department's sector summary, the audit office's reports
to the audit committee and to the government, the government's report to the People's Congress
standing committee, and a unit's own rectification report.

Each report has a scope (a year, a project, a department's subtree, chosen findings, as its kind
needs), figures computed from the ledger rows of that scope (``rectify.summaries.figures``), an
editable narrative, and a state: draft → submitted → approved → sent, with returns to draft. The
figures are stored with the report every time they are computed and frozen when it is approved, so
that a report sent says what it said when it was approved whatever the ledger does afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RectifyModel, RestrictedQuerySet, VersionedModel
from rectify.summaries.choices import StepKind, SummaryKind, SummaryState


class SummaryReport(VersionedModel, RectifyModel):
    kind = models.CharField(_("报告类型"), max_length=20, choices=SummaryKind.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    issuer = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("发文机关"),
        on_delete=models.PROTECT,
        related_name="summary_reports_issued",
    )
    # The organization whose people draft it: the issuer, except the government's report to the
    # congress, which the audit office drafts for the government (as it does in practice).
    preparer = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("起草单位"),
        on_delete=models.PROTECT,
        related_name="summary_reports_prepared",
    )
    recipients = models.ManyToManyField(
        "organizations.Organization", verbose_name=_("主送机关"), related_name="summary_reports_received"
    )
    # Scope: what the figures count (see ``figures.scope_findings``).
    year = models.PositiveSmallIntegerField(_("审计年度"), null=True, blank=True)
    project = models.ForeignKey(
        "audits.AuditProject",
        verbose_name=_("审计项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("主管部门（含所属单位）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    findings = models.ManyToManyField(
        "findings.Finding", verbose_name=_("报告的问题"), blank=True, related_name="summary_reports"
    )
    report_date = models.DateField(_("截至日期"))
    narrative = models.JSONField(_("正文"), default=list, blank=True)
    figures = models.JSONField(_("数据"), default=dict, blank=True)
    finding_ids = models.JSONField(_("数据所依据的问题"), default=list, blank=True)
    # One row per finding behind the figures, with its own figures (the Excel annex), frozen with them.
    rows = models.JSONField(_("问题明细"), default=list, blank=True)
    figures_at = models.DateTimeField(_("数据计算时间"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("数据冻结时间"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=SummaryState.choices, default=SummaryState.DRAFT, db_index=True
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报请审批时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("报送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("汇总报告")
        verbose_name_plural = _("汇总报告")
        ordering = ["-report_date", "-pk"]
        indexes = [models.Index(fields=["issuer", "state"], name="summary_issuer_state")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("summaries:detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class SummaryStep(models.Model):
    """The record of a report: one row per step (drafted, edited, submitted, approved, returned, sent),
    written inside the step's transaction. Append-only."""

    visibility_path = "report"  # seen exactly as its report is

    report = models.ForeignKey(
        SummaryReport, verbose_name=_("汇总报告"), on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("步骤"), max_length=20, choices=StepKind.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=SummaryState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=SummaryState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=50)
    at = models.DateTimeField(_("时间"), db_index=True)
    comment = models.TextField(_("说明"), blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("汇总报告办理记录")
        verbose_name_plural = _("汇总报告办理记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.at:%Y-%m-%d}"

    def delete(self, using=None, keep_parents=False):
        raise PermissionError("summary report steps are append-only")
