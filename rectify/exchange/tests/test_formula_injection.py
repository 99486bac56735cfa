"""Spreadsheet formula injection (issue 11, defect 3): whatever user data a workbook holds (organization,
project and category names, titles, the exporter's name, package and annex rows), every cell the system
writes is text, shown literally: no formula, in any workbook it writes."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from rectify.exchange import services
from rectify.exchange.cells import looks_like_formula, safe_text
from rectify.exchange.columns import LEDGER_SHEET, LISTS_SHEET
from rectify.exchange.sharing import package_workbook
from rectify.exchange.summaries import summary_annex
from rectify.findings.models import Finding
from rectify.organizations.models import Organization
from rectify.sharing.package import Package, Sheet
from rectify.summaries.choices import SummaryKind, SummaryState
from rectify.summaries.models import SummaryReport
from rectify.testing import make_finding

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def cells(content: bytes) -> list:
    """Every cell of every sheet (hidden ones included), read back as a spreadsheet program would."""
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content: bytes, expected: list[str]) -> None:
    every = cells(content)
    formulas = [(cell.parent.title, cell.coordinate, cell.value) for cell in every if cell.data_type == "f"]
    assert formulas == []
    texts = {cell.value for cell in every if isinstance(cell.value, str)}
    for payload in expected:
        shown = safe_text(payload)
        assert shown in texts or any(shown in text for text in texts), payload  # shown literally
    for cell in every:
        if isinstance(cell.value, str) and looks_like_formula(cell.value):
            assert cell.data_type == "s" and cell.quotePrefix, (cell.parent.title, cell.coordinate, cell.value)


def test_the_ledger_export_and_its_code_sheet_hold_no_formula(world):
    world.unit.name = PAYLOADS[0]
    world.unit.save()
    world.project.name = "+1 项目"
    world.project.save()
    for index, payload in enumerate(PAYLOADS):
        make_finding(world, title=payload, description=f"{payload} 描述{index}")
    auditor = world["auditor"]
    auditor.full_name = "@SUM(A1)"
    auditor.save()
    buffer = io.BytesIO()
    services.export_ledger(Finding.objects.restrict(auditor), buffer, user=auditor)
    content = buffer.getvalue()
    assert_no_formula(content, [*PAYLOADS, "+1 项目"])
    book = load_workbook(io.BytesIO(content))
    assert PAYLOADS[0] in [cell.value for row in book[LISTS_SHEET].iter_rows() for cell in row]
    guide = " ".join(str(cell.value) for row in book.worksheets[1].iter_rows() for cell in row if cell.value)
    assert "@SUM(A1) 于" in guide  # the exporter's name, as text
    # The export reads back as the same ledger: the quote prefix is a style, not a character of the value.
    titles = {row[5] for row in book[LEDGER_SHEET].iter_rows(min_row=2, values_only=True)}
    assert {safe_text(p) for p in PAYLOADS} <= titles


def test_the_template_code_sheet_holds_no_formula(world):
    Organization.objects.filter(pk=world.unit.pk).update(name='=HYPERLINK("http://x","y")')
    buffer = io.BytesIO()
    services.write_template(buffer, user=world["auditor"])
    assert_no_formula(buffer.getvalue(), [PAYLOADS[0]])


def test_an_exported_ledger_with_formula_like_text_imports_back_unchanged(world):
    finding = make_finding(world, state="draft", title="=1+1 摘要")
    buffer = io.BytesIO()
    services.export_ledger(Finding.objects.restrict(world["auditor"]), buffer, user=world["auditor"])
    buffer.seek(0)
    result = services.import_ledger(buffer, world["auditor"], name="导出.xlsx", dry_run=True)
    assert result.ok and not result.changed, [str(e) for e in result.errors]
    finding.refresh_from_db()
    assert finding.title == "=1+1 摘要"


def test_the_summary_annex_holds_no_formula(world):
    row = {
        "ledger_number": "+2025-1",
        "year": 2025,
        "project": PAYLOADS[0],
        "unit": "@单位",
        "title": "\t=1",
        "category": "-类别",
        "amount_involved": "100.00",
    }
    report = SummaryReport(
        kind=SummaryKind.SECTOR,
        title='=HYPERLINK("http://x","报告")',
        issuer=Organization(name="+机关"),
        report_date=datetime.date(2025, 9, 1),
        state=SummaryState.DRAFT,
        rows=[row],
    )
    _name, content = summary_annex(report)
    assert_no_formula(content, [report.title, "+机关", PAYLOADS[0], "@单位", "-类别", "+2025-1"])
    detail = load_workbook(io.BytesIO(content))["问题明细"]
    amounts = [cell.value for cell in detail[2] if isinstance(cell.value, int | float | Decimal)]
    assert 100 in amounts  # amounts the system computes stay numbers


def test_the_inspection_package_holds_no_formula(world):
    package = Package(
        unit=Organization(name='=HYPERLINK("http://x","单位")'),
        generated_at=datetime.datetime(2025, 9, 1, 10, 0),
        sheets=[Sheet("问题", ["=标题", "摘要"], [[payload, f"{payload}!"] for payload in PAYLOADS])],
    )
    _name, content = package_workbook(package)
    assert_no_formula(content, [*PAYLOADS, "=标题"])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_formula_start_is_recognised(payload):
    assert looks_like_formula(safe_text(payload)) or looks_like_formula(payload)
