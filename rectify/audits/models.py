from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.audits.choices import AuditType
from rectify.core.models import RectifyModel


class AuditProject(RectifyModel):
    """One audit, of one type, in one year, of one or more units."""

    jurisdiction = models.ForeignKey(
        "organizations.Jurisdiction", verbose_name=_("行政区域"), on_delete=models.PROTECT, related_name="+"
    )
    audit_office = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("审计机关"),
        on_delete=models.PROTECT,
        related_name="audit_projects_conducted",
    )
    year = models.PositiveSmallIntegerField(_("审计年度"), db_index=True)
    sequence = models.PositiveSmallIntegerField(
        _("项目序号"), help_text=_("同一审计机关、同一年度内的序号，用于台账编号")
    )
    type = models.CharField(_("审计类型"), max_length=32, choices=AuditType.choices, db_index=True)
    name = models.CharField(_("项目名称"), max_length=200)
    units = models.ManyToManyField(
        "organizations.Organization", verbose_name=_("被审计单位"), related_name="audit_projects"
    )
    audited_official = models.CharField(
        _("被审计领导干部"), max_length=100, blank=True, help_text=_("经济责任审计、自然资源资产审计填写")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审计组组长"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_projects_led",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("审计组成员"), blank=True, related_name="audit_projects"
    )
    started_on = models.DateField(_("进点日期"), null=True, blank=True)
    report_number = models.CharField(_("审计报告文号"), max_length=100, blank=True)
    report_date = models.DateField(_("报告出具日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计项目")
        verbose_name_plural = _("审计项目")
        ordering = ["-year", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "audit_office", "year", "sequence"], name="audit_project_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("ledger:project", args=[self.pk])

    @property
    def is_reported(self) -> bool:
        return bool(self.report_date)

    def clean(self) -> None:
        if self.audit_office_id and self.jurisdiction_id and self.audit_office.jurisdiction_id != self.jurisdiction_id:
            raise ValidationError({"audit_office": _("审计机关须属于项目所在行政区域。")})
        if self.report_date and self.started_on and self.report_date < self.started_on:
            raise ValidationError({"report_date": _("报告出具日期不能早于进点日期。")})
