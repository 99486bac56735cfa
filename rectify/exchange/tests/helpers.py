"""Building ledger files for the tests: exports through the service, hand-made workbooks for bad input."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from rectify.exchange import services
from rectify.exchange.columns import COLUMN_INDEX, HEADERS, LEDGER_SHEET
from rectify.findings.models import Finding, FindingEvent, Requirement


def export_file(user, queryset=None) -> io.BytesIO:
    buffer = io.BytesIO()
    services.export_ledger(queryset if queryset is not None else Finding.objects.restrict(user), buffer, user=user)
    buffer.seek(0)
    buffer.name = "导出.xlsx"
    return buffer


def sheet_rows(buffer) -> list[tuple]:
    buffer.seek(0)
    workbook = load_workbook(buffer, read_only=True, data_only=True)
    rows = [tuple(row) for row in workbook[LEDGER_SHEET].iter_rows(values_only=True)]
    workbook.close()
    buffer.seek(0)
    return rows


def new_row(world, **overrides) -> dict:
    row = {
        "问题编号": None,
        "审计项目": world.project.name,
        "问题类别": "0602 往来款长期挂账未清理",
        "问题摘要": "专项经费结余未及时上缴",
        "问题描述": "2024年项目结余资金8.2万元未按规定上缴财政。",
        "涉及金额（元）": 82000,
        "整改要求": "1. 上缴结余资金\n2. 建立结余资金清理制度",
        "整改类型": "立行立改",
        "整改期限": datetime.date(2025, 12, 31),
        "责任单位": world.unit.name,
    }
    row.update(overrides)
    return row


def workbook(rows: list[dict], headers=HEADERS, sheet: str = LEDGER_SHEET, name: str = "台账.xlsx") -> io.BytesIO:
    """A workbook as a user would fill it: the given header, one row per dict (keyed by header)."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def edit(buffer, changes: dict[tuple[int, str], object], name: str = "修改.xlsx") -> io.BytesIO:
    """Changes cells of an exported file: {(sheet row, header): value}."""
    buffer.seek(0)
    book = load_workbook(buffer)
    ws = book[LEDGER_SHEET]
    for (row, header), value in changes.items():
        ws.cell(row=row, column=COLUMN_INDEX[HEADER_KEY[header]] + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = name
    return out


HEADER_KEY = {header: key for key, header in zip(COLUMN_INDEX, HEADERS, strict=True)}


def zip_of(members: dict[str, bytes], name: str = "台账.xlsx") -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    buffer.seek(0)
    buffer.name = name
    return buffer


def snapshot() -> tuple:
    """Counts that any change to the ledger would move: findings, requirements, events, history rows."""
    return (
        Finding.all_objects.count(),
        Finding.history.count(),
        Requirement.all_objects.count(),
        Requirement.history.count(),
        FindingEvent.objects.count(),
        sorted(Finding.all_objects.values_list("ledger_number", "title", "amount_involved", "deadline", "unit_id")),
    )


def money(value: str) -> Decimal:
    return Decimal(value)
