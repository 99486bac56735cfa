import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from rectify.assessment.models import Assessment


class RankingTable(tables.Table):
    rank = tables.Column(verbose_name=_("名次"), attrs={"td": {"data-testid": "rank"}})
    unit = tables.Column(
        verbose_name=_("被考核单位"), accessor="unit__name", linkify=lambda record: record.get_absolute_url()
    )
    jurisdiction = tables.Column(verbose_name=_("行政区域"), accessor="scheme__jurisdiction__name")
    total = tables.Column(verbose_name=_("考核得分"), attrs={"td": {"class": "text-end", "data-testid": "total"}})
    computed_total = tables.Column(verbose_name=_("计算得分"), attrs={"td": {"class": "text-end"}})
    state = tables.Column(verbose_name=_("状态"))
    computed_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("计算时间"))

    class Meta:
        model = Assessment
        fields = ("rank", "unit", "jurisdiction", "total", "computed_total", "state", "computed_at")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "ranking-table"}
        per_page = 100
        order_by = ("rank",)
