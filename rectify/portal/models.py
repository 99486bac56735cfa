"""Announcements (公告) and limited circulations (有限范围通报) of source 三(三).

An ``Announcement`` is one version of one publication. It is drafted from verified findings (closed
through a verification) of a chosen scope, one ``AnnouncementItem`` per finding; it is reviewed
(submitted), approved by the audit leader (a unit's own, by the unit head) and published. Publishing
freezes it: every item holds, as its own data, the public fields chosen for publication (ledger number,
unit, category, publication title and summary, requirements summary, result, amount rectified), and the
public pages read those columns only, never the finding. A correction is a new version (``corrects``)
that, once published, supersedes the old one; a withdrawal keeps the record and shows only that it was
withdrawn, when and why.

A limited circulation (``audience = limited``) follows the same steps, but goes to chosen organizations
instead of the portal; each reader's first opening is a ``Reading``. Every step is kept in ``Step``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RectifyModel, RestrictedQuerySet, VersionedModel
from rectify.portal.choices import AnnouncementState, Audience, Publisher, StepKind

MONEY = {"max_digits": 18, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Announcement(VersionedModel, RectifyModel):
    publisher = models.ForeignKey(
        "organizations.Organization", verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("公告类型"), max_length=20, choices=Publisher.choices)
    audience = models.CharField(_("公开范围"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    title = models.CharField(_("标题"), max_length=200)
    introduction = models.TextField(_("导语"), blank=True)
    # The scope the findings were chosen from (any of them may be empty).
    year = models.PositiveSmallIntegerField(_("审计年度"), null=True, blank=True, db_index=True)
    project = models.ForeignKey(
        "audits.AuditProject", verbose_name=_("审计项目"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    unit = models.ForeignKey(
        "organizations.Organization", verbose_name=_("被审计单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    recipients = models.ManyToManyField(
        "organizations.Organization", verbose_name=_("通报范围"), blank=True, related_name="announcements_received"
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=AnnouncementState.choices, default=AnnouncementState.DRAFT, db_index=True
    )
    revision = models.PositiveSmallIntegerField(_("版本"), default=1)
    corrects = models.OneToOneField(
        "self", verbose_name=_("更正的公告"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="correction",
    )  # fmt: skip
    correction_note = models.TextField(_("更正说明"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    # Names as published, frozen with the items.
    publisher_name = models.CharField(_("发布单位名称"), max_length=200, blank=True)
    superseded_at = models.DateTimeField(_("更正时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("撤回原因"), blank=True)

    class Meta:
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        ordering = ["-published_at", "-created", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:announcement", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("portal:public-detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC

    @property
    def is_released(self) -> bool:
        return self.state in (AnnouncementState.PUBLISHED, AnnouncementState.SUPERSEDED, AnnouncementState.WITHDRAWN)


class AnnouncementItem(RectifyModel):
    """One finding in an announcement: the fields chosen for publication, as data. The finding is kept
    for the drafting and the record; nothing public ever reads through it."""

    visibility_path = "announcement"

    announcement = models.ForeignKey(
        Announcement, verbose_name=_("公告"), on_delete=models.PROTECT, related_name="items"
    )
    finding = models.ForeignKey(
        "findings.Finding", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="announcement_items"
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    ledger_number = models.CharField(_("问题编号"), max_length=64)
    year = models.PositiveSmallIntegerField(_("审计年度"))
    unit = models.ForeignKey(
        "organizations.Organization", verbose_name=_("被审计单位"), on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(_("单位名称"), max_length=200)
    category = models.ForeignKey(
        "findings.Category", verbose_name=_("问题类别"), on_delete=models.PROTECT, related_name="+"
    )
    category_name = models.CharField(_("问题类别名称"), max_length=200)
    title = models.CharField(_("公告标题"), max_length=200)
    summary = models.TextField(_("问题概要"), blank=True)
    requirements_summary = models.TextField(_("整改要求摘要"), blank=True)
    result = models.TextField(_("整改结果"), blank=True)
    amount_rectified = models.DecimalField(_("整改金额（元）"), default=Decimal("0.00"), **MONEY)

    class Meta:
        verbose_name = _("公告事项")
        verbose_name_plural = _("公告事项")
        ordering = ["announcement", "number", "pk"]

    def __str__(self) -> str:
        return f"{self.ledger_number} {self.title}"


class Reading(models.Model):
    """The first opening of a limited circulation by one user. Append-only."""

    announcement = models.ForeignKey(
        Announcement, verbose_name=_("通报"), on_delete=models.PROTECT, related_name="readings"
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("阅读人"), on_delete=models.PROTECT, related_name="+"
    )
    reader_name = models.CharField(_("阅读人姓名"), max_length=50)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("阅读时间"))

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("阅读记录")
        verbose_name_plural = _("阅读记录")
        ordering = ["read_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["announcement", "reader"], name="portal_one_reading_per_user")]

    def __str__(self) -> str:
        return f"{self.announcement_id} {self.reader_name}"

    def delete(self, using=None, keep_parents=False):
        raise PermissionError("readings are append-only")


class Step(models.Model):
    """The record of an announcement: one row per step, written inside the step's transaction."""

    visibility_path = "announcement"

    announcement = models.ForeignKey(
        Announcement, verbose_name=_("公告"), on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("步骤"), max_length=20, choices=StepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=50)
    at = models.DateTimeField(_("时间"), db_index=True)
    comment = models.TextField(_("说明"), blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("公告办理记录")
        verbose_name_plural = _("公告办理记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"

    def delete(self, using=None, keep_parents=False):
        raise PermissionError("announcement steps are append-only")
