"""The log as a workbook or a CSV file for the log auditor. Every cell is text: a value that would start a
formula (``= + - @``, tab, CR) is neutralised, so an attacker's user name cannot run in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from rectify.core.spreadsheets import looks_like_formula
from rectify.security_log.models import SecurityEvent


def neutralised(value: str) -> str:
    """A CSV cell has no style to mark it text: a formula-like value gets the apostrophe Excel uses."""
    return "'" + value if looks_like_formula(value) else value


def headers() -> list[str]:
    return [
        _("序号"), _("时间"), _("用户名"), _("所属单位"), _("地址"), _("事件类型"), _("对象类型"), _("对象编号"),
        _("对象"), _("结果"), _("详情"), _("请求编号"), _("SM3哈希"),
    ]  # fmt: skip


def row(event: SecurityEvent) -> list[str]:
    import json

    values = [
        str(event.sequence),
        timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
        event.username,
        event.organization_name,
        event.address or "",
        str(event.get_kind_display()),
        event.object_type,
        event.object_id,
        event.object_repr,
        str(event.get_outcome_display()),
        json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
        event.request_id,
        event.hash,
    ]
    return [neutralised(value) for value in values]


def write_xlsx(events: Iterable[SecurityEvent], handle: IO[bytes]) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("安全审计日志"))
    count = 0

    def text_cells(values: list[str]) -> list[WriteOnlyCell]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text, never a formula, whatever it starts with
            cell.quotePrefix = looks_like_formula(value)  # and kept text when edited, as Excel marks it
            cells.append(cell)
        return cells

    sheet.append(text_cells(headers()))
    for event in events:
        sheet.append(text_cells(row(event)))
        count += 1
    workbook.save(handle)
    return count


def csv_lines(events: Iterable[SecurityEvent]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer.writerow(headers())
    for event in events:
        writer.writerow(row(event))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
