"""The Excel annex of a summary report: one row per finding behind its figures, frozen with them.

The rows are those the report stored when its figures were computed (``SummaryReport.rows``), so the
annex of an approved report does not change with the ledger; their column sums are the report's
totals (a test checks it). Every cell from user data is written as text (never a formula), amounts as
numbers in yuan; the totals row holds values, not formulas.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from rectify.exchange.cells import write_text
from rectify.exchange.columns import AMOUNT_FORMAT
from rectify.findings.choices import Colour, FindingState, Kind
from rectify.rectification.choices import AMOUNT_METHODS, Verdict
from rectify.summaries.models import SummaryReport

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DETAIL_SHEET = "问题明细"
SUMMARY_SHEET = "汇总"
PROGRESS = {"rectified": "已整改", "partly": "部分整改", "in_progress": "正在整改"}
LABELS = {
    **dict(FindingState.choices), **dict(Kind.choices), **dict(Verdict.choices), **dict(Colour.choices),
}  # fmt: skip

# (key in the stored row, header, kind): text, amount (yuan), count.
COLUMNS: list[tuple[str, str, str]] = [
    ("ledger_number", "问题编号", "text"),
    ("year", "审计年度", "count"),
    ("project", "审计项目", "text"),
    ("report_number", "审计报告文号", "text"),
    ("unit", "整改责任单位", "text"),
    ("area", "问题方面", "text"),
    ("category", "问题类别", "text"),
    ("title", "问题摘要", "text"),
    ("kind", "整改类型", "label"),
    ("deadline", "整改期限", "text"),
    ("state", "状态", "label"),
    ("progress", "整改进度", "progress"),
    ("colour", "预警", "label"),
    ("verdict", "最近认定结论", "label"),
    ("repeat", "屡审屡犯", "flag"),
    ("amount_involved", "问题金额（元）", "amount"),
    *[(field, f"{label}（元）", "amount") for field, label in AMOUNT_METHODS],
    ("amount_rectified", "整改到位资金（元）", "amount"),
    ("amount_unrectified", "未整改资金（元）", "amount"),
    ("rules", "出台规章制度（个）", "count"),
    ("people", "追责问责（人）", "count"),
]


def _value(key: str, kind: str, row: dict):
    value = row.get(key)
    if kind == "amount":
        return Decimal(value or "0")
    if kind == "count":
        return int(value or 0)
    if kind == "label":
        return str(LABELS.get(value, value or ""))
    if kind == "progress":
        return PROGRESS.get(value, value)
    if kind == "flag":
        return "是" if value else "否"
    return value


def summary_annex(report: SummaryReport) -> tuple[str, bytes]:
    """(filename, content) of the annex of ``report`` (fetched through the caller's scope)."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = SUMMARY_SHEET
    bold = Font(bold=True)
    write_text(summary, 1, 1, report.title)
    summary.cell(row=1, column=1).font = Font(bold=True, size=14)
    facts = [
        ("发文机关", report.issuer.name),
        ("报告类型", report.get_kind_display()),
        ("截至日期", report.report_date.isoformat()),
        ("状态", report.get_state_display()),
        ("数据冻结时间", report.frozen_at.isoformat() if report.frozen_at else "未冻结（草稿）"),
    ]
    for index, (label, value) in enumerate(facts, start=3):
        write_text(summary, index, 1, label)
        write_text(summary, index, 2, str(value))
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 60

    sheet = workbook.create_sheet(DETAIL_SHEET)
    headers = ["序号"] + [header for _key, header, _kind in COLUMNS]
    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, header in enumerate(headers, start=1):
        write_text(sheet, 1, column, header)
        cell = sheet.cell(row=1, column=column)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sums: dict[str, Decimal] = {}
    rows = report.rows or []
    for number, row in enumerate(rows, start=1):
        line = number + 1
        sheet.cell(row=line, column=1, value=number)
        for column, (key, _header, kind) in enumerate(COLUMNS, start=2):
            value = _value(key, kind, row)
            if kind in ("amount", "count") and key != "year":
                cell = sheet.cell(row=line, column=column, value=value)
                if kind == "amount":
                    cell.number_format = AMOUNT_FORMAT
                sums[key] = sums.get(key, Decimal(0)) + Decimal(value)
            elif key == "year":
                sheet.cell(row=line, column=column, value=value)
            else:
                write_text(sheet, line, column, value)
    total_line = len(rows) + 2
    write_text(sheet, total_line, 1, "合计")
    sheet.cell(row=total_line, column=1).font = bold
    for column, (key, _header, kind) in enumerate(COLUMNS, start=2):
        if key in sums:
            cell = sheet.cell(row=total_line, column=column, value=sums[key] if kind == "amount" else int(sums[key]))
            cell.font = bold
            if kind == "amount":
                cell.number_format = AMOUNT_FORMAT
    widths = {"ledger_number": 20, "project": 30, "unit": 26, "title": 40, "category": 24, "area": 16}
    for column, (key, _header, _kind) in enumerate(COLUMNS, start=2):
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = widths.get(key, 14)
    sheet.freeze_panes = "C2"
    if rows:
        sheet.auto_filter.ref = f"A1:{sheet.cell(row=len(rows) + 1, column=len(headers)).coordinate}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return f"{report.title}（附件：问题明细）.xlsx", buffer.getvalue()
