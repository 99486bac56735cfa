import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rectify.core.money import format_money
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
    year = tables.Column(verbose_name=_("年度"))
    project = tables.Column(accessor="project__name", verbose_name=_("审计项目"))
    report_number = tables.Column(accessor="project__report_number", verbose_name=_("文号"))
    unit = tables.Column(accessor="unit__name", verbose_name=_("责任单位"))
    category = tables.Column(accessor="category__name", verbose_name=_("问题类别"))
    title = tables.Column(verbose_name=_("问题摘要"), attrs={"td": {"class": "title summary"}})
    amount_involved = tables.Column(verbose_name=_("涉及金额（元）"), attrs={"td": {"class": "text-end amount nowrap"}})
    kind = tables.Column(verbose_name=_("整改类型"))
    deadline = tables.DateColumn(format="Y-m-d", verbose_name=_("整改期限"))
    days_left = tables.Column(verbose_name=_("剩余天数"), empty_values=(), orderable=False)
    colour_code = tables.Column(verbose_name=_("预警"), empty_values=(), order_by=("deadline",))
    state = tables.Column(verbose_name=_("状态"))
    disclosure = tables.Column(verbose_name=_("公开范围"))
    rectified_during_audit = tables.BooleanColumn(verbose_name=_("边审边改"), yesno=(_("是"), ""))

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
        empty_text = _("无符合条件的问题")

    def render_title(self, value) -> str:
        return format_html('<span class="summary-text" title="{}">{}</span>', value, value)

    def render_amount_involved(self, value) -> str:
        return format_money(value)

    def render_days_left(self, record) -> str:
        left = record.days_left
        if left is None:
            return "—"
        if left < 0:
            return ngettext("逾期 %(n)d 天", "逾期 %(n)d 天", -left) % {"n": -left}
        return str(left)

    @staticmethod
    def render_deadline_cell(finding) -> str:
        """The deadline, and for an overdue finding how long overdue, in red (not a bare date)."""
        if finding.deadline is None:
            return "—"
        left = finding.days_left
        if left is None or left >= 0:
            return finding.deadline.isoformat()
        overdue = ngettext("已逾期 %(days)s 天", "已逾期 %(days)s 天", -left) % {"days": -left}
        return format_html(
            '{} <span class="text-danger fw-semibold" data-overdue-days="{}">{}</span>',
            finding.deadline.isoformat(),
            -left,
            overdue,
        )

    def render_colour_code(self, record) -> str:
        return colour_badge(record.colour_code)

    # The ledger shows 50 rows of up to 15 columns on every filter change; django-tables2's
    # per-cell machinery costs ~3 ms a row there, so the body is built here in one pass.
    # Header, ordering and pagination stay with django-tables2.
    CELLS = {
        "ledger_number": lambda f: format_html('<a href="{}">{}</a>', f.get_absolute_url(), f.ledger_number),
        "year": lambda f: f.year,
        "project": lambda f: f.project.name,
        "report_number": lambda f: f.project.report_number or "—",
        "unit": lambda f: f.unit.name,
        "category": lambda f: f.category.name,
        "title": lambda f: format_html('<span class="summary-text" title="{}">{}</span>', f.title, f.title),
        "amount_involved": lambda f: format_money(f.amount_involved),
        "kind": lambda f: f.get_kind_display(),
        "deadline": lambda f: FindingTable.render_deadline_cell(f),
        "days_left": lambda f: FindingTable.render_days_left(None, f),
        "colour_code": lambda f: colour_badge(f.colour_code),
        "state": lambda f: f.get_state_display(),
        "disclosure": lambda f: f.get_disclosure_display(),
        "rectified_during_audit": lambda f: _("是") if f.rectified_during_audit else "",
    }
    # Numbers, dates, states and ledger numbers never wrap (rectify.css: .ledger-table .nowrap); the
    # summary is cut short, its full text in the title; the text columns keep a readable width.
    CELL_CLASSES = {
        "ledger_number": "ledger_number nowrap",
        "year": "year nowrap",
        "report_number": "report_number nowrap",
        "amount_involved": "text-end amount nowrap",
        "kind": "kind nowrap",
        "deadline": "deadline nowrap",
        "days_left": "days_left nowrap",
        "colour_code": "colour_code nowrap",
        "state": "state nowrap",
        "disclosure": "disclosure nowrap",
        "rectified_during_audit": "rectified_during_audit nowrap",
        "title": "title summary",
    }

    EMPTY_TEXT = _("无符合条件的问题")

    def body_html(self) -> SafeString:
        names = [column.name for column in self.columns]
        rows = []
        for row in self.paginated_rows:
            record = row.record
            cells = format_html_join(
                "",
                '<td class="{}">{}</td>',
                ((self.CELL_CLASSES.get(name, name), self.CELLS[name](record)) for name in names),
            )
            rows.append(format_html('<tr class="ledger-row colour-{}">{}</tr>', record.colour_code or "none", cells))
        if not rows:
            return format_html(
                '<tr class="ledger-empty"><td colspan="{}" class="text-center text-secondary py-3" '
                'data-testid="ledger-empty">{}</td></tr>',
                len(names),
                self.EMPTY_TEXT,
            )
        return SafeString("".join(rows))
