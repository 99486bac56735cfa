"""The import's mechanism: a preview that writes nothing, bulk batches that are all or nothing, history
and events for every new finding, ledger numbers that continue, a bounded number of queries, and the
web's confirmation running as a job."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rectify.core.request_context import request_id_context
from rectify.exchange import services
from rectify.exchange.columns import HEADERS
from rectify.exchange.tests.helpers import edit, export_file, new_row, sheet_rows, snapshot, workbook
from rectify.findings import services as findings
from rectify.findings.choices import EventKind, FindingState
from rectify.findings.models import Finding, FindingEvent, Requirement
from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db

SHEET = "工作表「整改台账」"
TOKEN = "0123456789abcdef0123456789abcdef"
WRITES = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK", "REPLACE")


def run(world, buffer, user="auditor", **kwargs):
    buffer.seek(0)
    return services.import_ledger(buffer, world[user], name=getattr(buffer, "name", "台账.xlsx"), **kwargs)


def rows_of(world, count: int, **overrides) -> list[dict]:
    return [new_row(world, 问题摘要=f"第{n}个导入问题", **overrides) for n in range(count)]


def writes_in(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(WRITES) or "FOR UPDATE" in query["sql"].upper()
    ]


# --- the preview --------------------------------------------------------------------------


def test_the_preview_writes_nothing_and_takes_no_lock(world):
    """New rows, a changed issued finding and a draft whose requirements change: all previewed by
    reads alone (no insert rolled back, no savepoint, no row lock), and reported as before."""
    draft = make_finding(world, state="draft")
    issued = make_finding(world, state="issued", unit=world.sibling_unit)
    header, *exported = sheet_rows(export_file(world["auditor"]))
    rows = [dict(zip(header, row, strict=True)) for row in exported]
    by_number = {row["问题编号"]: row for row in rows}
    by_number[draft.ledger_number]["整改要求"] = "1. 清理挂账\n2. 追回款项"
    by_number[issued.ledger_number].update({"涉及金额（元）": "130,000.50", "整改期限": datetime.date(2025, 10, 31)})
    edited = workbook([*rows, *rows_of(world, 3)], headers=HEADERS)
    counts = snapshot()
    with CaptureQueriesContext(connection) as queries:
        result = run(world, edited, dry_run=True)
    assert result.ok, result.errors
    assert writes_in(queries.captured_queries) == []
    assert snapshot() == counts
    assert not result.applied and len(result.created) == 3 and len(result.changed) == 2
    # The expected numbers continue after the existing findings of the project.
    last = max(draft.sequence, issued.sequence)
    assert [plan.ledger_number for plan in result.created] == [
        findings.ledger_number(world.project, last + n) for n in (1, 2, 3)
    ]
    assert all(plan.finding_id is None for plan in result.created)
    shown = {plan.ledger_number: {c: (b, a) for c, b, a in plan.shown} for plan in result.changed}
    assert shown[issued.ledger_number]["涉及金额（元）"] == ("125,000.00", "130,000.50")
    assert shown[draft.ledger_number]["整改要求"][1] == "清理挂账；追回款项"


def test_the_preview_reports_what_only_the_services_refuse(world):
    """A rule the planner does not know (the finding's own field limits, who may record findings in
    a project) is still found by the preview, located, without writing."""
    too_long = "超" * 201
    rows = [new_row(world), new_row(world, 问题摘要=too_long)]
    with CaptureQueriesContext(connection) as queries:
        result = run(world, workbook(rows), dry_run=True)
    assert writes_in(queries.captured_queries) == []
    assert [(error.row, error.column) for error in result.errors] == [(3, "F")]
    assert str(result.errors[0]).startswith(f"{SHEET}第 3 行 F 列（问题摘要）：")
    # A city auditor sees the district's project but may not record findings in it.
    refused = run(world, workbook([new_row(world)]), user="city_auditor", dry_run=True)
    assert [str(error) for error in refused.errors] == [
        f"{SHEET}第 2 行：只有本项目所属审计机关的审计人员可以登记或修改问题。"
    ]


# --- the import -----------------------------------------------------------------------------


def test_a_refusal_in_a_late_batch_leaves_nothing_behind(world):
    rows = [*rows_of(world, 6), new_row(world, 问题摘要="超" * 201)]
    counts = snapshot()
    history = (Finding.history.count(), Requirement.history.count(), FindingEvent.objects.count())
    result = run(world, workbook(rows), batch_size=2)  # three batches written before the refused row
    assert not result.ok and not result.applied
    assert [(error.row, error.column) for error in result.errors] == [(8, "F")]
    assert snapshot() == counts
    assert (Finding.history.count(), Requirement.history.count(), FindingEvent.objects.count()) == history


def test_a_failure_while_writing_a_late_batch_leaves_nothing_behind(world, monkeypatch):
    written = []
    write = services._Writer._write

    def failing(self, built):
        if len(written) == 2:
            raise RuntimeError("the disk is full")
        written.append(len(built))
        write(self, built)

    monkeypatch.setattr(services._Writer, "_write", failing)
    counts = snapshot()
    with pytest.raises(RuntimeError):
        run(world, workbook(rows_of(world, 7)), batch_size=3)
    assert written == [3, 3]  # two batches had been written when the third failed
    assert snapshot() == counts  # findings, requirements, their history rows, events


def test_new_findings_have_their_history_and_events_with_the_actor_and_request(world):
    auditor = world["auditor"]
    with request_id_context("req-import-9"):
        result = run(world, workbook(rows_of(world, 5)), batch_size=2)
    assert result.ok and result.applied and len(result.created) == 5
    created = Finding.objects.filter(pk__in=[plan.finding_id for plan in result.created])
    assert created.count() == 5 and {f.state for f in created} == {FindingState.DRAFT}
    assert {f.created_by_id for f in created} == {auditor.pk}
    for finding in created:
        (record,) = finding.history.all()
        assert (record.history_type, record.history_user, record.request_id) == ("+", auditor, "req-import-9")
        assert record.history_change_reason.startswith("Excel 台账导入")
        assert [r.text for r in finding.requirements.all()] == ["上缴结余资金", "建立结余资金清理制度"]
        for requirement in finding.requirements.all():
            (row,) = requirement.history.all()
            assert (row.history_type, row.history_user, row.request_id) == ("+", auditor, "req-import-9")
        (event,) = finding.events.all()
        assert (event.kind, event.to_state, event.actor, event.actor_name, event.request_id) == (
            EventKind.CREATED,
            FindingState.DRAFT,
            auditor,
            auditor.display_name,
            "req-import-9",
        )
        # The fiscal flag follows the category, as create_finding sets it.
        assert finding.involves_fiscal_funds == finding.category.involves_fiscal_funds


def test_ledger_numbers_continue_without_gap_after_existing_findings(world):
    first = make_finding(world)
    second = make_finding(world)
    second.delete()  # a number once given is not given again, even when its finding is deleted
    other = make_finding(world, project=world.cadre_project)
    preview = run(world, workbook(rows_of(world, 3)), dry_run=True)
    result = run(world, workbook(rows_of(world, 3)))
    assert result.ok, result.errors
    sequences = [Finding.objects.get(pk=plan.finding_id).sequence for plan in result.created]
    assert sequences == [second.sequence + 1, second.sequence + 2, second.sequence + 3]
    assert [plan.ledger_number for plan in result.created] == [plan.ledger_number for plan in preview.created]
    assert [plan.ledger_number for plan in result.created] == [
        findings.ledger_number(world.project, sequence) for sequence in sequences
    ]
    assert first.sequence < second.sequence
    # Recording one more by hand continues after the imported ones; the other project keeps its own count.
    after = make_finding(world)
    assert after.sequence == second.sequence + 4
    assert make_finding(world, project=world.cadre_project).sequence == other.sequence + 1


def test_rows_for_two_projects_are_numbered_each_in_its_own_project(world):
    rows = [
        new_row(world, 问题摘要="一"),
        new_row(world, 问题摘要="二", 审计项目=world.cadre_project.name),
        new_row(world, 问题摘要="三"),
    ]
    result = run(world, workbook(rows))
    assert result.ok, result.errors
    numbers = {plan.title: plan.ledger_number for plan in result.created}
    assert numbers == {
        "一": findings.ledger_number(world.project, 1),
        "二": findings.ledger_number(world.cadre_project, 1),
        "三": findings.ledger_number(world.project, 2),
    }


def test_the_queries_of_a_thousand_rows_are_bounded(world):
    rows = [new_row(world, 问题摘要=f"问题{n}", 整改期限=None) for n in range(1000)]
    buffer = workbook(rows)
    with CaptureQueriesContext(connection) as queries:
        result = run(world, buffer)
    assert result.ok and len(result.created) == 1000
    # Before: about 27 statements a row (27,000). Now a few per batch of inserts, whatever the rows.
    assert len(queries.captured_queries) < 150, len(queries.captured_queries)
    assert Finding.objects.filter(title__startswith="问题").count() == 1000
    assert Requirement.objects.filter(finding__title__startswith="问题").count() == 2000


def test_an_import_asks_as_many_queries_for_twelve_rows_as_for_three(world):
    """Reading, checking and writing a batch cost the same queries however many rows it holds: the history
    rows are copied by the database, the tallies' marks written at once."""

    def queries_importing(count: int, title: str) -> int:
        buffer = workbook([new_row(world, 问题摘要=f"{title}{n}") for n in range(count)])
        with CaptureQueriesContext(connection) as queries:
            result = run(world, buffer, batch_size=100)
        assert result.ok and len(result.created) == count
        return len(queries)

    queries_importing(1, "预热")  # the first import reads the deadline rules and the like once
    assert queries_importing(12, "十二行") == queries_importing(3, "三行")


def test_an_import_asks_as_many_queries_for_rows_of_two_projects_as_of_one(world):
    """The units that may answer for each project's findings are read for all the file's projects at once."""

    def queries_importing(projects, title: str) -> int:
        rows = [new_row(world, 问题摘要=f"{title}{n}", 审计项目=projects[n % len(projects)].name) for n in range(4)]
        with CaptureQueriesContext(connection) as queries:
            result = run(world, workbook(rows), batch_size=100)
        assert result.ok and len(result.created) == 4, result.errors
        return len(queries)

    queries_importing([world.project], "预热")
    assert queries_importing([world.project, world.cadre_project], "两个项目") == queries_importing(
        [world.project], "一个项目"
    )


def test_corrections_still_go_through_the_services(world):
    finding = make_finding(world, state="issued")
    edited = edit(export_file(world["auditor"]), {(2, "涉及金额（元）"): 1})
    with request_id_context("req-fix"):
        result = run(world, edited)
    assert result.ok and len(result.changed) == 1
    latest = finding.history.first()
    assert (latest.history_user, latest.request_id) == (world["auditor"], "req-fix")
    assert latest.history_change_reason.startswith("Excel 台账导入")


# --- the web: a job on the queue ----------------------------------------------------------------


def _preview_page(client, world, rows):
    import re

    assert client.login(username="auditor", password=PASSWORD)
    html = client.post(reverse("exchange:ledger-import"), {"file": workbook(rows), "token": "e" * 32}).content.decode()
    return re.search(r'action="(/ledger/import/[0-9a-f]+/confirm/)"', html).group(1)


def test_the_confirmation_only_queues_the_job_and_the_page_follows_it(client, world, monkeypatch):
    from rectify.core import jobs as queue
    from rectify.exchange import jobs

    queued = []
    monkeypatch.setattr(queue, "enqueue", lambda func, *args, **kwargs: queued.append((func, kwargs)) or "job-1")
    confirm_url = _preview_page(client, world, rows_of(world, 2))
    counts = snapshot()
    response = client.post(confirm_url, {"token": TOKEN})
    job_url = reverse("exchange:ledger-import-job", args=[TOKEN])
    assert response.status_code == 302 and response["Location"] == job_url
    ((func, kwargs),) = queued
    assert func == "rectify.exchange.jobs.run_import" and kwargs["token"] == TOKEN
    assert snapshot() == counts  # nothing written by the request
    page = client.get(job_url)
    html = page.content.decode()
    assert page.status_code == 200 and "正在后台写入" in html and "已提交，等待后台任务处理" in html
    assert "data-progress-autostart" in html and "data-reload-when-finished" in html and "<script>" not in html
    progress_url = reverse("exchange:ledger-import-progress", args=[TOKEN])
    assert "data-finished" not in client.get(progress_url).content.decode()
    # Another auditor does not see this import's page.
    client.logout()
    assert client.login(username="auditor2", password=PASSWORD)
    assert client.get(job_url).status_code == 404
    client.logout()
    # The worker runs the job.
    kwargs.pop("group")
    outcome = jobs.run_import(**kwargs)
    assert outcome["ok"] and outcome["created"] == 2
    assert Finding.objects.filter(title__startswith="第").count() == 2
    finished = client.get(progress_url)
    assert "data-finished" in finished.content.decode() and "sessionid" not in finished.cookies
    assert "台账已导入" not in finished.content.decode()  # the bar shows progress, never the outcome
    assert client.login(username="auditor", password=PASSWORD)
    end = client.get(job_url, follow=True)
    assert end.redirect_chain == [(reverse("ledger:ledger"), 302)]
    assert "台账已导入：新建 2 个问题（草稿），修改 0 个问题，0 个问题无变化。" in end.content.decode()


def test_the_job_runs_on_the_queue_and_records_its_success(client, world):
    from django_q.models import Task

    confirm_url = _preview_page(client, world, rows_of(world, 1))
    client.post(confirm_url, {"token": TOKEN})
    (task,) = Task.objects.filter(func="rectify.exchange.jobs.run_import")
    assert task.success and task.result["ok"] and task.result["created"] == 1
    record = client.get(reverse("exchange:ledger-import-progress", args=[TOKEN])).content.decode()
    assert "data-finished" in record


def test_the_job_refuses_an_upload_changed_since_the_preview(world, settings):
    from django.core.files.storage import default_storage

    from rectify.exchange import jobs, progress

    path, digest = services.stash_upload(workbook(rows_of(world, 1)))
    with default_storage.open(path, "wb") as handle:
        handle.write(workbook([new_row(world, 问题摘要="偷换的内容")]).getvalue())
    counts = snapshot()
    outcome = jobs.run_import(path=path, sha256=digest, name="台账.xlsx", user_id=world["auditor"].pk, token=TOKEN)
    assert not outcome["ok"] and "待导入的文件已失效" in outcome["errors"][0]["message"]
    assert progress.outcome(TOKEN, world["auditor"].pk) == outcome
    assert progress.outcome(TOKEN, world["auditor2"].pk) is None
    assert snapshot() == counts


def test_the_job_speaks_the_language_of_the_confirmation(world):
    from rectify.exchange import jobs

    path, digest = services.stash_upload(workbook([new_row(world, 责任单位="查无此单位")]))
    outcome = jobs.run_import(
        path=path, sha256=digest, name="ledger.xlsx", user_id=world["auditor"].pk, token=TOKEN, language="en"
    )
    assert not outcome["ok"]
    assert outcome["errors"][0]["message"] != "未知的单位「查无此单位」，或不在您的职责范围内。"
    assert not Finding.objects.exists()


def test_the_command_runs_the_same_service_and_refuses_to_overlap(world, tmp_path):
    import io

    from django.core.management import CommandError, call_command

    from rectify.core.commands import exclusive

    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(rows_of(world, 2)).getvalue())
    if connection.vendor != "postgresql":  # an advisory lock is re-entrant within the test's own session
        with exclusive("import-ledger"), pytest.raises(CommandError, match="已在运行"):
            call_command("import_ledger", str(path), user="auditor", stdout=io.StringIO())
        assert not Finding.objects.exists()
    out = io.StringIO()
    call_command("import_ledger", str(path), user="auditor", stdout=out)
    assert "新建 2 个问题（草稿）" in out.getvalue()
    requests = {record.request_id for record in Finding.history.all()}
    assert len(requests) == 1 and requests.pop().startswith("cmd-")
