"""Writing the ledger workbook, in bounded memory and fast enough for a hundred thousand rows.

openpyxl builds everything but the rows: the header, the column widths, the frozen header, the
filter, the data validation lists, the guide and the hidden list sheet, and the cell styles (its
write-only workbook, with one sample row from which the style ids are read). The rows themselves
are then streamed as SpreadsheetML straight into the package's sheet part: a cell object per value,
as openpyxl makes, would cost ten times as long for the same file.
"""

from __future__ import annotations

import datetime
import io
import queue
import re
import threading
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from rectify.exchange.cells import looks_like_formula, text_cell, text_row
from rectify.exchange.columns import (
    AMOUNT,
    AMOUNT_FORMAT,
    BY_KEY,
    CHOICE,
    COLUMNS,
    COUNT,
    DATE,
    DATE_FORMAT,
    GUIDE_SHEET,
    HEADER_ROW,
    LEDGER_SHEET,
    LISTS_SHEET,
    clean_text,
    requirements_cell,
)

if TYPE_CHECKING:
    from rectify.accounts.models import User

LAST_ROW = 1048576
# Long text columns whose cells wrap.
WRAPPED = frozenset({"description", "requirements", "measures", "progress"})
EXCEL_EPOCH = datetime.date(1899, 12, 30)
ZERO = Decimal("0.00")
_FLUSH_ROWS = 500


def category_label(code: str, name: str) -> str:
    return f"{code} {name}"


class _Skeleton:
    """The workbook without its rows, made by openpyxl."""

    def __init__(self, user: User | None, note: str) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.user = user
        self.workbook = Workbook(write_only=True)
        sheet = self.sheet = self.workbook.create_sheet(LEDGER_SHEET)
        for column in COLUMNS:
            sheet.column_dimensions[column.letter].width = column.width
        sheet.freeze_panes = "B2"  # the header row and the ledger number stay in view
        self._print_setup(sheet)
        self.lists = self._list_values()
        self._add_validations()
        header = []
        for column in COLUMNS:
            cell = WriteOnlyCell(sheet, column.header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="EDEDED" if column.reference else "DDEBF7")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header.append(cell)
        sheet.append(header)
        # One sample row, never written out: openpyxl numbers the styles, the rows reuse the numbers.
        amount = WriteOnlyCell(sheet, 0)
        amount.number_format = AMOUNT_FORMAT
        date = WriteOnlyCell(sheet, EXCEL_EPOCH)
        date.number_format = DATE_FORMAT
        wrapped = WriteOnlyCell(sheet, "x")
        wrapped.alignment = Alignment(vertical="top", wrap_text=True)
        # Text that begins like a formula carries Excel's quote prefix (``cells``), wrapped or not.
        quoted = text_cell(sheet, "=x")
        quoted_wrapped = text_cell(sheet, "=x")
        quoted_wrapped.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.append([amount, date, wrapped, quoted, quoted_wrapped])
        self._write_guide(note)
        self._write_lists()
        self.workbook.properties.creator = "Rectify 审计整改管理系统"
        self.workbook.properties.title = LEDGER_SHEET

    @staticmethod
    def _print_setup(sheet) -> None:
        """Printed, the ledger is A4 landscape, all its columns on the width of the page (as many
        pages down as it takes) and the header row repeated at the top of every page."""
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = "9"  # A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        sheet.page_margins.top = sheet.page_margins.bottom = 0.6

    def _list_values(self) -> dict[str, list[str]]:
        from rectify.findings.models import Category

        lists = {
            "category": [
                category_label(code, name)
                for code, name in Category.objects.filter(parent__isnull=False)
                .order_by("code")
                .values_list("code", "name")
            ],
            "kind": [label for _code, label in BY_KEY["kind"].choices],
            "verdict": [label for _code, label in BY_KEY["verdict"].choices],
            "state": [label for _code, label in BY_KEY["state"].choices],
        }
        if self.user is not None:
            from rectify.audits.models import AuditProject
            from rectify.organizations.models import Organization

            lists["unit"] = sorted(set(Organization.objects.restrict(self.user).values_list("name", flat=True)))
            lists["project"] = sorted(set(AuditProject.objects.restrict(self.user).values_list("name", flat=True)))
        return lists

    def _add_validations(self) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        # Free-typed names are accepted when they parse (a code alone, a name alone): a warning, not a stop.
        loose = {"category", "unit", "project"}
        for index, (key, values) in enumerate(self.lists.items(), start=1):
            if not values:
                continue
            letter = get_column_letter(index)
            column = BY_KEY[key]
            validation = DataValidation(
                type="list",
                formula1=f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning" if key in loose else "stop",
                errorTitle=column.header,
                error=_("请从下拉列表中选择%(header)s。") % {"header": column.header},
            )
            validation.add(f"{column.letter}{HEADER_ROW + 1}:{column.letter}{LAST_ROW}")
            self.sheet.data_validations.append(validation)

    def _write_guide(self, note: str) -> None:
        guide = self.workbook.create_sheet(GUIDE_SHEET)
        guide.column_dimensions["A"].width = 26
        guide.column_dimensions["B"].width = 12
        guide.column_dimensions["C"].width = 80
        # The note names who exported the file: user data, written as text like every other cell.
        guide.append(text_row(guide, [_("审计整改台账"), None, note]))
        guide.append([])
        guide.append(text_row(guide, [_("列名"), _("导入时"), _("填写要求")]))
        for column in COLUMNS:
            usage = _("仅供参考") if column.reference else (_("必填") if column.required else _("选填"))
            options = "、".join(label for _code, label in column.choices)
            guide.append(text_row(guide, [column.header, usage, "；".join(filter(None, [str(column.help), options]))]))
        guide.append([])
        for line in (
            _("每行一个问题；表头须保持第 1 行原样，不得增删列。"),
            _("问题编号留空的行将登记为新问题（草稿）；填写问题编号的行将修改该问题，修改须在职责范围内。"),
            _(
                "“仅供参考”的列（整改措施、整改进展、已整改金额、认定结论、整改状态、年度、逾期天数、预警等）"
                "由整改报送和核实认定产生，导入时不会更新。"
            ),
            _("整个文件全部校验通过才会导入；任何一处错误都会逐一列出（工作表、行、列），数据不作任何修改。"),
        ):
            guide.append(text_row(guide, [line]))

    def _write_lists(self) -> None:
        lists = self.workbook.create_sheet(LISTS_SHEET)
        lists.sheet_state = "hidden"
        keys = list(self.lists)
        lists.append(text_row(lists, [BY_KEY[key].header for key in keys]))
        longest = max((len(values) for values in self.lists.values()), default=0)
        for index in range(longest):
            # Organization, project and category names: user data, text whatever they begin with.
            row = [self.lists[key][index] if index < len(self.lists[key]) else None for key in keys]
            lists.append(text_row(lists, row))

    def package(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


_SAMPLE_ROW = re.compile(r'<row r="2"[^>]*>(.*?)</row>', re.S)
_STYLE_OF = re.compile(r'<c r="([A-E])2"[^>]*?\ss="(\d+)"')


class _Rows:
    """Row XML for the ledger sheet, using the style numbers the skeleton gave.

    Each column's way of writing a cell is chosen once (``_cell_writers``), not once per cell: the writer
    writes a hundred thousand rows of 27 cells."""

    def __init__(self, amount_style: str, date_style: str, wrap_style: str, quoted: str, quoted_wrap: str) -> None:
        self.amount = f' s="{amount_style}"'
        self.date = f' s="{date_style}"'
        self.wrap = f' s="{wrap_style}"'
        self.quoted = f' s="{quoted}"'
        self.quoted_wrap = f' s="{quoted_wrap}"'
        self._cells = [(column.letter, column.key, self._cell_writer(column)) for column in COLUMNS]

    def _cell_writer(self, column):
        """``write(ref, value)``: the cell's XML (or "" for an empty cell) for a value of ``column``."""
        kind = column.kind
        if kind == AMOUNT:
            amount_style = self.amount

            def write(ref: str, value) -> str:
                amount = value if value is not None else ZERO
                return f'<c r="{ref}"{amount_style}><v>{format(Decimal(amount), "f")}</v></c>'

            return write
        if kind == DATE:
            date_style = self.date

            def write(ref: str, value) -> str:
                return f'<c r="{ref}"{date_style}><v>{(value - EXCEL_EPOCH).days}</v></c>' if value else ""

            return write
        if kind == COUNT:
            derived = column.derived

            def write(ref: str, value) -> str:
                if value is None and derived:  # a derived count may be blank (not overdue)
                    return ""
                return f'<c r="{ref}"><v>{int(value or 0)}</v></c>'

            return write
        if column.key in WRAPPED:
            plain, quoted = self.wrap, self.quoted_wrap
        else:
            plain, quoted = "", self.quoted

        def text_xml(text: str) -> str:
            """What follows ``<c r="…"`` for a text: its style and the text as an inline string. Text that
            begins like a formula is shown and kept as text when edited (``cells``); an inline string is
            text, whatever it starts with: nothing in the export computes."""
            style = quoted if looks_like_formula(text) else plain
            return f'{style} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'

        if kind == CHOICE:  # a few labels, each cell's XML made once
            cells = {value: text_xml(label) for value, label in column.choices if value and label}

            def write(ref: str, value) -> str:
                cell = cells.get(value) if value else None
                return f'<c r="{ref}"{cell}' if cell else ""

            return write
        if column.key == "requirements":

            def write(ref: str, value) -> str:
                text = requirements_cell(value or [])
                return f'<c r="{ref}"{text_xml(text)}' if text else ""

            return write

        def write(ref: str, value) -> str:
            if not value:
                return ""
            text = clean_text(value)
            return f'<c r="{ref}"{text_xml(text)}' if text else ""

        return write

    def xml(self, number: int, values: dict) -> str:
        get = values.get
        return "".join(
            [
                f'<row r="{number}">',
                *[write(f"{letter}{number}", get(key)) for letter, key, write in self._cells],
                "</row>",
            ]
        )


def write_ledger(rows: Iterable[dict], target, *, user: User | None = None, note: str = "") -> int:
    """Writes ledger rows (dicts keyed by column) into ``target`` (a path or a binary file); returns the count."""
    skeleton = _Skeleton(user, note)
    sheet_part = "xl/worksheets/sheet1.xml"
    count = 0
    with zipfile.ZipFile(io.BytesIO(skeleton.package())) as source:
        sheet_xml = source.read(sheet_part).decode("utf-8")
        sample = _SAMPLE_ROW.search(sheet_xml)
        styles = dict(_STYLE_OF.findall(sample.group(1)))
        head = sheet_xml[: sample.start()]
        tail = sheet_xml[sample.end() :]
        rows_xml = _Rows(styles["A"], styles["B"], styles["C"], styles["D"], styles["E"])
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
            for info in source.infolist():
                if info.filename != sheet_part:
                    package.writestr(info, source.read(info))
                    continue
                with package.open(sheet_part, "w", force_zip64=True) as part, _Beside(part) as out:
                    out.write(head.encode("utf-8"))
                    chunk: list[str] = []
                    for number, values in enumerate(rows, start=HEADER_ROW + 1):
                        chunk.append(rows_xml.xml(number, values))
                        count += 1
                        if len(chunk) >= _FLUSH_ROWS:
                            out.write("".join(chunk).encode("utf-8"))
                            chunk.clear()
                    out.write("".join(chunk).encode("utf-8"))
                    last = _column_letter(len(COLUMNS))
                    tail = re.sub(r'<autoFilter ref="[^"]*"/>', "", tail)
                    tail = tail.replace("</sheetData>", f'</sheetData><autoFilter ref="A1:{last}{count + 1}"/>', 1)
                    out.write(tail.encode("utf-8"))
    return count


class _Beside:
    """Writes the sheet's chunks into its part from a thread of its own, while the next rows are read and
    made: compressing and writing release the GIL, so they run beside the rows' Python instead of after it.
    A few chunks wait at most (memory stays bounded); a failure on either side stops both and is raised.
    Only the writing is beside: the rows, and so every query, stay in the calling thread."""

    WAITING = 4

    def __init__(self, part) -> None:
        self.part = part
        self.chunks: queue.Queue = queue.Queue(maxsize=self.WAITING)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="ledger-writer", daemon=True)

    def _run(self) -> None:
        while (data := self.chunks.get()) is not None:
            if self.failure is None:
                try:
                    self.part.write(data)
                except BaseException as failure:  # raised in the calling thread at its next write or at the end
                    self.failure = failure

    def write(self, data: bytes) -> None:
        if self.failure is not None:
            raise self.failure
        self.chunks.put(data)

    def __enter__(self) -> _Beside:
        self.thread.start()
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.chunks.put(None)
        self.thread.join()
        if kind is None and self.failure is not None:
            raise self.failure


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
