"""Looking back (整改回头看): the audit office re-checks a sample of closed findings.

``LookbackSample``: the re-check rules (amount at least X, categories, units with a repeat history, units
with an earlier false-rectification verdict), the seed and the size; the draw is deterministic given those and
the ledger, stratified by rule. ``SampleItem``: one sampled finding, the rule that chose it and why, the
auditor assigned, and the re-check (holds / relapsed / not checked, note, date). A relapsed re-check flags the
finding (derived from the items, shown on the finding's page). Re-occurrence after close-out is derived from
the confirmed repeat links (``Finding.repeats``), never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RectifyModel, VersionedModel
from rectify.findings.models import MONEY
from rectify.lookback.choices import LookbackRule, RecheckResult


class LookbackSample(VersionedModel, RectifyModel):
    office = models.ForeignKey(
        "organizations.Organization", verbose_name=_("审计机关"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=200)
    seed = models.PositiveIntegerField(_("随机种子"))
    size = models.PositiveIntegerField(_("抽样数量"))
    min_amount = models.DecimalField(_("金额不低于（元）"), null=True, blank=True, **MONEY)
    categories = models.ManyToManyField(
        "findings.Category", verbose_name=_("重点问题类别"), blank=True, related_name="+"
    )
    repeat_history = models.BooleanField(_("有屡审屡犯记录的单位"), default=False)
    false_history = models.BooleanField(_("曾被认定虚假整改的单位"), default=False)
    population = models.PositiveIntegerField(_("符合规则的已销号问题数"), default=0)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("回头看抽样")
        verbose_name_plural = _("回头看抽样")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lookback:sample", args=[self.pk])


class SampleItem(VersionedModel, RectifyModel):
    visibility_path = "sample"

    sample = models.ForeignKey(
        LookbackSample, verbose_name=_("回头看抽样"), on_delete=models.PROTECT, related_name="items"
    )
    finding = models.ForeignKey(
        "findings.Finding", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="lookback_items"
    )
    position = models.PositiveIntegerField(_("序号"))
    rule = models.CharField(_("抽取规则"), max_length=30, choices=LookbackRule.choices)
    reason = models.CharField(_("抽取理由"), max_length=300)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复查人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(
        _("复查结果"), max_length=20, choices=RecheckResult.choices, default=RecheckResult.NOT_CHECKED, db_index=True
    )
    note = models.TextField(_("复查说明"), blank=True)
    checked_on = models.DateField(_("复查日期"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("回头看复查")
        verbose_name_plural = _("回头看复查")
        ordering = ["sample", "position"]
        constraints = [models.UniqueConstraint(fields=["sample", "finding"], name="lookback_item_once_per_sample")]

    def __str__(self) -> str:
        return f"{self.sample_id} #{self.position}"

    def get_absolute_url(self) -> str:
        return reverse("lookback:sample", args=[self.sample_id]) + f"#item-{self.pk}"
