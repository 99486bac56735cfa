"""Reading an uploaded ledger: the file is checked by content and bounded before a spreadsheet library
opens it, then every cell is checked, and every problem is collected with its place (sheet, row,
column), not just the first.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from rectify.core.exceptions import ActionRefused
from rectify.core.money import parse_amount
from rectify.exchange.columns import (
    AMOUNT,
    BY_KEY,
    CHOICE,
    COLUMNS,
    COUNT,
    DATE,
    HEADER_KEYS,
    HEADER_ROW,
    LEDGER_SHEET,
    Column,
    clean_text,
    normalize_header,
    requirement_lines,
)

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# The stream names an encrypted OOXML package carries inside its OLE2 container (UTF-16 directory entries).
_ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
DEFAULT_MAX_RATIO = 100
DEFAULT_MAX_ROWS = 100_000
MAX_MEMBERS = 1000
# The largest count (rules adopted, people held accountable) a cell may hold.
MAX_COUNT = 1_000_000


def max_bytes() -> int:
    return int(getattr(settings, "RECTIFY_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_uncompressed_bytes() -> int:
    return int(getattr(settings, "RECTIFY_IMPORT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES))


def max_ratio() -> int:
    return int(getattr(settings, "RECTIFY_IMPORT_MAX_RATIO", DEFAULT_MAX_RATIO))


def max_rows() -> int:
    return int(getattr(settings, "RECTIFY_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


@dataclass(frozen=True)
class LedgerError:
    """One problem, with its place: the file itself, or a sheet, a row and a column."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # the letter
    header: str = ""

    @property
    def place(self) -> str:
        if not self.sheet:
            return _("文件")
        place = _("工作表「%(sheet)s」") % {"sheet": self.sheet}
        parts = []
        if self.row is not None:
            parts.append(_("第 %(row)d 行") % {"row": self.row})
        if self.column:
            parts.append(
                _("%(letter)s 列（%(header)s）") % {"letter": self.column, "header": self.header}
                if self.header
                else _("%(letter)s 列") % {"letter": self.column}
            )
        return place + " ".join(parts)

    def __str__(self) -> str:
        return f"{self.place}：{self.message}"


class LedgerFileRefused(Exception):
    """The file as a whole cannot be read; carries the located problems."""

    def __init__(self, errors: list[LedgerError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class LedgerRow:
    """One data row: the parsed value of each column that read cleanly, and which cells were filled."""

    number: int
    values: dict = field(default_factory=dict)
    filled: set = field(default_factory=set)


@dataclass
class LedgerSheet:
    sheet: str
    rows: list[LedgerRow]
    errors: list[LedgerError]
    letters: dict  # column key → letter in this file
    header_ok: bool = True

    def error(self, row: int | None, key: str, message: str) -> LedgerError:
        column = BY_KEY[key]
        return LedgerError(message, self.sheet, row, self.letters.get(key, ""), column.header)


# --- the file ------------------------------------------------------------------------------


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(position)
    return size


def check_upload(upload, name: str = "") -> None:
    """Refuses, before any spreadsheet code runs, what is not a bounded, unencrypted .xlsx package."""
    label = name or getattr(upload, "name", "") or _("上传的文件")

    def refuse(message: str) -> None:
        raise LedgerFileRefused([LedgerError(_("「%(name)s」%(message)s") % {"name": label, "message": message})])

    size = _size_of(upload)
    limit = max_bytes()
    if size == 0:
        refuse(_("是空文件。"))
    if size > limit:
        refuse(
            _("大小为 %(size).1f MB，超过导入文件的上限 %(limit).1f MB；请分批导入。")
            % {"size": size / 1048576, "limit": limit / 1048576}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(OLE2_MAGIC):
        body = upload.read()
        upload.seek(0)
        if any(marker in body for marker in _ENCRYPTED_MARKERS):
            refuse(_("是设置了打开密码的加密工作簿，无法读取；请在 Excel 中取消密码后另存为 .xlsx 再导入。"))
        refuse(_("是旧版 Excel 97-2003（.xls）或其他 OLE 文件；请在 Excel 中另存为 .xlsx 格式再导入。"))
    if not head.startswith(b"PK"):
        refuse(_("不是 Excel 工作簿（.xlsx）：文件内容不是 xlsx 格式，仅修改扩展名无效。"))
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                refuse(_("不是 Excel 工作簿（.xlsx）：压缩包内没有工作簿结构。"))
            if len(members) > MAX_MEMBERS:
                refuse(_("包含的部件过多（%(n)d 个），不像正常的工作簿。") % {"n": len(members)})
            if any(member.flag_bits & 0x1 for member in members):
                refuse(_("内容经过加密，无法读取。"))
            total = sum(member.file_size for member in members)
            if total > max_uncompressed_bytes():
                refuse(
                    _("解压后大小为 %(size).0f MB，超过上限 %(limit).0f MB（疑似压缩炸弹）。")
                    % {"size": total / 1048576, "limit": max_uncompressed_bytes() / 1048576}
                )
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > 1024 * 1024 and ratio > max_ratio():
                    refuse(
                        _("部件「%(member)s」的压缩比为 %(ratio).0f 倍，超过上限 %(limit)d 倍（疑似压缩炸弹）。")
                        % {"member": member.filename, "ratio": ratio, "limit": max_ratio()}
                    )
    except zipfile.BadZipFile:
        refuse(_("已损坏或不是 Excel 工作簿（.xlsx）。"))
    finally:
        upload.seek(0)


# --- cells ---------------------------------------------------------------------------------


class CellProblem(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return clean_text(str(value))


def _amount(value, column: Column) -> Decimal:
    if isinstance(value, bool) or isinstance(value, datetime.date | datetime.datetime | datetime.time):
        raise CellProblem(_("「%(value)s」不是有效金额。") % {"value": _text(value)})
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellProblem(_("「%(value)s」不是有效金额。") % {"value": _text(value)})
        # A spreadsheet number is a binary float; its shortest decimal form is what the user typed.
        value = Decimal(repr(value))
    try:
        return parse_amount(value, column.header)
    except ActionRefused as refusal:
        raise CellProblem(refusal.messages[0]) from None


@functools.cache
def _max_lengths() -> dict[str, int]:
    """The longest text each column may hold: the bound of the model field it is saved in, so that
    a row too long is refused at its cell, with the others, before any service sees it."""
    from rectify.audits.models import AuditProject
    from rectify.findings.models import Finding

    return {
        "ledger_number": Finding._meta.get_field("ledger_number").max_length,
        "project": AuditProject._meta.get_field("name").max_length,
        "report_number": AuditProject._meta.get_field("report_number").max_length,
        "title": Finding._meta.get_field("title").max_length,
    }


def _bounded(column: Column, text: str) -> str:
    limit = _max_lengths().get(column.key)
    if limit is not None and len(text) > limit:
        raise CellProblem(
            _("%(header)s不能超过 %(limit)d 个字（现为 %(length)d 个）。")
            % {"header": column.header, "limit": limit, "length": len(text)}
        )
    return text


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time():
            raise CellProblem(_("「%(value)s」不是日期（不应带时间）。") % {"value": value.isoformat(sep=" ")})
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    raise CellProblem(_("「%(value)s」不是有效日期，请填写如 2025-09-30 的日期。") % {"value": _text(value)})


_COUNT_TEXT = re.compile(r"[0-9]{1,9}")


def _count(value) -> int:
    if isinstance(value, bool):
        raise CellProblem(_("「%(value)s」不是人数或件数。") % {"value": _text(value)})
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    else:
        text = _text(value)
        # ASCII digits only: int() would also read full-width and other scripts' digits.
        if not _COUNT_TEXT.fullmatch(text):
            raise CellProblem(_("「%(value)s」不是非负整数。") % {"value": text[:50]})
        number = int(text)
    if number < 0:
        raise CellProblem(_("不能为负数。"))
    if number > MAX_COUNT:
        raise CellProblem(_("「%(value)d」超出允许范围。") % {"value": number})
    return number


def _choice(value, column: Column) -> str:
    text = _text(value)
    for code, label in column.choices:
        if text in (label, code):
            return code
    raise CellProblem(
        _("「%(value)s」不是可选值，应为：%(options)s。")
        % {"value": text, "options": "、".join(label for _code, label in column.choices)}
    )


def parse_cell(column: Column, value):
    """The cell's value in the column's type; empty cells give the column's empty value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if column.kind == AMOUNT:
            return Decimal("0.00")
        if column.kind == COUNT:
            return 0
        if column.kind == DATE:
            return None
        if column.key == "requirements":
            return []
        return ""
    if column.kind == AMOUNT:
        return _amount(value, column)
    if column.kind == DATE:
        return _date(value)
    if column.kind == COUNT:
        return _count(value)
    if column.kind == CHOICE:
        return _choice(value, column)
    if column.key == "requirements":
        return requirement_lines([_text(value)])
    return _bounded(column, _text(value))


# --- the workbook --------------------------------------------------------------------------


def _pick_sheet(workbook, name: str):
    if LEDGER_SHEET in workbook.sheetnames:
        return workbook[LEDGER_SHEET]
    visible = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if len(visible) == 1:
        return visible[0]
    raise LedgerFileRefused(
        [
            LedgerError(
                _("「%(name)s」中没有名为「%(sheet)s」的工作表（现有：%(sheets)s）。")
                % {"name": name, "sheet": LEDGER_SHEET, "sheets": "、".join(workbook.sheetnames)}
            )
        ]
    )


def _read_header(sheet_name: str, header: tuple) -> tuple[dict[str, int], list[LedgerError]]:
    """Maps each column key to its position; names every missing, unknown or repeated column."""
    from openpyxl.utils import get_column_letter

    errors: list[LedgerError] = []
    positions: dict[str, int] = {}
    last = max((i for i, value in enumerate(header) if _text(value)), default=-1)
    for index in range(last + 1):
        text = _text(header[index])
        letter = get_column_letter(index + 1)
        key = HEADER_KEYS.get(normalize_header(text))
        if not text:
            errors.append(LedgerError(_("表头为空，请删除该列或填写列名。"), sheet_name, HEADER_ROW, letter))
        elif key is None:
            errors.append(
                LedgerError(
                    _("多余的列「%(header)s」，台账模板中没有这一列。") % {"header": text},
                    sheet_name,
                    HEADER_ROW,
                    letter,
                )
            )
        elif key in positions:
            errors.append(
                LedgerError(
                    _("列「%(header)s」重复出现（另见 %(other)s 列）。")
                    % {"header": text, "other": get_column_letter(positions[key] + 1)},
                    sheet_name,
                    HEADER_ROW,
                    letter,
                )
            )
        else:
            positions[key] = index
    for column in COLUMNS:
        if column.key not in positions and not column.derived:
            errors.append(
                LedgerError(
                    _("缺少列「%(header)s」。") % {"header": column.header},
                    sheet_name,
                    HEADER_ROW,
                )
            )
    return positions, errors


def _dimensions_up_to_the_data(parser):
    """openpyxl's ``WorkSheetParser.parse_dimensions``, stopping where the sheet's data begins.

    Opening a sheet read-only asks for its <dimension>, which comes before <sheetData>. openpyxl
    (3.1.5) listens for the end of elements only, so on a sheet without one (every file written in
    write-only mode, such as this system's exports) it reads the whole sheet once more, for nothing:
    a third of the reading time of an export imported back. Same answer, without the extra pass.
    """
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.functions import iterparse

    for _event, element in iterparse(parser.source, events=("start",)):
        if element.tag == DIMENSION_TAG:
            return SheetDimension.from_tree(element).boundaries
        if element.tag == DATA_TAG:
            return None
    return None


def _inline_text(element) -> str:
    """The text of an inline string (``<is>``) as openpyxl's ``Text.from_tree(element).content`` gives it: the
    last ``<t>`` child, then the last ``<t>`` of each ``<r>`` run (phonetic runs left out), elements matched by
    their local name; without building the rich-text objects it builds for every cell."""

    def last_text(node):
        found = None
        for child in node:
            if child.tag.rpartition("}")[2] == "t":
                found = child.text
        return found

    parts = []
    plain = last_text(element)
    if plain is not None:
        parts.append(plain)
    for child in element:
        if child.tag.rpartition("}")[2] == "r":
            run = last_text(child)
            if run is not None:
                parts.append(run)
    return "".join(parts)


def _cell_with_inline_text(parser, element):
    """openpyxl's ``WorkSheetParser.parse_cell``, with the inline strings of a workbook read for its values
    (``data_only``, no rich text) taken by ``_inline_text``: every cell of this system's exports is one, and
    openpyxl (3.1.5) builds three objects to read each. Any other cell goes to openpyxl's own code."""
    from openpyxl.utils import coordinate_to_tuple
    from openpyxl.worksheet._reader import INLINE_STRING

    if element.get("t") != "inlineStr" or not parser.data_only or parser.rich_text:
        return _openpyxl_parse_cell(parser, element)
    coordinate = element.get("r")
    style_id = element.get("s", 0)
    if style_id:
        style_id = int(style_id)
    if coordinate:
        row, column = coordinate_to_tuple(coordinate)
        parser.col_counter = column
    else:
        parser.col_counter += 1
        row, column = parser.row_counter, parser.col_counter
    value, data_type = None, "inlineStr"
    child = element.find(INLINE_STRING)
    if child is not None:
        value, data_type = _inline_text(child), "s"
    return {"row": row, "column": column, "value": value, "data_type": data_type, "style_id": style_id}


_openpyxl_parse_cell = None


def _read_only_workbook(upload):
    global _openpyxl_parse_cell
    import openpyxl
    from openpyxl.worksheet._reader import WorkSheetParser

    if WorkSheetParser.parse_dimensions is not _dimensions_up_to_the_data:
        WorkSheetParser.parse_dimensions = _dimensions_up_to_the_data
    if WorkSheetParser.parse_cell is not _cell_with_inline_text:
        _openpyxl_parse_cell = WorkSheetParser.parse_cell
        WorkSheetParser.parse_cell = _cell_with_inline_text
    return openpyxl.load_workbook(upload, read_only=True, data_only=True)


def read_ledger(upload, name: str = "", progress=None) -> LedgerSheet:
    """Checks the file, then reads and checks every row of its ledger sheet; refuses unreadable files."""
    from openpyxl.utils import get_column_letter

    label = name or getattr(upload, "name", "") or _("上传的文件")
    check_upload(upload, label)
    try:
        workbook = _read_only_workbook(upload)
    except Exception:  # malformed or unsafe XML, missing parts, and the like, from inside the reader
        raise LedgerFileRefused(
            [LedgerError(_("「%(name)s」的内容已损坏，无法读取（结构不完整或含有不安全的内容）。") % {"name": label})]
        ) from None
    try:
        sheet = _pick_sheet(workbook, label)
        try:
            return _read_rows(sheet, progress, get_column_letter)
        except LedgerFileRefused:
            raise
        except Exception as error:
            raise LedgerFileRefused(
                [
                    LedgerError(
                        _("工作表内容已损坏，无法读取（%(error)s）。") % {"error": type(error).__name__},
                        sheet.title,
                    )
                ]
            ) from None
    finally:
        workbook.close()


def _read_rows(sheet, progress, get_column_letter) -> LedgerSheet:
    rows = sheet.iter_rows(min_row=HEADER_ROW, values_only=True)
    header = next(rows, None)
    if header is None:
        raise LedgerFileRefused([LedgerError(_("工作表是空的，没有表头。"), sheet.title, HEADER_ROW)])
    positions, errors = _read_header(sheet.title, header)
    letters = {key: get_column_letter(index + 1) for key, index in positions.items()}
    result = LedgerSheet(sheet=sheet.title, rows=[], errors=errors, letters=letters, header_ok=not errors)
    present = [column for column in COLUMNS if column.key in positions]
    width = max(positions.values(), default=-1) + 1
    estimate = max((sheet.max_row or 0) - HEADER_ROW, 0)
    limit = max_rows()
    for number, values in enumerate(rows, start=HEADER_ROW + 1):
        values = tuple(values[:width]) + (None,) * (width - len(values))
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
            continue
        if len(result.rows) >= limit:
            raise LedgerFileRefused(
                [
                    LedgerError(
                        _("数据行超过上限 %(limit)d 行；请分批导入。") % {"limit": limit},
                        sheet.title,
                        number,
                    )
                ]
            )
        row = LedgerRow(number=number)
        for column in present:
            if column.derived:  # computed on the day of the export; not read back
                continue
            raw = values[positions[column.key]]
            if raw is not None and not (isinstance(raw, str) and not raw.strip()):
                row.filled.add(column.key)
            try:
                row.values[column.key] = parse_cell(column, raw)
            except CellProblem as problem:
                result.errors.append(result.error(number, column.key, str(problem)))
            except (ValueError, TypeError, ArithmeticError):
                # Whatever a cell holds, its problem stays at its cell and the other cells are still read.
                message = _("无法识别的内容「%(value)s」。") % {"value": _text(raw)[:50]}
                result.errors.append(result.error(number, column.key, message))
        result.rows.append(row)
        if progress is not None:
            progress.step("read", len(result.rows), estimate)
    return result
