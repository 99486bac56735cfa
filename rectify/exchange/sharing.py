"""An inspection tour's package for one unit as an Excel workbook (source 三(五)): one sheet per kind of
record (``rectify.sharing.package``), every cell written as text, never a formula."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from rectify.exchange.cells import write_text
from rectify.sharing.package import Package

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def package_workbook(package: Package) -> tuple[str, bytes]:
    """(filename, content) of the package's workbook."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for kind in package.sheets:
        sheet = workbook.create_sheet(kind.title[:31])
        for column, header in enumerate(kind.headers, start=1):
            write_text(sheet, 1, column, header)
            sheet.cell(row=1, column=column).font = bold
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = 18
        for line, row in enumerate(kind.rows, start=2):
            for column, value in enumerate(row, start=1):
                write_text(sheet, line, column, value)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    day = package.generated_at.strftime("%Y%m%d")
    return f"{package.unit.name}巡察资料包{day}.xlsx", buffer.getvalue()
