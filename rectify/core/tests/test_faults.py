"""Fault tests (issue 11): the database cut off in the middle of a report submission and of an import.

Nothing partial is saved (row counts and stored files as before) and the user gets a clear error: a
503 page or JSON with Retry-After on the web and the API, a located message for the import's job, a
clear line from the command. Files written before the failure are removed (``rectify.core.files``).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test import Client

from rectify.testing import PASSWORD, api_token, make_finding, upload

pytestmark = pytest.mark.django_db

CUT = "server closed the connection unexpectedly"


class Cutter:
    """An execute wrapper: the database goes away at the ``after``-th INSERT into ``table`` (counted
    from 1) and stays away. Transaction control still passes: the server rolls back what was begun."""

    def __init__(self, table: str, after: int = 1) -> None:
        self.table, self.after, self.seen, self.cut = table, after, 0, False

    def __call__(self, execute, sql, params, many, context):
        statement = sql.lstrip().upper()
        if statement.startswith(("SAVEPOINT", "ROLLBACK", "RELEASE")):
            return execute(sql, params, many, context)
        if not self.cut and statement.startswith("INSERT") and f'"{self.table}"' in sql:
            self.seen += 1
            self.cut = self.seen >= self.after
        if self.cut:
            raise OperationalError(CUT)
        return execute(sql, params, many, context)


@contextmanager
def cut_during(target: str, cutter: Cutter):
    """While the service ``target`` runs (called by a view, the API, a job or a command), the cutter is on."""
    module, name = target.rsplit(".", 1)
    real = getattr(__import__(module, fromlist=[name]), name)

    def cut_off(*args, **kwargs):
        with connection.execute_wrapper(cutter):
            return real(*args, **kwargs)

    with mock.patch(target, cut_off):
        yield
    assert cutter.cut, "the database was never cut off: the test proves nothing"


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


# --- report submission -------------------------------------------------------------------------


def report_state(finding) -> tuple:
    from rectify.findings.models import Finding, FindingEvent
    from rectify.rectification.models import Evidence, ProgressReport

    return (
        Finding.objects.get(pk=finding.pk).state,
        ProgressReport.all_objects.count(),
        Evidence.all_objects.count(),
        FindingEvent.objects.count(),
        Finding.history.count(),
        stored_files(),
    )


def web_report(client, finding, content: bytes):
    return client.post(
        f"/findings/{finding.pk}/report/",
        {
            "measures": "已将挂账款项逐笔核对并清理", "progress": "全部完成",
            "amount_adjusted_in_accounts": "125000.00", "rows-TOTAL_FORMS": "0", "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "50", "evidence": [upload("凭证.png", content)],
        },
    )  # fmt: skip


def api_report(finding, user, content: bytes):
    client = Client(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client.post(
        f"/api/findings/{finding.pk}/reports/",
        {"measures": "已清理", "progress": "全部完成", "evidence": [upload("凭证.png", content)]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


def unique_png(tag: bytes) -> bytes:
    from rectify.testing import PNG_BYTES

    return PNG_BYTES + tag  # another content, so another stored file


@pytest.mark.parametrize("table", ["rectification_evidence", "rectification_progressreport"])
def test_a_report_cut_off_midway_on_the_web_saves_nothing_and_says_so(world, table):
    finding = make_finding(world, "rectifying")
    client = Client()
    assert client.login(username="unit", password=PASSWORD)
    before = report_state(finding)
    with cut_during("rectify.rectification.services.submit_report", Cutter(table)):
        response = web_report(client, finding, unique_png(b"web"))
    assert response.status_code == 503 and response["Retry-After"]
    page = response.content.decode()
    assert "您的操作未生效" in page and "Traceback" not in page
    assert report_state(finding) == before  # no report, no evidence row, no event, no file left behind
    # The database back, the same submission goes through, file and all.
    assert web_report(client, finding, unique_png(b"web")).status_code == 302
    assert report_state(finding)[1:3] == (before[1] + 1, before[2] + 1)
    assert len(stored_files()) == len(before[-1]) + 1


def test_a_report_cut_off_midway_through_the_api_saves_nothing_and_answers_503(world):
    finding = make_finding(world, "rectifying")
    before = report_state(finding)
    with cut_during("rectify.rectification.services.submit_report", Cutter("rectification_evidence")):
        response = api_report(finding, world["unit"], unique_png(b"api"))
    assert response.status_code == 503 and response["Retry-After"]
    assert "未生效" in response.json()["detail"] and response.json()["code"] == "database_unavailable"
    assert report_state(finding) == before


def test_evidence_written_by_a_submission_that_fails_afterwards_is_removed(world):
    """The files are stored last, but a failure after them (here: announcing the report) rolls the
    transaction back; the files go with it."""
    from rectify.rectification import services

    finding = make_finding(world, "rectifying")
    before = report_state(finding)
    with (
        mock.patch("rectify.rectification.services.publish", side_effect=RuntimeError("after the files")),
        pytest.raises(RuntimeError),
    ):
        services.submit_report(
            world["unit"], finding, measures="已清理", progress="全部完成", evidence=[upload("a.png", unique_png(b"1"))]
        )
    assert report_state(finding) == before


def test_files_follow_the_outermost_block_that_fails():
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from rectify.core.files import files_follow_transaction

    with files_follow_transaction():
        kept = default_storage.save("t/kept.txt", ContentFile(b"1"))
    assert default_storage.exists(kept)
    with pytest.raises(ValueError), files_follow_transaction():
        with files_follow_transaction():
            inner = default_storage.save("t/inner.txt", ContentFile(b"2"))  # its own block succeeded …
        raise ValueError  # … but the enclosing one failed
    assert not default_storage.exists(inner) and default_storage.exists(kept)


# --- import ------------------------------------------------------------------------------------


@pytest.fixture
def _import_setup(settings, tmp_path):
    from django.core.cache import caches

    settings.RECTIFY_EXCHANGE_CACHE = "default"
    caches["default"].clear()
    settings.VAR_DIR = tmp_path / "var"


def import_rows(world, n: int = 5) -> list[dict]:
    from rectify.exchange.tests.helpers import new_row

    return [new_row(world, 问题摘要=f"导入的问题{i}") for i in range(n)]


def ledger_state() -> tuple:
    from rectify.exchange.tests.helpers import snapshot

    return snapshot()


def test_an_import_cut_off_midway_on_the_web_saves_nothing_and_says_so(world, _import_setup):
    from rectify.exchange.tests.helpers import workbook

    client = Client(raise_request_exception=False)
    assert client.login(username="auditor", password=PASSWORD)
    token = "0123456789abcdef0123456789abcdef"
    preview = client.post("/ledger/import/", {"file": workbook(import_rows(world)), "token": token})
    assert preview.status_code == 200, preview.content.decode()[:1000]
    confirm = re.search(r'action="(/ledger/import/[0-9a-f]+/confirm/)"', preview.content.decode()).group(1)
    before = ledger_state()
    with cut_during("rectify.exchange.services.import_ledger", Cutter("findings_requirement")):
        done = client.post(confirm, {"token": token})
    assert ledger_state() == before  # not one finding, requirement, event or history row of the file
    assert done.status_code in (302, 503)
    if done.status_code == 302:  # the job's page tells what happened
        page = client.get(done["Location"]).content.decode()
        assert "导入时发生系统错误，数据未作任何修改" in page
    else:
        assert "未生效" in done.content.decode()


def test_an_import_cut_off_midway_from_the_command_saves_nothing_and_says_so(world, _import_setup, tmp_path):
    from rectify.exchange.tests.helpers import workbook

    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(import_rows(world)).getvalue())
    before = ledger_state()
    with (
        cut_during("rectify.exchange.services.import_ledger", Cutter("findings_finding")),
        pytest.raises(CommandError) as refused,
    ):
        call_command("import_ledger", str(path), user="auditor")
    assert "数据库无法访问" in str(refused.value) and "数据未作任何修改" in str(refused.value)
    assert ledger_state() == before


def test_an_import_cut_off_midway_in_the_service_leaves_the_ledger_as_it_was(world, _import_setup):
    from rectify.exchange import services
    from rectify.exchange.tests.helpers import workbook

    before = ledger_state()
    # Cut where the requirements' history is copied: after the findings, their history and the requirements
    # are written (on PostgreSQL those go by COPY, which no execute wrapper sees; the history copy is an INSERT).
    cutter = Cutter("findings_historicalrequirement")
    with connection.execute_wrapper(cutter), pytest.raises(OperationalError):
        services.import_ledger(workbook(import_rows(world)), world["auditor"], name="台账.xlsx")
    assert cutter.cut and ledger_state() == before
