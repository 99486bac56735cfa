"""The budget reference's ranking (django-tables2, sortable by every figure) and the deliveries' list."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from rectify.core.money import format_money
from rectify.references.models import ReferenceDelivery


class MoneyColumn(tables.Column):
    attrs = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}

    def render(self, value):
        return format_money(value)


class BudgetRankingTable(tables.Table):
    rank = tables.Column(verbose_name=_("序号"), empty_values=(), orderable=False)
    unit_name = tables.Column(verbose_name=_("被审计单位"))
    sector = tables.Column(verbose_name=_("行业领域"))
    findings = tables.Column(verbose_name=_("问题数"), attrs={"td": {"class": "text-end"}})
    amount_involved = MoneyColumn(verbose_name=_("涉及财政资金（元）"))
    amount_rectified = MoneyColumn(verbose_name=_("已整改金额（元）"))
    amount_verified = MoneyColumn(verbose_name=_("认定整改金额（元）"))
    amount_unrectified = MoneyColumn(verbose_name=_("未整改金额（元）"))
    rate = tables.Column(verbose_name=_("销号率"), attrs={"td": {"class": "text-end"}})
    years_with_findings = tables.Column(verbose_name=_("近年有问题的年度数"), attrs={"td": {"class": "text-end"}})

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "budget-ranking"}
        row_attrs = {"data-testid": "budget-row"}
        per_page = 100
        orderable = True

    def __init__(self, *args, year=None, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)

    def render_rank(self):
        self.row_counter = getattr(self, "row_counter", 0) + 1
        return self.row_counter

    def render_unit_name(self, value, record):
        url = reverse("references:budget-unit", args=[record["unit"]])
        if self.year:
            url += f"?year={self.year}"
        return format_html('<a href="{}">{}</a>', url, value)

    def render_rate(self, value):
        return "—" if value is None else f"{value}%"


class DeliveryTable(tables.Table):
    title = tables.Column(verbose_name=_("参考"), accessor="pk", linkify=True, orderable=False)
    recipient = tables.Column(verbose_name=_("接收单位"), accessor="recipient__name")
    office = tables.Column(verbose_name=_("报送机关"), accessor="office__name")
    sent_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("报送时间"))
    acknowledged_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("签收时间"))

    class Meta:
        model = ReferenceDelivery
        fields = ("title", "year", "kind", "office", "recipient", "state", "sent_at", "acknowledged_at")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "delivery-table"}
        row_attrs = {"data-testid": "delivery-row"}
        per_page = 50
        order_by = ("-sent_at",)

    def render_title(self, record):
        return f"{record.year}{record.get_kind_display()}"
