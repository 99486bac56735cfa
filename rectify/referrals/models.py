"""Referrals (提请追责 / 移送) of source 三(四): for false rectification, refusal to rectify or
obstruction of checking, the audit office refers a case, citing one or more findings, to the
discipline commission, the organization department or the competent department, which acknowledges
it and feeds back the outcome (the persons handled and how) by a due date.

    draft ──approve──▶ approved ──send──▶ sent ──acknowledge──▶ acknowledged ──conclude──▶ concluded
      ▲                   │
      └─────return────────┘   (with a reason)

The evidence package (a ZIP: the referral letter, the cited findings' ledger, each finding's
timeline and reports, the evidence files) is built by a job of ``rectify.documents`` once the
referral is approved; this app only records where it is and how it went.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RectifyModel, RestrictedQuerySet, VersionedModel
from rectify.rectification.choices import AccountabilityOutcome
from rectify.referrals.choices import PackageStatus, ReferralGround, ReferralState

# The states in which feedback is owed by the receiving body.
AWAITING_FEEDBACK = (ReferralState.SENT, ReferralState.ACKNOWLEDGED)


def package_path(referral: Referral, filename: str) -> str:
    return f"referrals/{referral.pk}/{filename}"


class Referral(VersionedModel, RectifyModel):
    office = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("移送机关"),
        on_delete=models.PROTECT,
        related_name="referrals_made",
    )
    recipient = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("受理机关"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    ground = models.CharField(_("移送事由"), max_length=30, choices=ReferralGround.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    facts = models.TextField(_("主要事实"))
    request = models.TextField(_("处理建议"), blank=True)
    findings = models.ManyToManyField("findings.Finding", verbose_name=_("引用的问题"), related_name="referrals")
    state = models.CharField(
        _("状态"), max_length=20, choices=ReferralState.choices, default=ReferralState.DRAFT, db_index=True
    )
    number = models.CharField(_("文号"), max_length=60, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("移送人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    sent_at = models.DateTimeField(_("移送时间"), null=True, blank=True)
    feedback_due = models.DateField(_("反馈期限"), null=True, blank=True, db_index=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签收人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("反馈人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    concluded_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    outcome_date = models.DateField(_("处理日期"), null=True, blank=True)
    outcome_text = models.TextField(_("处理结果"), blank=True)
    package = models.FileField(_("证据材料包"), upload_to=package_path, max_length=200, blank=True)
    package_status = models.CharField(
        _("材料包状态"), max_length=10, choices=PackageStatus.choices, default=PackageStatus.NONE, blank=True
    )
    package_error = models.TextField(_("材料包生成错误"), blank=True)
    package_built_at = models.DateTimeField(_("材料包生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提请追责（移送）")
        verbose_name_plural = _("提请追责（移送）")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "state"], name="referral_recipient_state")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("referrals:detail", args=[self.pk])

    def feedback_overdue_days(self, today: datetime.date) -> int:
        """Days the feedback is past its due date (0 when not owed or not yet due): derived, never stored."""
        if self.state not in AWAITING_FEEDBACK or self.feedback_due is None or today <= self.feedback_due:
            return 0
        return (today - self.feedback_due).days


class HandledPerson(models.Model):
    """One person the receiving body handled, and how (part of its feedback). Written with the feedback."""

    visibility_path = "referral"

    referral = models.ForeignKey(
        Referral, verbose_name=_("提请追责（移送）"), on_delete=models.PROTECT, related_name="persons"
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    outcome = models.CharField(_("处理方式"), max_length=20, choices=AccountabilityOutcome.choices)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("处理人员")
        verbose_name_plural = _("处理人员")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.get_outcome_display()}"
