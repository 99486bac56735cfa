"""``rectify import-ledger`` and ``rectify export-ledger``."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from rectify.exchange.columns import HEADERS, LEDGER_SHEET
from rectify.exchange.tests.helpers import new_row, snapshot, workbook
from rectify.findings.models import Finding
from rectify.testing import make_finding

pytestmark = pytest.mark.django_db


def save(buffer, path):
    path.write_bytes(buffer.getvalue())
    return str(path)


def rows_of(path) -> list[tuple]:
    book = load_workbook(path, read_only=True)
    return [tuple(row) for row in book[LEDGER_SHEET].iter_rows(values_only=True)]


def test_import_ledger_creates_and_reports(world, tmp_path):
    path = save(workbook([new_row(world)]), tmp_path / "台账.xlsx")
    out = io.StringIO()
    call_command("import_ledger", path, user="auditor", stdout=out)
    assert "新建 1 个问题（草稿），修改 0 个问题" in out.getvalue()
    assert Finding.objects.filter(title="专项经费结余未及时上缴").exists()


def test_import_ledger_dry_run_saves_nothing(world, tmp_path):
    path = save(workbook([new_row(world)]), tmp_path / "台账.xlsx")
    counts = snapshot()
    out = io.StringIO()
    call_command("import_ledger", path, "--dry-run", user="auditor", stdout=out)
    assert "试运行（未保存）：1 行校验通过" in out.getvalue()
    assert snapshot() == counts


def test_import_ledger_prints_every_error_and_fails(world, tmp_path):
    rows = [new_row(world, 责任单位="查无此单位"), new_row(world, 问题摘要="二", **{"涉及金额（元）": "1.234"})]
    path = save(workbook(rows), tmp_path / "台账.xlsx")
    counts = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 2 处错误，数据未作任何修改"):
        call_command("import_ledger", path, user="auditor", stderr=err)
    assert "工作表「整改台账」第 2 行 L 列（责任单位）：未知的单位「查无此单位」" in err.getvalue()
    assert "工作表「整改台账」第 3 行 H 列（涉及金额（元））" in err.getvalue()
    assert snapshot() == counts


def test_import_ledger_needs_a_user_and_a_file(world, tmp_path):
    with pytest.raises(CommandError, match="没有用户"):
        call_command("import_ledger", str(tmp_path / "x.xlsx"), user="nobody")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_ledger", str(tmp_path / "x.xlsx"), user="auditor")


def test_export_ledger_with_user_and_filters(world, tmp_path):
    closed = make_finding(world, state="closed")
    issued = make_finding(world, state="issued")
    make_finding(world, state="issued", unit=world.sibling_unit)
    target = str(tmp_path / "out.xlsx")
    out = io.StringIO()
    call_command("export_ledger", target, user="unit", stdout=out)
    assert "已导出 2 个问题" in out.getvalue()
    assert sorted(row[0] for row in rows_of(target)[1:]) == sorted([closed.ledger_number, issued.ledger_number])
    call_command("export_ledger", target, "--state", "已销号", user="auditor", stdout=io.StringIO())
    assert [row[0] for row in rows_of(target)[1:]] == [closed.ledger_number]
    call_command("export_ledger", target, "--unit", world.sibling_unit.name, "--year", "2025", stdout=io.StringIO())
    assert len(rows_of(target)) == 2


def test_export_ledger_template(world, tmp_path):
    target = str(tmp_path / "模板.xlsx")
    call_command("export_ledger", target, "--template", stdout=io.StringIO())
    assert rows_of(target) == [HEADERS]


def test_export_then_import_back_through_the_console(world, tmp_path):
    make_finding(world, state="issued")
    target = str(tmp_path / "out.xlsx")
    call_command("export_ledger", target, user="auditor", stdout=io.StringIO())
    counts = snapshot()
    out = io.StringIO()
    call_command("import_ledger", target, user="auditor", stdout=out)
    assert "新建 0 个问题（草稿），修改 0 个问题，1 个问题无变化" in out.getvalue()
    assert snapshot() == counts


def test_export_ledger_refuses_bad_filters(world, tmp_path):
    with pytest.raises(CommandError, match="未知的状态"):
        call_command("export_ledger", str(tmp_path / "o.xlsx"), "--state", "whatever")
    with pytest.raises(CommandError, match="找不到唯一的单位"):
        call_command("export_ledger", str(tmp_path / "o.xlsx"), "--unit", "查无此单位")
