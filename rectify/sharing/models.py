"""Sharing with other supervisors (监督协作, source 三(五)).

A supervising body (巡视巡察办, 干部监督, 纪检监察, 国资监管, 生态环保 …, organization kind
``other_supervisor``) asks to subscribe to one unit, one sector or one problem category. The audit office
of the body's jurisdiction decides: only an approved subscription opens the findings it covers to the
body's supervisor officers, read-only, and only while it stands (revoking it closes them again). Each
approved subscription gets a digest of what changed every ``period_days`` days (weekly by default).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RectifyModel, RestrictedQuerySet
from rectify.sharing.choices import PackageStatus, SubscriptionState, Target


class Subscription(RectifyModel):
    subscriber = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("订阅单位"),
        on_delete=models.PROTECT,
        related_name="sharing_subscriptions",
    )
    target = models.CharField(_("订阅范围"), max_length=16, choices=Target.choices)
    unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("被审计单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sector = models.ForeignKey(
        "organizations.Sector", verbose_name=_("行业领域"), null=True, blank=True, on_delete=models.PROTECT
    )
    category = models.ForeignKey(
        "findings.Category", verbose_name=_("问题类别"), null=True, blank=True, on_delete=models.PROTECT
    )
    purpose = models.TextField(_("订阅事由"))
    period_days = models.PositiveSmallIntegerField(_("摘要周期（天）"), default=7)
    state = models.CharField(
        _("状态"), max_length=16, choices=SubscriptionState.choices, default=SubscriptionState.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
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
    decision_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("监督协作订阅")
        verbose_name_plural = _("监督协作订阅")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.subscriber} · {self.get_target_display()} · {self.covered}"

    @property
    def covered(self):
        return {Target.UNIT: self.unit, Target.SECTOR: self.sector, Target.CATEGORY: self.category}[self.target]

    def get_absolute_url(self) -> str:
        return reverse("sharing:detail", args=[self.pk])

    def finding_q(self, prefix: str = "") -> Q:
        """The published findings this subscription covers (whatever its state)."""
        from rectify.findings.choices import FindingState

        if self.target == Target.UNIT:
            q = Q(**{f"{prefix}unit_id": self.unit_id})
        elif self.target == Target.SECTOR:
            q = Q(**{f"{prefix}unit__sector_id": self.sector_id})
        else:
            q = Q(**{f"{prefix}category_id": self.category_id}) | Q(
                **{f"{prefix}category__parent_id": self.category_id}
            )
        return q & ~Q(**{f"{prefix}state": FindingState.DRAFT})


class Digest(models.Model):
    """One digest sent for a subscription: what changed in (since, until]. One per subscription and day
    of sending, so a job run twice (or a clock moved back and forth) sends it once."""

    visibility_path = "subscription"

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("订阅"), on_delete=models.PROTECT, related_name="digests"
    )
    since = models.DateTimeField(_("起始时间"))
    until = models.DateTimeField(_("截止时间"))
    period_end = models.DateField(_("周期截止日"))
    changed = models.PositiveIntegerField(_("有变化的问题数"), default=0)
    issued = models.PositiveIntegerField(_("新下达问题数"), default=0)
    closed = models.PositiveIntegerField(_("销号问题数"), default=0)
    overdue = models.PositiveIntegerField(_("逾期问题数"), default=0)
    lines = models.JSONField(_("变化明细"), default=list)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("监督协作摘要")
        verbose_name_plural = _("监督协作摘要")
        ordering = ["-until"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "period_end"], name="sharing_digest_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.subscription} {self.period_end}"

    def get_absolute_url(self) -> str:
        return reverse("sharing:detail", args=[self.subscription_id])


def package_path(package: InspectionPackage, filename: str) -> str:
    return f"sharing/packages/{package.pk}/{filename}"


class InspectionPackage(models.Model):
    """An inspection tour's package for one unit (巡察资料包: Excel and Word), asked for in a request and
    built by a job (``rectify.documents.sharing.build_inspection_package``) as its requester sees the unit
    then. Its requester's alone (the scope: ``owner_scope("requested_by")``)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organizations.Organization", verbose_name=_("被审计单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=PackageStatus.choices, default=PackageStatus.QUEUED, db_index=True
    )
    workbook = models.FileField(_("资料包（Excel）"), upload_to=package_path, max_length=200, blank=True)
    document = models.FileField(_("资料包（Word）"), upload_to=package_path, max_length=200, blank=True)
    findings_count = models.PositiveIntegerField(_("问题数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("巡察资料包")
        verbose_name_plural = _("巡察资料包")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self._meta.verbose_name}"

    def get_absolute_url(self) -> str:
        return reverse("sharing:package", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (PackageStatus.DONE, PackageStatus.FAILED)
