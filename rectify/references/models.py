"""The use of audit results (结果运用, source 三(六)): the references themselves are read models over the
ledger (``readers``); what is stored is their delivery. The audit office sends a year's reference to the
organization department (干部监督参考) or to the finance bureau (预算安排参考), and the recipient
acknowledges it (签收). Nothing is deleted; every change is kept in the history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RectifyModel
from rectify.references.choices import DeliveryState, ReferenceKind


class ReferenceDelivery(RectifyModel):
    kind = models.CharField(_("参考类型"), max_length=16, choices=ReferenceKind.choices, db_index=True)
    year = models.PositiveSmallIntegerField(_("审计年度"), db_index=True)
    office = models.ForeignKey(
        "organizations.Organization", verbose_name=_("报送机关"), on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("接收单位"),
        on_delete=models.PROTECT,
        related_name="references_received",
    )
    note = models.TextField(_("报送说明"), blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.SENT, db_index=True
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("报送时间"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledgement = models.TextField(_("签收意见"), blank=True)

    class Meta:
        verbose_name = _("结果运用参考报送")
        verbose_name_plural = _("结果运用参考报送")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind", "year", "recipient"], name="reference_delivery_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}{self.get_kind_display()} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("references:delivery", args=[self.pk])

    def reference_url(self) -> str:
        name = "references:cadres" if self.kind == ReferenceKind.CADRE else "references:budget"
        return f"{reverse(name)}?year={self.year}"
