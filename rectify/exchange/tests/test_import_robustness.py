"""Import robustness (issue 11, defects 4 and 5): whatever a sheet holds, the import answers with located
errors (sheet, row, column), all of them, on the web, in the console and in the service, never a 500 or a
traceback; a preview of a large workbook validates by reads alone, so it never holds the write lock; and a
fuzz of random cell contents in the template finds nothing but located errors or success."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from rectify.exchange import services
from rectify.exchange.columns import HEADERS, LEDGER_SHEET
from rectify.exchange.tests.helpers import new_row, snapshot, workbook
from rectify.exchange.tests.test_bulk_import import writes_in
from rectify.testing import PASSWORD, fuzz_examples

pytestmark = pytest.mark.django_db

SHEET = "工作表「整改台账」"
TOKEN = "0123456789abcdef0123456789abcdef"


def bad_rows(world) -> list[dict]:
    return [
        new_row(world, 问题摘要="长" * 500),
        new_row(world, 问题摘要="二", **{"涉及金额（元）": "1e26"}),
        new_row(world, 问题摘要="三", 整改类型="不存在"),
        new_row(world, 问题摘要="四", 责任单位="查无此单位"),
    ]


EXPECTED = [
    f"{SHEET}第 2 行 F 列（问题摘要）：问题摘要不能超过 200 个字（现为 500 个）。",
    f"{SHEET}第 3 行 H 列（涉及金额（元））：涉及金额「1e26」不是有效金额。",
    f"{SHEET}第 4 行 J 列（整改类型）",
    f"{SHEET}第 5 行 L 列（责任单位）：未知的单位「查无此单位」",
]


def test_the_web_preview_lists_every_located_error_never_a_500(client, world):
    assert client.login(username="auditor", password=PASSWORD)
    counts = snapshot()
    response = client.post("/ledger/import/", {"file": workbook(bad_rows(world)), "token": TOKEN})
    html = response.content.decode()
    assert response.status_code == 400
    assert "共 4 处错误，数据未作任何修改" in html
    assert "<td>整改台账</td><td>2</td><td>F（问题摘要）</td>" in html
    assert "<td>整改台账</td><td>3</td><td>H（涉及金额（元））</td>" in html
    assert snapshot() == counts


def test_the_console_prints_every_located_error_and_exits_non_zero(world, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(bad_rows(world)).getvalue())
    counts = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 4 处错误，数据未作任何修改"):
        call_command("import_ledger", str(path), user="auditor", stderr=err)
    for line in EXPECTED:
        assert line in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert snapshot() == counts


def test_the_console_exits_non_zero_without_a_traceback(world, tmp_path, monkeypatch):
    """Run from its argument vector, as ``rectify import-ledger FILE`` runs it: a message and exit status 1."""
    from django.db import connections

    # run_from_argv closes every connection when done, which on PostgreSQL would end the module's test
    # transaction under the tests that follow.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(bad_rows(world)).getvalue())
    err = io.StringIO()
    from rectify.exchange.management.commands.import_ledger import Command

    command = Command(stdout=io.StringIO(), stderr=err)
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["rectify", "import_ledger", str(path), "--user", "auditor"])
    assert exit_info.value.code != 0
    assert "Traceback" not in err.getvalue() and "第 2 行 F 列（问题摘要）" in err.getvalue()


def test_a_preview_of_a_large_workbook_takes_no_write_lock(world):
    """2,000 new rows previewed: reads only (no INSERT, no savepoint, no BEGIN, no row lock), so on SQLite
    no write lock is taken and everyone else keeps writing meanwhile."""
    rows = [new_row(world, 问题摘要=f"第{n}个问题", 问题描述=f"描述{n}") for n in range(2000)]
    book = workbook(rows)
    counts = snapshot()
    with CaptureQueriesContext(connection) as queries:
        result = services.import_ledger(book, world["auditor"], name="大台账.xlsx", dry_run=True)
    assert result.ok and len(result.created) == 2000, [str(e) for e in result.errors[:5]]
    assert writes_in(queries.captured_queries) == []
    assert snapshot() == counts


# --- fuzz ----------------------------------------------------------------------------------------------

CELL = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.text(alphabet="0123456789,.-+eE_ １٣", max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
    st.sampled_from(['=HYPERLINK("http://x")', "立行立改", "0602 往来款长期挂账未清理", "1e26", "12,3,4"]),
)


def fuzz_workbook(world, cells: dict[str, object]) -> io.BytesIO:
    base = new_row(world)
    book = Workbook()
    sheet = book.active
    sheet.title = LEDGER_SHEET
    sheet.append(list(HEADERS))
    row = []
    for header in HEADERS:
        value = cells.get(header, base.get(header))
        row.append(value)
    sheet.append(row)
    for column, value in enumerate(row, start=1):
        cell = sheet.cell(row=2, column=column)
        if isinstance(value, str):
            cell.data_type = "s"  # as typed text, not a formula openpyxl would make of "=…"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@settings(max_examples=fuzz_examples(80), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.dictionaries(st.sampled_from(HEADERS), CELL, max_size=6))
def test_fuzz_random_cells_give_located_errors_or_success(world, cells):
    try:
        buffer = fuzz_workbook(world, cells)
    except (ValueError, TypeError, IllegalCharacterError):  # values openpyxl itself will not write
        return
    result = services.import_ledger(buffer, world["auditor"], name="随机.xlsx", dry_run=True)
    if result.ok:
        assert len(result.created) + len(result.changed) + result.unchanged == 1
        return
    for error in result.errors:
        assert error.message and str(error)
        assert "损坏" not in error.message, str(error)  # a cell's problem is never the whole sheet's
        if error.row is not None:
            assert error.sheet == LEDGER_SHEET and error.row == 2


@pytest.mark.parametrize(
    "inner",
    [
        "<t>纯文本</t>",
        '<t xml:space="preserve">  前后空格  </t>',
        "<t/>",
        "<t>先</t><t>后</t>",  # the last one, as openpyxl takes it
        "<r><t>甲</t></r><r><rPr><b/></rPr><t>乙</t></r>",
        "<t>开头</t><r><t>接着</t></r><rPh sb='0' eb='1'><t>读音</t></rPh>",
        "<r><t/></r>",
        "",
        '<x:t xmlns:x="urn:other">别的命名空间</x:t>',
    ],
)
def test_inline_strings_read_as_openpyxl_reads_them(inner):
    """The reader takes the text of an inline string itself (openpyxl builds three objects per cell for it):
    the same text as openpyxl's rich-text parsing gives, whatever the string holds."""
    from xml.etree.ElementTree import fromstring

    from openpyxl.cell.text import Text

    from rectify.exchange.reader import _inline_text

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    element = fromstring(f'<is xmlns="{main}">{inner}</is>')
    assert _inline_text(element) == Text.from_tree(element).content
