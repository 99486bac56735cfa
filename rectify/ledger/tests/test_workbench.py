import datetime

import pytest
import time_machine

from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db


def task_counts(client, user) -> dict[str, int]:
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get("/workbench/")
    assert response.status_code == 200
    return {task.key: task.count for task in response.context["tasks"]}


@time_machine.travel(datetime.datetime(2025, 10, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_each_role_sees_what_awaits_it(client, world):
    make_finding(world, state="draft")
    make_finding(world, state="issued", deadline=datetime.date(2025, 12, 31))
    make_finding(world, state="rectifying", deadline=datetime.date(2025, 10, 1))  # overdue
    make_finding(world, state="submitted", deadline=datetime.date(2025, 12, 31))
    make_finding(world, state="rectifying", unit=world.other_unit, deadline=datetime.date(2025, 10, 1))

    auditor = task_counts(client, world["auditor"])
    assert auditor["to_issue"] == 1 and auditor["to_verify"] == 1 and auditor["overdue"] == 2

    unit = task_counts(client, world["unit"])
    assert unit["to_plan"] == 1 and unit["to_report"] == 1 and unit["awaiting_verification"] == 1
    assert unit["overdue_unexplained"] == 1

    dept = task_counts(client, world["dept"])
    assert dept["watch_overdue"] == 1  # its own unit's, not the transport bureau's

    assert task_counts(client, world["sysadmin"]) == {}


@time_machine.travel(datetime.datetime(2025, 10, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_an_explained_delay_leaves_the_unexplained_list(client, world):
    from rectify.rectification.services import explain_delay

    finding = make_finding(world, state="rectifying", deadline=datetime.date(2025, 10, 1))
    assert task_counts(client, world["unit"])["overdue_unexplained"] == 1
    explain_delay(
        world["unit"], finding, reason="涉及诉讼，需待法院判决", expected_completion=datetime.date(2025, 12, 1)
    )
    assert task_counts(client, world["unit"])["overdue_unexplained"] == 0


def test_the_government_sees_figures_but_no_rows(client, world, settings):
    settings.RECTIFY_MIN_GROUP_SIZE = 1  # two findings: small groups are test_small_groups' concern
    make_finding(world, state="closed")
    make_finding(world, state="issued")
    client.login(username="gov", password=PASSWORD)
    response = client.get("/workbench/")
    figures = response.context["figures"]
    assert figures["published"] == 2 and figures["closed"] == 1
    ledger = client.get("/ledger/")  # no rows for it: sent back to its workbench
    assert ledger.status_code == 302 and ledger["Location"] == "/workbench/"


def test_a_higher_office_is_not_given_a_districts_work(client, world):
    make_finding(world, state="submitted")
    make_finding(world, state="draft")
    city = task_counts(client, world["city_auditor"])
    assert city["to_verify"] == 0 and city["to_issue"] == 0


def _continued_report(world, finding):
    from rectify.rectification.services import submit_report

    return submit_report(
        world["unit"], finding, measures="分年度推进", progress="已完成一个阶段",
        next_steps="推进下一阶段", next_steps_due=datetime.date(2026, 12, 31),
    )  # fmt: skip


def test_the_auditor_is_given_long_term_findings_whose_latest_report_awaits_verification(client, world):
    """Each finding's own latest round decides, whatever the ids of its reports and of other findings.

    Two findings each have a verified first round and an unverified second one; a third has its
    latest round verified. A "latest round" looked up by the report's id instead of the finding's
    cannot match both second rounds (their ids cannot both equal their findings' ids)."""
    from rectify.rectification.services import verify

    waiting = [make_finding(world, state="long_term", deadline=datetime.date(2027, 12, 31)) for _ in range(2)]
    done = make_finding(world, state="long_term", deadline=datetime.date(2027, 12, 31))
    for finding in [*waiting, done]:
        first = _continued_report(world, finding)
        verify(world["auditor"], first, verdict="partly_rectified", reasons="阶段性完成", verified_amount="0")
    for finding in waiting:
        _continued_report(world, finding)
    verify(world["auditor"], _continued_report(world, done), verdict="partly_rectified", reasons="阶段性完成")

    client.force_login(world["auditor"])
    tasks = {task.key: task for task in client.get("/workbench/").context["tasks"]}
    assert tasks["long_term_reports"].count == 2
    assert {f.pk for f in tasks["long_term_reports"].items} == {f.pk for f in waiting}


@time_machine.travel(datetime.datetime(2025, 10, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_a_returned_finding_stands_out_at_the_top_with_the_reasons_until_reported_again(client, world):
    from rectify.rectification.services import submit_report, verify

    make_finding(world, state="rectifying", deadline=datetime.date(2025, 10, 20))
    returned = make_finding(world, state="submitted", deadline=datetime.date(2025, 12, 31))
    verify(world["auditor"], returned.reports.get(), verdict="partly_rectified", reasons="挂账款项尚未全部清理")

    assert client.login(username="unit", password=PASSWORD)
    response = client.get("/workbench/")
    tasks = response.context["tasks"]
    assert tasks[0].key == "returned" and tasks[0].count == 1 and tasks[0].items == [returned]
    assert tasks[1].key == "overdue_unexplained"
    counts = {task.key: task.count for task in tasks}
    assert counts["to_report"] == 1  # the returned one is not lost among the others
    card = response.content.decode().split('data-task="returned"')[1].split('data-task="overdue_unexplained"')[0]
    assert "被退回、须重新整改" in card and "部分整改" in card and "挂账款项尚未全部清理" in card

    submit_report(world["unit"], returned, measures="已全部清理", progress="完成")
    assert task_counts(client, world["unit"])["returned"] == 0


@time_machine.travel(datetime.datetime(2025, 10, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_lists_say_how_long_overdue_and_which_date_they_show(client, world):
    make_finding(world, state="rectifying", deadline=datetime.date(2025, 10, 1))
    make_finding(world, state="submitted", deadline=datetime.date(2025, 12, 31))

    assert client.login(username="unit", password=PASSWORD)
    page = client.get("/workbench/").content.decode()
    overdue = page.split('data-task="overdue_unexplained"')[1].split('data-task="to_plan"')[0]
    assert "已逾期 14 天" in overdue and "text-danger" in overdue and "2025-10-01" not in overdue.split("title=")[0]
    assert '<span data-testid="date-label">整改期限</span>' in overdue

    client.logout()
    assert client.login(username="auditor", password=PASSWORD)
    page = client.get("/workbench/").content.decode()
    to_verify = page.split('data-task="to_verify"')[1].split('data-task="long_term_reports"')[0]
    assert '<span data-testid="date-label">报送日</span>' in to_verify and "2025-10-15" in to_verify
