import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from rectify.findings.choices import Colour
from rectify.findings.models import Finding

COLOUR_BADGES = {
    Colour.RED: ("text-bg-danger", _("逾期")),
    Colour.YELLOW: ("text-bg-warning", _("临期")),
    Colour.GREEN: ("text-bg-success", _("正常")),
}


def colour_badge(colour: str | None, days_left: int | None = None) -> str:
    if not colour:
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("—"))
    css, label = COLOUR_BADGES[Colour(colour)]
    return format_html('<span class="badge {} colour-{}">{}</span>', css, colour, label)


class FindingTable(tables.Table):
    ledger_number = tables.Column(linkify=True, verbose_name=_("问题编号"))
    year = tables.Column(accessor="project__year", verbose_name=_("年度"))
    unit = tables.Column(accessor="unit__name", verbose_name=_("责任单位"))
    category = tables.Column(accessor="category__name", verbose_name=_("问题类别"))
    title = tables.Column(verbose_name=_("问题摘要"))
    amount_involved = tables.Column(verbose_name=_("涉及金额（元）"), attrs={"td": {"class": "text-end"}})
    kind = tables.Column(verbose_name=_("整改类型"))
    deadline = tables.DateColumn(format="Y-m-d", verbose_name=_("整改期限"))
    colour_code = tables.Column(verbose_name=_("预警"), empty_values=(), order_by=("deadline",))
    state = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = Finding
        fields = (
            "ledger_number",
            "year",
            "unit",
            "category",
            "title",
            "amount_involved",
            "kind",
            "deadline",
            "colour_code",
            "state",
        )
        attrs = {"class": "table table-sm table-hover align-middle ledger-table"}
        row_attrs = {"class": lambda record: f"ledger-row colour-{record.colour_code or 'none'}"}
        per_page = 50
        order_by = ("-year", "ledger_number")

    def render_amount_involved(self, value) -> str:
        return f"{value:,.2f}"

    def render_colour_code(self, record) -> str:
        return colour_badge(record.colour_code)
