"""Special campaigns (专项整治) and consultations (会商), source 三(三): a competent department (or the audit
office) takes on a sector-wide problem across the units concerned.

``Campaign``: the problem, the findings it covers (from the opener's scope), the units concerned (derived
from the findings, editable), measures, a target date and a lead organization; open → in progress →
concluded (conclusion, outcome). Units concerned report progress (``CampaignProgress``, append-only).
Every step is kept in ``CampaignStep`` (who, when, what); field changes also in the model's history.

``Consultation``: a meeting among the departments concerned (within a campaign or on a set of findings),
with the measures agreed (``AgreedMeasure``: text, responsible organization, due date, follow-up). Done and
overdue of a measure are derived from its dates, never stored by hand.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.campaigns.choices import CampaignState, CampaignStepKind
from rectify.core.models import RectifyModel, RestrictedQuerySet, VersionedModel


class Campaign(VersionedModel, RectifyModel):
    owner = models.ForeignKey(
        "organizations.Organization", verbose_name=_("发起单位"), on_delete=models.PROTECT, related_name="+"
    )
    lead_organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("专项整治名称"), max_length=200)
    problem = models.TextField(_("问题表述"))
    measures = models.TextField(_("整治措施"), blank=True)
    target_date = models.DateField(_("目标完成日期"))
    findings = models.ManyToManyField("findings.Finding", verbose_name=_("涵盖问题"), related_name="campaigns")
    units = models.ManyToManyField(
        "organizations.Organization", verbose_name=_("涉及单位"), related_name="campaigns_concerning"
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=CampaignState.choices, default=CampaignState.OPEN, db_index=True
    )
    source = models.CharField(_("来源"), max_length=100, blank=True, help_text=_("如：相似问题聚类编号"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.TextField(_("总结"), blank=True)
    outcome = models.TextField(_("整治成效"), blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("总结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    concluded_at = models.DateTimeField(_("总结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign", args=[self.pk])

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        from rectify.findings.warning import local_today

        return self.state != CampaignState.CONCLUDED and self.target_date < (today or local_today())


class CampaignProgress(models.Model):
    """A unit's report of its progress in a campaign. Append-only."""

    visibility_path = "campaign"

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项整治"), on_delete=models.PROTECT, related_name="progress"
    )
    unit = models.ForeignKey(
        "organizations.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("进展情况"))
    reported_on = models.DateField(_("报送日期"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    reporter_name = models.CharField(_("报送人姓名"), max_length=50)
    at = models.DateTimeField(_("登记时间"), db_index=True)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("专项整治进展")
        verbose_name_plural = _("专项整治进展")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.unit_id} {self.reported_on}"

    def delete(self, using=None, keep_parents=False):
        raise PermissionError("campaign progress is append-only")


class CampaignStep(models.Model):
    """The record of a campaign: one row per step (who, when, what), written inside the step's transaction."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项整治"), on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("步骤"), max_length=20, choices=CampaignStepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=50)
    organization_name = models.CharField(_("操作单位"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    comment = models.TextField(_("说明"), blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("专项整治记录")
        verbose_name_plural = _("专项整治记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"

    def delete(self, using=None, keep_parents=False):
        raise PermissionError("campaign steps are append-only")


class Consultation(VersionedModel, RectifyModel):
    owner = models.ForeignKey(
        "organizations.Organization", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("专项整治"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    title = models.CharField(_("会商名称"), max_length=200)
    held_on = models.DateField(_("会商日期"))
    participants = models.ManyToManyField(
        "organizations.Organization", verbose_name=_("参加单位"), related_name="consultations"
    )
    findings = models.ManyToManyField(
        "findings.Finding", verbose_name=_("涉及问题"), blank=True, related_name="consultations"
    )
    topics = models.TextField(_("会商议题"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("会商")
        verbose_name_plural = _("会商")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:consultation", args=[self.pk])


class AgreedMeasure(RectifyModel):
    """A measure agreed at a consultation: who does it by when; its follow-up (done on a date, with a note)."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("会商"), on_delete=models.PROTECT, related_name="measures"
    )
    text = models.TextField(_("议定措施"))
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("完成期限"), db_index=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    follow_up = models.TextField(_("落实情况"), blank=True)

    class Meta:
        verbose_name = _("议定措施")
        verbose_name_plural = _("议定措施")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.text[:50]

    def get_absolute_url(self) -> str:
        return reverse("campaigns:consultation", args=[self.consultation_id]) + f"#measure-{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        from rectify.findings.warning import local_today

        return self.done_on is None and self.due_date < (today or local_today())
