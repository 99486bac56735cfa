"""The ledger's columns (整改台账), in the layout audit offices keep, shared by the template, the
export and the import, so that an export reads back as the same ledger.

A column is either imported (it corrects the finding through the findings services) or, for what
the unit reports and the auditor verifies, shown for reference only: plans, report rounds and
verifications change only through their own actions, never from a spreadsheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from rectify.findings.choices import Colour, FindingState, Kind
from rectify.rectification.choices import AMOUNT_METHODS, Verdict

LEDGER_SHEET = "整改台账"
LISTS_SHEET = "代码表"
GUIDE_SHEET = "填写说明"
HEADER_ROW = 1

TEXT, AMOUNT, DATE, COUNT, CHOICE = "text", "amount", "date", "count", "choice"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    kind: str = TEXT
    required: bool = False
    # Shown for reference: read and checked on import, never written back.
    reference: bool = False
    # Computed on the day of the export (the year, the days overdue, the warning colour): optional in
    # an imported file, and neither read nor compared there, since it changes with the date.
    derived: bool = False
    # The choices a coded column takes, as (stored value, label written in the sheet).
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""

    @property
    def letter(self) -> str:
        return get_column_letter(COLUMN_INDEX[self.key] + 1)


def _choices(text_choices) -> tuple[tuple[str, str], ...]:
    return tuple((value, str(label)) for value, label in text_choices.choices)


KIND_CHOICES = _choices(Kind)
VERDICT_CHOICES = _choices(Verdict)
STATE_CHOICES = _choices(FindingState)
WARNING_CHOICES = _choices(Colour)

COLUMNS: tuple[Column, ...] = (
    Column("ledger_number", "问题编号", 22, help=_("系统生成；新增问题留空，修改已有问题时须保留原编号")),
    Column("project", "审计项目", 30, required=True, help=_("已登记的审计项目名称")),
    Column("report_number", "文号", 20, help=_("审计报告文号；项目名称重名时用于区分")),
    Column("audited_unit", "被审计单位", 22, reference=True, help=_("审计项目的被审计单位，仅供核对")),
    Column("category", "问题类别", 32, required=True, help=_("二级类别，填“代码 名称”“代码”或“名称”")),
    Column("title", "问题摘要", 30, required=True),
    Column("description", "问题描述", 50, required=True),
    Column("amount_involved", "涉及金额（元）", 16, kind=AMOUNT, help=_("以元为单位，最多两位小数")),
    Column("requirements", "整改要求", 40, required=True, help=_("每行一条")),
    Column("kind", "整改类型", 12, kind=CHOICE, required=True, choices=KIND_CHOICES),
    Column("deadline", "整改期限", 12, kind=DATE, help=_("日期，如 2025-09-30；新增问题留空则按期限规则计算")),
    Column("unit", "责任单位", 22, required=True, help=_("整改责任单位全称")),
    Column("responsible_person", "责任人", 10, reference=True),
    Column("measures", "整改措施", 40, reference=True),
    Column("progress", "整改进展", 40, reference=True),
    *(Column(field, f"已整改金额-{label}（元）", 16, kind=AMOUNT, reference=True) for field, label in AMOUNT_METHODS),
    Column("rules_adopted", "制定完善制度数", 10, kind=COUNT, reference=True),
    Column("people_held_accountable", "追责问责人数", 10, kind=COUNT, reference=True),
    Column("verdict", "认定结论", 12, kind=CHOICE, reference=True, choices=VERDICT_CHOICES),
    Column("state", "整改状态", 12, kind=CHOICE, reference=True, choices=STATE_CHOICES),
    # Added at the end, so that the letters of the columns above stay those of files already in use;
    # the year, never empty, last, so that no row of an export ends in empty cells.
    Column(
        "overdue_days",
        "逾期天数",
        10,
        kind=COUNT,
        reference=True,
        derived=True,
        help=_("导出当日已超过整改期限的天数；未逾期留空"),
    ),
    Column("warning", "预警", 14, kind=CHOICE, reference=True, derived=True, choices=WARNING_CHOICES),
    Column("year", "年度", 8, kind=COUNT, reference=True, derived=True, help=_("审计项目的年度")),
)
COLUMN_INDEX = {column.key: index for index, column in enumerate(COLUMNS)}
BY_KEY = {column.key: column for column in COLUMNS}
HEADERS = tuple(column.header for column in COLUMNS)
AMOUNT_KEYS = tuple(field for field, _label in AMOUNT_METHODS)
REFERENCE_KEYS = tuple(column.key for column in COLUMNS if column.reference and not column.derived)
DERIVED_KEYS = frozenset(column.key for column in COLUMNS if column.derived)

AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"

_SPACES = re.compile(r"\s+")
_PARENS = str.maketrans({"(": "（", ")": "）"})


def normalize_header(value) -> str:
    """Headers compare without spaces and with either kind of brackets: 涉及金额(元) = 涉及金额（元）."""
    return _SPACES.sub("", str(value or "")).translate(_PARENS)


# Headers of earlier versions of the layout, still read: the state column was called 销号状态.
FORMER_HEADERS = {"销号状态": "state"}
HEADER_KEYS = {
    **{normalize_header(header): key for header, key in FORMER_HEADERS.items()},
    **{normalize_header(column.header): column.key for column in COLUMNS},
}


def clean_text(value: str | None) -> str:
    """Text as it survives a spreadsheet: one kind of line ending, no characters XML cannot hold."""
    if not value:
        return ""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n")).strip()


# A requirement's own numbering (“1.”, “2、”, “（3）”) is layout, not content.
_NUMBERING = re.compile(r"^\s*(?:[（(]\d{1,3}[)）]|\d{1,3}[、.．](?!\d))\s*")


class RequirementLines(list):
    """Requirements in their canonical form, as ``requirement_lines`` gives them: a cell is written from them
    without working them out again (the export of a hundred thousand rows did it twice a row)."""


def requirement_lines(texts) -> RequirementLines:
    """The requirements in their canonical form: one per line, without numbering or blank lines."""
    if isinstance(texts, RequirementLines):
        return texts  # canonical already: the form of a canonical form is itself
    lines = RequirementLines()
    for text in texts:
        for line in clean_text(text).split("\n"):
            while True:
                stripped = _NUMBERING.sub("", line, count=1)
                if stripped == line:
                    break
                line = stripped
            if line.strip():
                lines.append(line.strip())
    return lines


def requirements_cell(texts) -> str:
    lines = requirement_lines(texts)
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))


def choice_label(column: Column, value: str) -> str:
    return dict(column.choices).get(value, "") if value else ""
