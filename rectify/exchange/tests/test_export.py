"""The export and the template: the layout, the lists, and only what the user may see."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from rectify.exchange import services
from rectify.exchange.columns import GUIDE_SHEET, HEADERS, LEDGER_SHEET, LISTS_SHEET
from rectify.exchange.tests.helpers import export_file, sheet_rows
from rectify.findings.models import Finding
from rectify.testing import make_finding

pytestmark = pytest.mark.django_db


def column(header: str) -> int:
    return HEADERS.index(header) + 1


def test_the_export_has_the_ledger_layout(world):
    make_finding(world, state="closed")
    book = load_workbook(export_file(world["auditor"]))
    assert book.sheetnames == [LEDGER_SHEET, GUIDE_SHEET, LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    ws = book[LEDGER_SHEET]
    assert [cell.value for cell in ws[1]] == list(HEADERS)
    assert ws.freeze_panes == "B2"  # the header row (and the ledger number) stay in view
    assert ws.column_dimensions["G"].width == 50
    amount = ws.cell(row=2, column=column("涉及金额（元）"))
    assert amount.value == 125000 and amount.number_format == "#,##0.00"
    deadline = ws.cell(row=2, column=column("整改期限"))
    assert deadline.is_date and deadline.value.date() == datetime.date(2025, 9, 30)
    assert deadline.number_format == "yyyy-mm-dd"
    adjusted = ws.cell(row=2, column=column("已整改金额-调整账务（元）"))
    assert adjusted.value == 125000 and adjusted.number_format == "#,##0.00"
    values = {header: ws.cell(row=2, column=column(header)).value for header in HEADERS}
    assert values["问题类别"] == "0601 会计核算不规范"
    assert values["整改要求"] == "1. 清理长期挂账的往来款项\n2. 建立往来款定期清理制度"
    assert values["整改类型"] == "立行立改"
    assert values["被审计单位"] == world.unit.name and values["责任单位"] == world.unit.name
    assert values["整改进展"] == "全部完成"
    assert values["认定结论"] == "已整改" and values["整改状态"] == "已销号"
    assert values["制定完善制度数"] == 0 and values["追责问责人数"] == 0


def test_the_template_has_lists_for_the_coded_columns(world):
    buffer = io.BytesIO()
    services.write_template(buffer, user=world["auditor"])
    buffer.seek(0)
    book = load_workbook(buffer)
    ws = book[LEDGER_SHEET]
    assert [cell.value for cell in ws[1]] == list(HEADERS) and ws.max_row == 1
    validations = {str(v.sqref).split(":")[0]: v for v in ws.data_validations.dataValidation}
    lists = book[LISTS_SHEET]

    def values_of(validation):
        ref = validation.formula1.split("!")[1].replace("$", "")
        return [row[0].value for row in lists[ref]]

    assert values_of(validations["J2"]) == ["立行立改", "分阶段整改", "持续整改"]
    assert values_of(validations["X2"]) == ["已整改", "部分整改", "未整改", "虚假整改"]
    assert values_of(validations["Y2"]) == ["草稿", "已下达", "整改中", "待核实", "持续整改", "已销号"]
    categories = values_of(validations["E2"])
    assert "0602 往来款长期挂账未清理" in categories and not any(c.startswith("01 ") for c in categories)
    assert world.unit.name in values_of(validations["L2"])
    assert world.unit_b.name not in values_of(validations["L2"])  # another district's unit
    assert validations["J2"].errorStyle == "stop" and validations["E2"].errorStyle == "warning"


def test_a_unit_exports_only_its_own_findings(world):
    own = make_finding(world, state="issued")
    make_finding(world, state="draft")  # the audit office's working paper
    sibling = make_finding(world, state="issued", unit=world.sibling_unit)
    numbers = [row[0] for row in sheet_rows(export_file(world["unit"]))[1:]]
    assert numbers == [own.ledger_number]
    dept = [row[0] for row in sheet_rows(export_file(world["dept"]))[1:]]
    assert sorted(dept) == sorted([own.ledger_number, sibling.ledger_number])
    assert sheet_rows(export_file(world["auditor_b"]))[1:] == []


def test_the_rows_come_in_batches_with_their_requirements(world):
    findings = [make_finding(world, state="draft", title=f"问题{n}") for n in range(5)]
    rows = list(services.ledger_rows(Finding.objects.restrict(world["auditor"]), batch_size=2))
    assert [row["ledger_number"] for row in rows] == sorted(f.ledger_number for f in findings)
    assert all(row["requirements"] == ["清理长期挂账的往来款项", "建立往来款定期清理制度"] for row in rows)


@pytest.mark.django_db
def test_export_leaves_out_money_of_a_rejected_round(world):
    from rectify.rectification import services as rectification

    finding = make_finding(world, state="submitted")  # reports 125,000.00 adjusted in accounts
    before = sheet_rows(export_file(world["auditor"], Finding.objects.filter(pk=finding.pk)))
    header = before[0]
    column = next(i for i, name in enumerate(header) if name and "调整账务" in name)
    assert before[1][column] == 125000
    rectification.verify(world["auditor2"], finding.reports.get(), verdict="false_rectification", reasons="账实不符")
    after = sheet_rows(export_file(world["auditor"], Finding.objects.filter(pk=finding.pk)))
    assert after[1][column] in (0, None)


def test_the_export_prints_landscape_on_the_width_of_a_page_with_the_header_on_every_page(world):
    make_finding(world, state="issued")
    ws = load_workbook(export_file(world["auditor"]))[LEDGER_SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0  # one page wide, as many down
    assert ws.print_title_rows.replace("$", "") == "1:1"


def test_the_columns_say_what_they_hold(world):
    assert "整改状态" in HEADERS and "销号状态" not in HEADERS  # the state of the rectification, closed or not
    assert set(HEADERS[-3:]) == {"年度", "逾期天数", "预警"}


def test_the_export_has_the_year_the_days_overdue_and_the_warning(world):
    from rectify.findings.warning import local_today

    today = local_today()
    overdue = make_finding(world, state="rectifying", deadline=today - datetime.timedelta(days=12))
    on_time = make_finding(world, state="rectifying", deadline=today + datetime.timedelta(days=200))
    closed = make_finding(world, state="closed")
    rows = sheet_rows(export_file(world["auditor"]))
    header = rows[0]
    by_number = {row[0]: dict(zip(header, row, strict=False)) for row in rows[1:]}
    assert by_number[overdue.ledger_number]["年度"] == world.project.year
    assert by_number[overdue.ledger_number]["逾期天数"] == 12
    assert by_number[overdue.ledger_number]["预警"] == "红色（逾期）"
    assert by_number[on_time.ledger_number].get("逾期天数") in (None, "")
    assert by_number[on_time.ledger_number]["预警"] == "绿色（正常）"
    assert by_number[closed.ledger_number].get("逾期天数") in (None, "")
    assert by_number[closed.ledger_number].get("预警") in (None, "")


def test_the_export_asks_as_many_queries_however_many_projects_its_findings_span(world):
    """The audited units of the findings' projects are read per batch, not per project: the export of
    findings spread over many projects asks no more queries than of findings in one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rectify.testing import make_project

    def queries_exporting(findings) -> int:
        ids = [finding.pk for finding in findings]
        with CaptureQueriesContext(connection) as queries:
            export_file(world["auditor"], Finding.objects.restrict(world["auditor"]).filter(pk__in=ids))
        return len(queries)

    in_one = [make_finding(world, state="issued", title=f"同一项目{n}") for n in range(6)]
    spread = [
        make_finding(
            world, state="issued", project=make_project(world, world.office_a, [world.unit], "budget_execution")
        )
        for _n in range(6)
    ]
    queries_exporting(in_one)  # the first export reads the user's place and the category list once
    assert queries_exporting(spread) == queries_exporting(in_one)
    row = dict(
        zip(
            HEADERS, sheet_rows(export_file(world["auditor"], Finding.objects.filter(pk=spread[0].pk)))[1], strict=False
        )
    )
    assert row["被审计单位"] == world.unit.name


def test_the_export_asks_as_many_queries_however_many_rows_a_batch_holds(world):
    """The rows of a batch, their requirements, plans, report rounds (with what their money counts and the rules
    and people they report) and verifications are read a batch at a time: as many queries for twelve findings
    with everything a finding can carry as for two, and no more than four queries a batch besides the
    findings' own (the requirements, the plans, the report rounds, the verifications)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_reading(ids, batch_size=services.BATCH) -> int:
        findings = Finding.objects.restrict(world["auditor"]).filter(pk__in=ids).order_by("pk")
        audited = services._AuditedUnits()
        audited.load(Finding.objects.filter(pk__in=ids).values_list("project_id", flat=True))
        with CaptureQueriesContext(connection) as queries:
            rows = list(services.ledger_rows(findings, batch_size=batch_size, audited=audited))
        assert [row["pk"] for row in rows] == sorted(ids)
        return len(queries)

    closed = [make_finding(world, state="closed", title=f"已销号{n}").pk for n in range(6)]
    drafts = [make_finding(world, state="draft", title=f"草稿{n}").pk for n in range(6)]
    ids = closed + drafts
    assert queries_reading(ids) == queries_reading(ids[:2]) == queries_reading(closed[:1])
    # Batches of two: six batches where one held them all, four queries each (there were seven: the rounds
    # that count, the rounds, the rules and the people each asked apart).
    one_batch, six = queries_reading(ids), queries_reading(ids, batch_size=2)
    assert six - one_batch == 5 * 4, (one_batch, six)
