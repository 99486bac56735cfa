"""The import: round trip, idempotence, changes through the findings services, and every bad input,
each refused with its place and the database left as it was."""

import datetime
import io
from decimal import Decimal

import pytest

from rectify.exchange import services
from rectify.exchange.reader import OLE2_MAGIC
from rectify.exchange.tests.helpers import (
    HEADER_KEY,
    edit,
    export_file,
    new_row,
    sheet_rows,
    snapshot,
    workbook,
    zip_of,
)
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.testing import PDF_BYTES, make_finding

pytestmark = pytest.mark.django_db

SHEET = "工作表「整改台账」"


def run(world, buffer, user="auditor", **kwargs):
    return services.import_ledger(buffer, world[user], name=getattr(buffer, "name", "台账.xlsx"), **kwargs)


def assert_refused(world, buffer, *expected: str, user="auditor"):
    """The file is refused with every expected fragment somewhere in its errors, and nothing changed."""
    before = snapshot()
    result = run(world, buffer, user=user)
    after = snapshot()
    assert not result.ok and not result.applied
    text = "\n".join(str(error) for error in result.errors)
    for fragment in expected:
        assert fragment in text, (fragment, text)
    assert before == after
    return result


# --- round trip and idempotence ------------------------------------------------------------


def ledger_of(user):
    return [row for row in services.ledger_rows(Finding.objects.restrict(user))]


def test_an_export_imported_back_yields_the_same_ledger(world):
    for state in ("draft", "issued", "rectifying", "long_term", "submitted", "closed"):
        make_finding(world, state=state)
    make_finding(
        world,
        state="issued",
        unit=world.sibling_unit,
        category=world.fiscal_category,
        title="=SUM(A1)",  # text, never a formula
        description="第一段：挪用专项资金。\r\n第二段：未按期归还。",  # as a browser's textarea sends it
        requirements=["1. 归还资金", "（2）完善审批"],
        amount_involved=Decimal("1234567890123.45"),
    )
    auditor = world["auditor"]
    exported = export_file(auditor)
    ledger_before, counts_before = ledger_of(auditor), snapshot()
    result = run(world, exported)
    assert result.ok and result.applied, result.errors
    assert (len(result.created), len(result.changed), result.unchanged) == (0, 0, 7)
    assert result.notices == []
    assert ledger_of(auditor) == ledger_before and snapshot() == counts_before
    # Exported again, the sheet reads the same, cell for cell.
    assert sheet_rows(export_file(auditor)) == sheet_rows(exported)


def test_reimporting_a_file_of_new_rows_changes_nothing_the_second_time(world):
    rows = [new_row(world), new_row(world, 问题摘要="公务用车管理不规范", 整改类型="分阶段整改", 整改期限=None)]
    first = run(world, workbook(rows))
    assert first.ok and first.applied and len(first.created) == 2
    created = Finding.objects.filter(pk__in=[plan.finding_id for plan in first.created])
    assert {f.state for f in created} == {FindingState.DRAFT}
    assert sorted(f.ledger_number for f in created) == sorted(plan.ledger_number for plan in first.created)
    finding = created.get(title="专项经费结余未及时上缴")
    assert finding.amount_involved == Decimal("82000.00") and finding.deadline == datetime.date(2025, 12, 31)
    assert [r.text for r in finding.requirements.all()] == ["上缴结余资金", "建立结余资金清理制度"]
    assert finding.created_by == world["auditor"] and finding.category.code == "0602"
    counts = snapshot()
    second = run(world, workbook(rows))
    assert second.ok and (len(second.created), len(second.changed), second.unchanged) == (0, 0, 2)
    assert "相同" in str(second.notices[0])
    assert snapshot() == counts


def test_reimporting_the_same_export_twice_changes_nothing(world):
    make_finding(world, state="issued")
    exported = export_file(world["auditor"])
    edited = edit(exported, {(2, "涉及金额（元）"): 130000.5})
    assert run(world, edited).applied
    counts = snapshot()
    edited.seek(0)
    again = run(world, edited)
    assert again.ok and not again.changed and again.unchanged == 1
    assert snapshot() == counts


def test_changes_go_through_update_finding_with_a_reason(world):
    finding = make_finding(world, state="issued")
    edited = edit(
        export_file(world["auditor"]),
        {
            (2, "问题摘要"): "往来款挂账三年未清理",
            (2, "涉及金额（元）"): "130,000.50",
            (2, "整改期限"): datetime.date(2025, 10, 31),
            (2, "责任单位"): world.sibling_unit.name,
            (2, "问题类别"): "0601",
        },
    )
    preview = run(world, edited, dry_run=True)
    assert preview.ok and not preview.applied and len(preview.changed) == 1
    shown = {column: (before, after) for column, before, after in preview.changed[0].shown}
    assert shown["涉及金额（元）"] == ("125,000.00", "130,000.50")
    assert shown["责任单位"] == ("甲区第一中学", "甲区第二中学")
    finding.refresh_from_db()
    assert finding.amount_involved == Decimal("125000.00")  # the preview saved nothing
    edited.seek(0)
    result = run(world, edited)
    assert result.ok and result.applied
    finding.refresh_from_db()
    assert finding.title == "往来款挂账三年未清理"
    assert finding.amount_involved == Decimal("130000.50")
    assert finding.deadline == datetime.date(2025, 10, 31)
    assert finding.unit == world.sibling_unit
    assert finding.category.code == "0601"
    latest = finding.history.first()
    assert latest.history_user == world["auditor"]
    assert latest.history_change_reason.startswith("Excel 台账导入")


def test_a_draft_finding_s_requirements_are_replaced(world):
    finding = make_finding(world, state="draft")
    edited = edit(export_file(world["auditor"]), {(2, "整改要求"): "1、清理挂账\n2、追回款项\n3、完善制度"})
    result = run(world, edited)
    assert result.ok and result.applied
    assert [r.text for r in finding.requirements.all()] == ["清理挂账", "追回款项", "完善制度"]


def test_reference_columns_are_compared_not_imported(world):
    finding = make_finding(world, state="submitted")
    edited = edit(export_file(world["auditor"]), {(2, "整改进展"): "已全部完成并建章立制", (2, "整改状态"): "已销号"})
    counts = snapshot()
    result = run(world, edited)
    assert result.ok and not result.changed and result.unchanged == 1
    assert "「整改进展」「整改状态」" in str(result.notices[0]) and "仅供参考" in str(result.notices[0])
    finding.refresh_from_db()
    assert finding.state == FindingState.SUBMITTED and snapshot() == counts


def test_new_rows_are_drafts_whatever_the_file_says(world):
    result = run(world, workbook([new_row(world, 整改状态="已销号", 整改进展="已完成")]))
    assert result.ok
    assert Finding.objects.get(pk=result.created[0].finding_id).state == FindingState.DRAFT
    assert "草稿" in str(result.notices[0])


def test_a_closed_finding_is_not_changed_and_an_issued_one_keeps_its_requirements(world):
    make_finding(world, state="closed")
    make_finding(world, state="issued")
    exported = export_file(world["auditor"])
    numbers = [row[0] for row in sheet_rows(exported)[1:]]
    closed_row = 2 + numbers.index(Finding.objects.get(state="closed").ledger_number)
    issued_row = 2 + numbers.index(Finding.objects.get(state="issued").ledger_number)
    edited = edit(exported, {(closed_row, "问题摘要"): "改过的摘要", (issued_row, "整改要求"): "新的要求"})
    result = assert_refused(world, edited, "已销号，不能修改", "已下达，不能更改整改要求")
    assert {error.row for error in result.errors} == {closed_row, issued_row}


def test_only_auditors_of_the_audit_office_may_import(world):
    assert_refused(world, workbook([new_row(world)]), "只有审计机关的审计人员可以导入", user="unit")
    # An auditor of another district does not see the project.
    assert_refused(world, workbook([new_row(world)]), "找不到审计项目", user="auditor_b")


def test_a_finding_outside_the_scope_is_not_found(world):
    make_finding(world, state="issued")
    exported = export_file(world["auditor"])
    assert_refused(world, exported, "不存在，或不在您的职责范围内", user="auditor_b")


# --- bad files ------------------------------------------------------------------------------


def test_a_renamed_file_is_refused(world):
    pdf = io.BytesIO(PDF_BYTES)
    pdf.name = "台账.xlsx"
    assert_refused(world, pdf, "「台账.xlsx」不是 Excel 工作簿（.xlsx）", "仅修改扩展名无效")
    word = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}, name="报告.xlsx")
    assert_refused(world, word, "压缩包内没有工作簿结构")
    csv = io.BytesIO("问题编号,审计项目\n".encode())
    csv.name = "台账.xlsx"
    assert_refused(world, csv, "不是 Excel 工作簿")


def test_a_zip_bomb_is_refused_before_it_is_opened(world):
    bomb = zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\0" * (20 * 1024 * 1024),
        }
    )
    assert len(bomb.getvalue()) < 100 * 1024
    assert_refused(world, bomb, "xl/worksheets/sheet1.xml", "疑似压缩炸弹")


def test_a_package_too_big_once_unpacked_is_refused(world, settings):
    make_finding(world)
    settings.RECTIFY_IMPORT_MAX_UNCOMPRESSED_BYTES = 10_000
    assert_refused(world, export_file(world["auditor"]), "解压后大小", "超过上限")


def test_a_password_protected_workbook_is_refused_with_its_own_message(world):
    # An encrypted .xlsx is an OLE2 compound file holding EncryptionInfo and EncryptedPackage streams.
    body = OLE2_MAGIC + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64
    body += "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024
    encrypted = io.BytesIO(body)
    encrypted.name = "加密台账.xlsx"
    assert_refused(world, encrypted, "「加密台账.xlsx」是设置了打开密码的加密工作簿", "取消密码")
    legacy = io.BytesIO(OLE2_MAGIC + b"\0" * 2048)
    legacy.name = "旧台账.xls"
    assert_refused(world, legacy, "Excel 97-2003（.xls）")


def test_a_file_over_the_size_bound_is_refused(world, settings):
    settings.RECTIFY_IMPORT_MAX_BYTES = 4096
    big = workbook([new_row(world, 问题描述="很长的描述" * 400)])
    assert len(big.getvalue()) > 4096
    assert_refused(world, big, "超过导入文件的上限")


def test_an_empty_file_is_refused(world):
    empty = io.BytesIO(b"")
    empty.name = "空.xlsx"
    assert_refused(world, empty, "是空文件")


# --- bad sheets and cells ---------------------------------------------------------------------


def headers_without(name):
    from rectify.exchange.columns import HEADERS

    return [header for header in HEADERS if header != name]


def test_a_missing_column_is_named(world):
    rows = [new_row(world)]
    assert_refused(world, workbook(rows, headers=headers_without("整改类型")), f"{SHEET}第 1 行：缺少列「整改类型」")


def test_an_extra_column_is_named_with_its_letter(world):
    from rectify.exchange.columns import HEADERS

    rows = [dict(new_row(world), 备注="补充说明")]
    result = assert_refused(world, workbook(rows, headers=[*HEADERS, "备注"]), "多余的列「备注」")
    from openpyxl.utils import get_column_letter

    assert str(result.errors[0]).startswith(f"{SHEET}第 1 行 {get_column_letter(len(HEADERS) + 1)} 列")


def test_headers_in_another_order_and_with_ascii_brackets_are_read(world):
    from rectify.exchange.columns import HEADERS

    headers = list(reversed(HEADERS))
    row = new_row(world)
    row["涉及金额(元)"] = row.pop("涉及金额（元）")
    headers[headers.index("涉及金额（元）")] = "涉及金额(元)"
    result = run(world, workbook([row], headers=headers))
    assert result.ok and len(result.created) == 1


def test_an_unknown_unit_is_refused_at_its_cell(world):
    rows = [new_row(world, 责任单位="不存在的单位")]
    assert_refused(world, workbook(rows), f"{SHEET}第 2 行 L 列（责任单位）：未知的单位「不存在的单位」")


def test_a_unit_outside_the_project_is_refused(world):
    rows = [new_row(world, 责任单位=world.finance.name)]
    assert_refused(world, workbook(rows), "L 列（责任单位）", "不是审计项目")


def test_an_unknown_category_is_refused_at_its_cell(world):
    rows = [new_row(world, 问题类别="9999 不存在的类别"), new_row(world, 问题类别="预算管理", 问题摘要="另一个")]
    result = assert_refused(
        world,
        workbook(rows),
        f"{SHEET}第 2 行 E 列（问题类别）：未知的问题类别「9999 不存在的类别」",
        f"{SHEET}第 3 行 E 列（问题类别）：「预算管理」是一级类别",
    )
    assert len(result.errors) == 2


def test_malformed_amounts_are_refused_at_their_cells(world):
    rows = [
        new_row(world, **{"涉及金额（元）": "12,3x"}),
        new_row(world, 问题摘要="二", **{"涉及金额（元）": 1.234}),
        new_row(world, 问题摘要="三", **{"涉及金额（元）": -5}),
        new_row(world, 问题摘要="四", **{"已整改金额-上缴财政（元）": "abc"}),
    ]
    assert_refused(
        world,
        workbook(rows),
        f"{SHEET}第 2 行 H 列（涉及金额（元））：涉及金额「12,3x」不是有效金额",
        f"{SHEET}第 3 行 H 列（涉及金额（元））：涉及金额最多保留两位小数",
        f"{SHEET}第 4 行 H 列（涉及金额（元））：涉及金额不能为负数",
        f"{SHEET}第 5 行 P 列（已整改金额-上缴财政（元））",
    )


def test_exponents_and_odd_digits_are_located_errors_that_hide_no_other(world):
    """1e26 used to stop the whole sheet with InvalidOperation; 12,3,4, 1_000 and other digits were read."""
    bad = ["1e26", "1E+400", "12,3,4", "1_000", "１２３", "١٢٣", 1e26]
    rows = [new_row(world, 问题摘要=f"第{i}行", **{"涉及金额（元）": value}) for i, value in enumerate(bad)]
    rows.append(new_row(world, 问题摘要="单位不对", 责任单位="查无此单位"))
    result = assert_refused(world, workbook(rows), f"{SHEET}第 9 行 L 列（责任单位）：未知的单位「查无此单位」")
    located = {(error.row, error.column) for error in result.errors}
    assert {(row, "H") for row in range(2, 9)} <= located
    assert all("涉及金额" in str(error) for error in result.errors if error.column == "H")
    assert "超出允许范围" in next(str(e) for e in result.errors if e.row == 8)  # the Excel number 1e26


def test_a_title_longer_than_its_field_is_a_located_error_with_the_others(world):
    rows = [new_row(world, 问题摘要="长" * 500), new_row(world, 问题摘要="二", 整改类型="不存在的类型")]
    for dry_run in (True, False):
        result = run(world, workbook(rows), dry_run=dry_run)
        text = "\n".join(str(error) for error in result.errors)
        assert f"{SHEET}第 2 行 F 列（问题摘要）：问题摘要不能超过 200 个字（现为 500 个）" in text
        assert f"{SHEET}第 3 行 J 列（整改类型）" in text
    assert not Finding.objects.filter(title__startswith="长").exists()


def test_malformed_dates_are_refused_at_their_cells(world):
    rows = [new_row(world, 整改期限="2025-13-45"), new_row(world, 问题摘要="二", 整改期限=45000)]
    assert_refused(
        world,
        workbook(rows),
        f"{SHEET}第 2 行 K 列（整改期限）：「2025-13-45」不是有效日期",
        f"{SHEET}第 3 行 K 列（整改期限）：「45000」不是有效日期",
    )


def test_dates_typed_as_text_are_read(world):
    result = run(world, workbook([new_row(world, 整改期限="2025年11月30日")]))
    assert result.ok
    assert Finding.objects.get(pk=result.created[0].finding_id).deadline == datetime.date(2025, 11, 30)


def test_duplicate_ledger_numbers_within_the_file_are_refused(world):
    from rectify.exchange.columns import HEADERS

    finding = make_finding(world, state="issued")
    header, exported = sheet_rows(export_file(world["auditor"]))
    row = dict(zip(header, exported, strict=True))
    result = assert_refused(
        world,
        workbook([row, dict(row)], headers=HEADERS),
        f"{SHEET}第 3 行 A 列（问题编号）：问题编号「{finding.ledger_number}」与第 2 行重复",
    )
    assert [error.row for error in result.errors] == [3]


def test_a_ledger_number_that_does_not_exist_is_refused(world):
    assert_refused(world, workbook([new_row(world, 问题编号="JA-2099-999-999")]), "「JA-2099-999-999」不存在")


def test_required_cells_and_coded_columns_are_checked(world):
    rows = [new_row(world, 问题描述=None, 整改类型="马上改", 整改要求="  ")]
    assert_refused(
        world,
        workbook(rows),
        "G 列（问题描述）：问题描述不能为空",
        "J 列（整改类型）：「马上改」不是可选值，应为：立行立改、分阶段整改、持续整改",
        "I 列（整改要求）：整改要求不能为空",
    )


def test_a_file_with_errors_reports_all_of_them(world):
    finding = make_finding(world, state="draft")
    rows = [
        new_row(world),  # a good row: still not saved
        new_row(world, 问题摘要="b", 责任单位="查无此单位"),
        new_row(world, 问题摘要="c", 问题类别="不存在"),
        new_row(world, 问题摘要="d", **{"涉及金额（元）": "十万"}),
        new_row(world, 问题摘要="e", 整改期限="明年"),
        new_row(world, 问题编号=finding.ledger_number, 问题摘要=finding.title),
        new_row(world, 问题编号=finding.ledger_number, 问题摘要=finding.title),
        new_row(world, 问题摘要="h", 审计项目="没有这个项目"),
    ]
    result = assert_refused(world, workbook(rows))
    assert [(error.row, error.column) for error in result.errors] == [
        (3, "L"),
        (4, "E"),
        (5, "H"),
        (6, "K"),
        (8, "A"),
        (9, "B"),
    ]


def test_a_workbook_without_the_ledger_sheet_is_refused(world):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    book.create_sheet("Sheet2")
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "别的.xlsx"
    assert_refused(world, buffer, "没有名为「整改台账」的工作表")


def test_a_sheet_without_rows_is_refused(world):
    assert_refused(world, workbook([]), "没有数据行")


def test_too_many_rows_are_refused(world, settings):
    settings.RECTIFY_IMPORT_MAX_ROWS = 2
    rows = [new_row(world, 问题摘要=str(n)) for n in range(3)]
    assert_refused(world, workbook(rows), "第 4 行：数据行超过上限 2 行")


def test_a_refusal_from_the_service_is_located_and_rolls_back_everything(world):
    """A rule only the service knows still leaves nothing behind: here, the deadline before the report date."""
    world.project.report_number = "甲审报〔2025〕1号"
    world.project.report_date = datetime.date(2025, 6, 1)
    world.project.save()
    rows = [new_row(world), new_row(world, 问题摘要="二", 整改期限=datetime.date(2025, 5, 1))]
    assert_refused(world, workbook(rows), f"{SHEET}第 3 行 K 列（整改期限）：整改期限 2025-05-01 早于审计报告出具日期")


def test_an_xml_entity_bomb_inside_the_workbook_is_refused(world):
    import zipfile

    source = workbook([new_row(world)])
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
    )
    members = {}
    with zipfile.ZipFile(source) as archive:
        for name in archive.namelist():
            members[name] = archive.read(name)
    members["xl/worksheets/sheet1.xml"] = bomb.encode()
    assert_refused(world, zip_of(members), "内容已损坏，无法读取")


def test_the_same_new_finding_twice_in_one_file_is_refused(world):
    rows = [new_row(world), new_row(world)]
    assert_refused(world, workbook(rows), f"{SHEET}第 3 行：与第 2 行是同一问题")


def test_a_category_code_without_a_space_or_by_its_two_levels_is_read(world):
    rows = [
        new_row(world, 问题类别="0602往来款长期挂账未清理"),
        new_row(world, 问题摘要="二", 问题类别="财务管理与会计核算 / 往来款长期挂账未清理"),
        new_row(world, 问题摘要="三", 问题类别="往来款长期挂账未清理"),
    ]
    result = run(world, workbook(rows))
    assert result.ok, result.errors
    assert {Finding.objects.get(pk=plan.finding_id).category.code for plan in result.created} == {"0602"}
    mismatch = [new_row(world, 问题类别="0602 会计核算不规范")]
    assert_refused(
        world, workbook(mismatch), "类别代码 0602 对应「往来款长期挂账未清理」", "与所填名称「会计核算不规范」不符"
    )


def test_a_file_in_the_former_layout_still_imports(world):
    """Files exported before the state column was renamed (销号状态) and before 年度, 逾期天数 and 预警
    were added read as before."""
    from rectify.exchange.columns import DERIVED_KEYS, FORMER_HEADERS

    make_finding(world, state="submitted")
    current = sheet_rows(export_file(world["auditor"]))
    keep = [i for i, header in enumerate(current[0]) if HEADER_KEY[header] not in DERIVED_KEYS]
    former = {key: header for header, key in FORMER_HEADERS.items()}
    headers = [former.get(HEADER_KEY[current[0][i]], current[0][i]) for i in keep]
    assert "销号状态" in headers and "年度" not in headers
    rows = [dict(zip(headers, [row[i] for i in keep], strict=True)) for row in current[1:]]
    counts = snapshot()
    result = run(world, workbook(rows, headers=headers))
    assert result.ok, result.errors
    assert (len(result.created), len(result.changed), result.unchanged) == (0, 0, 1)
    assert result.notices == [] and snapshot() == counts


def test_the_derived_columns_are_not_read_back(world):
    """年度, 逾期天数 and 预警 change with the day of the export: whatever they say, nothing differs."""
    make_finding(world, state="rectifying")
    edited = edit(export_file(world["auditor"]), {(2, "年度"): "二〇二五", (2, "逾期天数"): 99, (2, "预警"): "紫色"})
    counts = snapshot()
    result = run(world, edited)
    assert result.ok, result.errors
    assert result.unchanged == 1 and result.notices == [] and snapshot() == counts
