import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from rectify.findings.choices import Colour
from rectify.findings.models import Finding

# Shown unless the user chooses otherwise.
DEFAULT_COLUMNS = (
    "ledger_number", "year", "unit", "category", "title", "amount_involved", "kind", "deadline", "colour_code", "state",
)  # fmt: skip

COLOUR_BADGES = {
    Colour.RED: ("text-bg-danger", _("逾期")),
    Colour.YELLOW: ("text-bg-warning", _("临期")),
    Colour.GREEN: ("text-bg-success", _("正常")),
}


def colour_badge(colour: str | None) -> str:
    if not colour:
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("—"))
    css, label = COLOUR_BADGES[Colour(colour)]
    return format_html('<span class="badge {} colour-{}">{}</span>', css, colour, label)


class FindingTable(tables.Table):
    ledger_number = tables.Column(linkify=True, verbose_name=_("问题编号"))
    year = tables.Column(accessor="project__year", verbose_name=_("年度"))
    project = tables.Column(accessor="project__name", verbose_name=_("审计项目"))
    report_number = tables.Column(accessor="project__report_number", verbose_name=_("文号"))
    unit = tables.Column(accessor="unit__name", verbose_name=_("责任单位"))
    category = tables.Column(accessor="category__name", verbose_name=_("问题类别"))
    title = tables.Column(verbose_name=_("问题摘要"))
    amount_involved = tables.Column(verbose_name=_("涉及金额（元）"), attrs={"td": {"class": "text-end amount"}})
    kind = tables.Column(verbose_name=_("整改类型"))
    deadline = tables.DateColumn(format="Y-m-d", verbose_name=_("整改期限"))
    days_left = tables.Column(verbose_name=_("剩余天数"), empty_values=(), orderable=False)
    colour_code = tables.Column(verbose_name=_("预警"), empty_values=(), order_by=("deadline",))
    state = tables.Column(verbose_name=_("状态"))
    disclosure = tables.Column(verbose_name=_("公开范围"))
    rectified_during_audit = tables.BooleanColumn(verbose_name=_("边审边改"), yesno="是,")

    class Meta:
        model = Finding
        fields = (
            "ledger_number", "year", "project", "report_number", "unit", "category", "title", "amount_involved",
            "kind", "deadline", "days_left", "colour_code", "state", "disclosure", "rectified_during_audit",
        )  # fmt: skip
        attrs = {"class": "table table-sm table-hover align-middle ledger-table"}
        row_attrs = {"class": lambda record: f"ledger-row colour-{getattr(record, 'colour_code', '') or 'none'}"}
        per_page = 50
        order_by = ("-year", "ledger_number")

    def render_amount_involved(self, value) -> str:
        return f"{value:,.2f}"

    def render_days_left(self, record) -> str:
        left = record.days_left
        if left is None:
            return "—"
        return _("逾期 %(n)d 天") % {"n": -left} if left < 0 else str(left)

    def render_colour_code(self, record) -> str:
        return colour_badge(record.colour_code)
