from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.analysis.choices import ClusterScope, ProposalState
from rectify.core.models import RectifyModel


class RepeatProposal(RectifyModel):
    """The system's proposal that ``finding`` repeats ``earlier`` (屡审屡犯), decided by an auditor.
    Confirming adds ``earlier`` to ``finding.repeats`` through the findings service."""

    finding = models.ForeignKey(
        "findings.Finding", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="repeat_proposals"
    )
    earlier = models.ForeignKey(
        "findings.Finding", verbose_name=_("以往问题"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.FloatField(_("相似度"))
    same_unit = models.BooleanField(_("同一单位"), default=False)
    state = models.CharField(
        _("状态"), max_length=20, choices=ProposalState.choices, default=ProposalState.PROPOSED, db_index=True
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
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        verbose_name = _("屡审屡犯建议")
        verbose_name_plural = _("屡审屡犯建议")
        ordering = ["finding", "-same_unit", "-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["finding", "earlier"], name="repeat_proposal_unique")]

    def __str__(self) -> str:
        return f"{self.finding_id} → {self.earlier_id} ({self.score:.2f})"

    def get_absolute_url(self) -> str:
        return self.finding.get_absolute_url()


class Cluster(RectifyModel):
    """A group of similar findings across units (典型性、普遍性、倾向性问题), computed by a job for a
    jurisdiction (the whole district) or for one competent department (its units only)."""

    jurisdiction = models.ForeignKey(
        "organizations.Jurisdiction", verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(_("范围"), max_length=20, choices=ClusterScope.choices)
    department = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("代表问题"), max_length=200)
    representative = models.ForeignKey(
        "findings.Finding", verbose_name=_("代表问题"), on_delete=models.PROTECT, related_name="+"
    )
    findings = models.ManyToManyField("findings.Finding", verbose_name=_("问题"), related_name="clusters")
    unit_count = models.PositiveIntegerField(_("单位数"))
    year_count = models.PositiveIntegerField(_("年度数"))
    finding_count = models.PositiveIntegerField(_("问题数"))
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=20, decimal_places=2, default=Decimal("0"))
    by_year = models.JSONField(_("分年度问题数"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("共性问题")
        verbose_name_plural = _("共性问题")
        ordering = ["-unit_count", "-year_count", "-amount", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("analysis:cluster", args=[self.pk])
