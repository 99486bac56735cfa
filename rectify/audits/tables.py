import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from rectify.audits.models import AuditProject


class AuditProjectTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("项目名称"))
    units = tables.ManyToManyColumn(verbose_name=_("被审计单位"), separator="、")

    class Meta:
        model = AuditProject
        fields = ("year", "name", "type", "units", "report_number", "report_date")
        attrs = {"class": "table table-sm table-hover align-middle"}
        per_page = 50
