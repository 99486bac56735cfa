"""Every cell a workbook gets from user data is written here, as text that no spreadsheet computes.

A value beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) would be
taken by Excel, WPS or LibreOffice for a formula (``=HYPERLINK("http://…","点击")``, DDE ``=cmd|…``)
if it were stored as one, or once the cell is edited. So a value from user data is always a string
cell (never openpyxl's guess, which makes ``"=…"`` a formula), and one that begins like a formula
also carries the ``quotePrefix`` style: that is what Excel itself stores when someone types
``'=…``. It shows the text literally, keeps it text when edited, and the value read back is the
text as it was, so an export imported back is the same ledger. Numbers stay numbers only where the
system computes them (amounts, counts, dates), never from text.
"""

from __future__ import annotations

from openpyxl.cell import WriteOnlyCell

from rectify.core.spreadsheets import looks_like_formula
from rectify.exchange.columns import clean_text


def safe_text(value) -> str:
    """The text a cell shows for ``value``: as it survives a spreadsheet (``clean_text``), never None."""
    if value is None or value == "":
        return ""
    return clean_text(str(value))


def _as_text(cell, value) -> None:
    text = safe_text(value)
    cell.value = text
    cell.data_type = "s"  # set after the value, which makes openpyxl guess (a "=…" would be a formula)
    if looks_like_formula(text):
        cell.quotePrefix = True


def write_text(sheet, row: int, column: int, value):
    """Writes ``value`` as text into a cell of an ordinary worksheet; returns the cell."""
    cell = sheet.cell(row=row, column=column)
    _as_text(cell, value)
    return cell


def text_cell(sheet, value) -> WriteOnlyCell:
    """A text cell for a write-only worksheet's ``append``."""
    cell = WriteOnlyCell(sheet)
    _as_text(cell, value)
    return cell


def text_row(sheet, values) -> list:
    """A row of text cells for a write-only worksheet (``None`` stays an empty cell)."""
    return [None if value is None else text_cell(sheet, value) for value in values]
