import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from rectify.summaries.models import SummaryReport


class SummaryReportTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name=_("标题"))
    issuer = tables.Column(verbose_name=_("发文机关"), accessor="issuer__name")
    report_date = tables.DateColumn(format="Y-m-d", verbose_name=_("截至日期"))
    sent_at = tables.DateColumn(format="Y-m-d", verbose_name=_("报送时间"))

    class Meta:
        model = SummaryReport
        fields = ("title", "kind", "issuer", "year", "report_date", "state", "sent_at")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "summary-table"}
        per_page = 50
        order_by = ("-report_date",)
