"""The daily sweep with the clock moved through a finding's life: reminders at the lead times,
weekly while overdue, once each whatever the number of runs; escalation; routing by audit type."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rectify.notifications.models import Notification
from rectify.rectification import services as rectification
from rectify.reporting.choices import EscalationState
from rectify.reporting.models import EscalationProposal, ReportingRules
from rectify.reporting.sweep import reminder_slot, sweep
from rectify.testing import PASSWORD, make_finding, upload

pytestmark = pytest.mark.django_db
D = datetime.date
DUE = D(2025, 7, 31)


def inbox(world, username: str, *names: str) -> list[str]:
    found = Notification.objects.filter(recipient=world[username])
    if names:
        found = found.filter(event_name__in=names)
    return list(found.order_by("pk").values_list("title", flat=True))


def reminders(world, username: str = "unit") -> list[str]:
    return inbox(world, username, "obligation.reminder", "obligation.overdue")


@pytest.fixture
def owed(world, on):
    with on(D(2025, 7, 1)):
        return make_finding(world, state="rectifying", deadline=DUE)


def sweep_on(on, day):
    with on(day):
        return sweep()


def test_the_reminder_slot_for_each_day():
    leads = [7, 1, 0]
    assert reminder_slot(DUE, D(2025, 7, 23), leads, 7) is None
    assert reminder_slot(DUE, D(2025, 7, 24), leads, 7) == ("lead7", D(2025, 7, 24))
    assert reminder_slot(DUE, D(2025, 7, 29), leads, 7) == ("lead7", D(2025, 7, 24))
    assert reminder_slot(DUE, D(2025, 7, 30), leads, 7) == ("lead1", D(2025, 7, 30))
    assert reminder_slot(DUE, DUE, leads, 7) == ("lead0", DUE)
    assert reminder_slot(DUE, D(2025, 8, 6), leads, 7) == ("lead0", DUE)
    assert reminder_slot(DUE, D(2025, 8, 7), leads, 7) == ("overdue1", D(2025, 8, 7))
    assert reminder_slot(DUE, D(2025, 8, 21), leads, 7) == ("overdue3", D(2025, 8, 21))


def test_a_sweep_every_day_reminds_at_each_lead_time_then_weekly_and_never_twice(world, on, owed):
    sent_on = {}
    for offset in range(-10, 16):
        day = DUE + datetime.timedelta(days=offset)
        before = len(reminders(world))
        sweep_on(on, day)
        again = sweep_on(on, day)  # a second run the same day
        assert again.reminders == 0
        if len(reminders(world)) > before:
            sent_on[offset] = len(reminders(world)) - before
    # 7 and 1 days before, on the day, then a week and two weeks after.
    assert sent_on == {-7: 1, -1: 1, 0: 1, 7: 1, 14: 1}
    titles = reminders(world)
    assert "将于 2025-07-31 到期" in titles[0] and "已逾期 7 天" in titles[3] and "已逾期 14 天" in titles[4]


def test_once_overdue_the_unit_head_and_the_competent_department_are_told_too(world, on, owed):
    sweep_on(on, DUE - datetime.timedelta(days=7))
    assert reminders(world, "unithead") == [] and reminders(world, "dept") == []
    sweep_on(on, DUE + datetime.timedelta(days=7))
    assert len(reminders(world, "unit")) == 2
    assert len(reminders(world, "unithead")) == 1 and len(reminders(world, "dept")) == 1
    assert reminders(world, "sibling") == [] and reminders(world, "discipline") == []


def test_a_sweep_after_missed_days_sends_the_reminder_due_once_and_not_the_ones_it_superseded(world, on, owed):
    sweep_on(on, D(2025, 7, 22))
    assert reminders(world) == []
    # Missed the 23rd and 24th (the seven-day reminder's day): the 25th catches up, once.
    result = sweep_on(on, D(2025, 7, 25))
    assert result.reminders == 1 and result.by_slot == {"lead7": 1}
    assert sweep_on(on, D(2025, 7, 25)).reminders == 0
    assert sweep_on(on, D(2025, 7, 26)).reminders == 0
    # Missed the day before and the day itself: the 1st of August sends the latest, once.
    result = sweep_on(on, D(2025, 8, 1))
    assert result.by_slot == {"lead0": 1}
    assert len(reminders(world)) == 2


def test_a_met_obligation_is_not_reminded(world, on, owed):
    with on(D(2025, 7, 20)):
        rectification.submit_report(
            world["unit"], owed, measures="已清理", progress="完成", evidence=[upload()],
            amounts={"amount_adjusted_in_accounts": "1000.00"},
        )  # fmt: skip
    for day in (D(2025, 7, 24), DUE, D(2025, 8, 7)):
        assert sweep_on(on, day).reminders == 0


def test_overdue_past_the_grace_period_becomes_an_escalation_proposal_unless_a_delay_was_accepted(world, on, owed):
    assert sweep_on(on, DUE + datetime.timedelta(days=30)).escalations == 0  # the grace period is 30 days
    result = sweep_on(on, DUE + datetime.timedelta(days=31))
    assert result.escalations == 1
    assert sweep_on(on, DUE + datetime.timedelta(days=31)).escalations == 0
    assert sweep_on(on, DUE + datetime.timedelta(days=40)).escalations == 0
    proposal = EscalationProposal.objects.get(finding=owed)
    assert proposal.days_overdue == 31 and proposal.state == EscalationState.OPEN
    assert any("建议约谈" in t for t in inbox(world, "auditor", "obligation.escalated"))
    assert any("建议约谈" in t for t in inbox(world, "auditlead", "obligation.escalated"))
    assert inbox(world, "unit", "obligation.escalated") == []


def test_an_accepted_delay_explanation_holds_the_escalation_until_its_date_passes(world, on):
    with on(D(2025, 7, 1)):
        finding = make_finding(world, state="rectifying", deadline=DUE)
    with on(D(2025, 8, 5)):
        rectification.explain_delay(world["unit"], finding, reason="涉及诉讼", expected_completion=D(2025, 10, 31))
    with on(D(2025, 8, 6)):
        rectification.decide_delay(world["auditor"], finding, accept=True, note="同意")
    assert sweep_on(on, D(2025, 9, 15)).escalations == 0
    assert sweep_on(on, D(2025, 10, 31)).escalations == 0
    assert sweep_on(on, D(2025, 11, 1)).escalations == 1


def test_a_rejected_delay_explanation_does_not_hold_it(world, on):
    with on(D(2025, 7, 1)):
        finding = make_finding(world, state="rectifying", deadline=DUE)
    with on(D(2025, 8, 5)):
        rectification.explain_delay(world["unit"], finding, reason="人手不足", expected_completion=D(2025, 10, 31))
    with on(D(2025, 8, 6)):
        rectification.decide_delay(world["auditor"], finding, accept=False, note="理由不充分")
    assert sweep_on(on, D(2025, 9, 15)).escalations == 1
    assert any("未获同意" in t for t in inbox(world, "unit", "delay.rejected"))


def test_the_jurisdictions_rules_set_lead_times_and_grace(world, on, owed):
    ReportingRules.objects.create(
        jurisdiction=world.district_a, reminder_lead_days=[3], overdue_reminder_days=0, escalation_grace_days=5
    )
    sent = [day for day in range(-10, 10) if sweep_on(on, DUE + datetime.timedelta(days=day)).reminders]
    assert sent == [-3]  # no weekly reminders when switched off
    assert EscalationProposal.objects.filter(finding=owed, days_overdue=6).exists()


def test_the_sweep_command_runs_for_a_given_day_and_refuses_a_bad_one(world, on, owed):
    out = StringIO()
    with on(D(2025, 7, 24)):
        call_command("sweep", "--date", "2025-07-24", stdout=out)
    assert "发送提醒 1 条" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("sweep", "--date", "2025-13-01")


def test_reports_reach_the_competent_department_and_on_cadre_audits_the_organization_department(world, on):
    with on(D(2025, 7, 1)):
        budget = make_finding(world, state="rectifying", deadline=DUE)
        cadre = make_finding(world, state="rectifying", deadline=DUE, project=world.cadre_project)
    world.cadre_project.audited_official = "李四（原校长）"
    world.cadre_project.save()
    for finding in (budget, cadre):
        with on(D(2025, 7, 10)):
            rectification.submit_report(
                world["unit"], finding, measures="已清理", progress="完成", evidence=[upload()],
                amounts={"amount_adjusted_in_accounts": "1000.00"},
            )  # fmt: skip
    assert len(inbox(world, "dept", "report.submitted")) == 2
    org = Notification.objects.filter(recipient=world["orgdept"], event_name="report.submitted")
    assert [n.object_id for n in org] == [cadre.pk]
    assert "李四（原校长）" in org[0].body
    for nobody in ("discipline", "committee", "gov", "congress", "finance", "sibling"):
        assert inbox(world, nobody, "report.submitted") == []


def test_the_workbenches_show_what_is_owed_routed_and_proposed(client, world, on, owed):
    cadre = None
    with on(D(2025, 7, 1)):
        cadre = make_finding(world, state="rectifying", deadline=DUE, project=world.cadre_project)
    with on(D(2025, 7, 10)):
        rectification.submit_report(
            world["unit"], cadre, measures="已清理", progress="完成", evidence=[upload()],
            amounts={"amount_adjusted_in_accounts": "1000.00"},
        )  # fmt: skip
    sweep_on(on, DUE + datetime.timedelta(days=31))
    with on(DUE + datetime.timedelta(days=31)):
        pages = {}
        for username in ("unit", "dept", "orgdept", "auditor", "auditlead", "discipline"):
            client.login(username=username, password=PASSWORD)
            pages[username] = client.get("/workbench/").content.decode()
            client.logout()
    assert 'data-testid="owed-row"' in pages["unit"]
    assert pages["dept"].count('data-testid="routed-report"') == 1
    assert pages["orgdept"].count('data-testid="routed-report"') == 1
    # The escalation became an interview proposal, on the audit leader's list (rectify.interviews).
    assert pages["auditlead"].count('data-testid="interview-proposal"') == 1
    for username in ("unit", "dept", "orgdept", "auditor", "discipline"):
        assert 'data-testid="interview-proposals"' not in pages[username]
    assert 'data-panel="reporting' not in pages["discipline"]


def test_a_sweep_over_more_obligations_than_a_batch_reminds_each_once(world, on, monkeypatch):
    from rectify.reporting import sweep as sweep_module

    monkeypatch.setattr(sweep_module, "BATCH", 2)
    with on(D(2025, 7, 1)):
        for _ in range(5):
            make_finding(world, state="rectifying", deadline=DUE)
    assert sweep_on(on, D(2025, 7, 24)).reminders == 5
    assert sweep_on(on, D(2025, 7, 24)).reminders == 0
