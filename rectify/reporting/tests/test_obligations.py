"""A finding's reporting obligations through its life, with the clock moved day by day."""

import datetime

import pytest

from rectify.findings import services as findings
from rectify.rectification import services as rectification
from rectify.reporting.choices import DayCounting, HolidayKind, ObligationKind
from rectify.reporting.models import Holiday, Obligation, ReportingRules
from rectify.reporting.services import on_time_figures
from rectify.testing import PASSWORD, make_finding, upload

pytestmark = pytest.mark.django_db
D = datetime.date


def obligations(finding):
    return [
        (o.kind, o.sequence, o.due_date, o.met_on_time, o.cancelled_at is not None)
        for o in Obligation.objects.filter(finding=finding).order_by("due_date", "kind", "sequence")
    ]


def report(world, finding, **extra):
    return rectification.submit_report(
        world["unit"],
        finding,
        measures="已清理挂账款项",
        progress="完成部分清理",
        amounts={"amount_adjusted_in_accounts": "1000.00"},
        evidence=[upload()],
        **extra,
    )


def test_issuing_an_immediate_finding_owes_the_first_report_by_its_deadline(world, on):
    with on(D(2025, 6, 2)):
        finding = make_finding(world, state="issued", deadline=D(2025, 7, 2))
    assert obligations(finding) == [(ObligationKind.FIRST_REPORT, 1, D(2025, 7, 2), None, False)]


def test_a_round_meets_the_obligation_on_time_or_late_and_a_return_owes_a_new_one(world, on):
    with on(D(2025, 6, 2)):
        finding = make_finding(world, state="rectifying", deadline=D(2025, 6, 30))
    with on(D(2025, 7, 3)):  # three days late
        report(world, finding)
    assert obligations(finding) == [(ObligationKind.FIRST_REPORT, 1, D(2025, 6, 30), False, False)]
    with on(D(2025, 7, 10)):
        rectification.return_for_rework(world["auditor"], finding, comment="佐证材料不全")
    # Thirty days from the return, since the deadline has passed.
    assert obligations(finding)[-1] == (ObligationKind.RESUBMISSION, 1, D(2025, 8, 9), None, False)
    with on(D(2025, 8, 1)):
        report(world, finding)
    assert obligations(finding)[-1] == (ObligationKind.RESUBMISSION, 1, D(2025, 8, 9), True, False)
    figures = on_time_figures(Obligation.objects.filter(finding=finding), D(2025, 8, 2))
    assert (figures["on_time"], figures["late"], figures["missed"], figures["rate"]) == (1, 1, 0, 50.0)


def test_a_phased_plan_owes_a_report_at_each_milestone_before_the_deadline(world, on):
    with on(D(2025, 3, 10)):
        finding = make_finding(world, state="issued", kind="phased", deadline=D(2025, 12, 31))
        rectification.submit_plan(
            world["unit"],
            finding,
            measures="分三个阶段清理",
            responsible_person="张三",
            planned_completion=D(2025, 12, 31),
            milestones=[("摸清底数", D(2025, 5, 31)), ("清理一半", D(2025, 8, 31)), ("全部清理", D(2025, 12, 31))],
        )
    assert [(k, s, d) for k, s, d, *_ in obligations(finding)] == [
        (ObligationKind.MILESTONE, 1, D(2025, 5, 31)),
        (ObligationKind.MILESTONE, 2, D(2025, 8, 31)),
        (ObligationKind.FIRST_REPORT, 1, D(2025, 12, 31)),
    ]
    with on(D(2025, 6, 3)):  # the first milestone's report, late, put up for verification
        report(world, finding)
    with on(D(2025, 6, 10)):
        rectification.return_for_rework(world["auditor"], finding, comment="仅完成第一阶段，继续整改")
    met = obligations(finding)
    assert met[0][3] is False  # the first milestone met, late
    # A round put up for verification answers what is owed ahead too; the return owes a new report.
    assert met[1][3] is True and met[2][3] is True
    assert met[-1][:3] == (ObligationKind.RESUBMISSION, 1, D(2025, 12, 31))


def test_a_long_term_finding_owes_a_road_map_then_a_report_every_six_months_from_a_month_end(world, on):
    with on(D(2027, 8, 31)):
        finding = make_finding(world, state="issued", kind="long_term", deadline=D(2029, 12, 31))
    assert [(k, s, d) for k, s, d, *_ in obligations(finding)] == [
        (ObligationKind.ROADMAP, 1, D(2027, 9, 30)),
        (ObligationKind.CONTINUED, 1, D(2028, 2, 29)),  # six months after 31 August, a leap year
    ]
    with on(D(2027, 9, 20)):
        rectification.submit_plan(
            world["unit"],
            finding,
            measures="分年度推进",
            responsible_person="张三",
            planned_completion=D(2029, 12, 31),
            milestones=[("完成2028年度任务", D(2028, 12, 31))],
        )
    roadmap = Obligation.objects.get(finding=finding, kind=ObligationKind.ROADMAP)
    assert roadmap.met_on_time is True
    # The sweep rolls the schedule on once a report falls due, counted from the start (no drift).
    from rectify.reporting.sweep import sweep

    with on(D(2028, 3, 1)):
        sweep()
    assert [(k, s, d) for k, s, d, *_ in obligations(finding) if k == ObligationKind.CONTINUED] == [
        (ObligationKind.CONTINUED, 1, D(2028, 2, 29)),
        (ObligationKind.CONTINUED, 2, D(2028, 8, 31)),
    ]


def test_closing_a_finding_cancels_what_it_no_longer_owes(world, on):
    with on(D(2025, 6, 2)):
        finding = make_finding(world, state="issued", kind="long_term", deadline=D(2026, 12, 31))
    assert len(obligations(finding)) == 2  # the road map and the first continued report
    with on(D(2025, 6, 20)):
        findings.start_rectification(world["unit"], finding)
        latest = report(world, finding)
    with on(D(2025, 6, 25)):
        rectification.verify(
            world["auditor"], latest, verdict="rectified", reasons="核实无误", verified_amount="1000.00"
        )
    finding.refresh_from_db()
    assert finding.state == "closed"
    rows = Obligation.objects.filter(finding=finding)
    assert rows.filter(cancelled_at__isnull=True, met_at__isnull=True).count() == 0
    assert rows.filter(cancelled_at__isnull=False).exists()


def test_moving_the_deadline_moves_what_is_not_yet_met(world, on):
    with on(D(2025, 6, 2)):
        finding = make_finding(world, state="issued", deadline=D(2025, 7, 2))
        findings.update_finding(world["auditor"], finding, deadline=D(2025, 8, 15), reason="单位申请延期，经研究同意")
    assert obligations(finding) == [(ObligationKind.FIRST_REPORT, 1, D(2025, 8, 15), None, False)]


def test_working_days_and_the_holiday_calendar_where_the_jurisdiction_chooses_them(world, on):
    ReportingRules.objects.create(jurisdiction=world.district_a, day_counting=DayCounting.WORKING, roadmap_days=5)
    for day in range(1, 9):
        Holiday.objects.create(date=D(2025, 10, day), kind=HolidayKind.HOLIDAY, name="国庆节")
    Holiday.objects.create(date=D(2025, 9, 28), kind=HolidayKind.WORKDAY, name="国庆节调休")
    with on(D(2025, 9, 26)):  # a Friday
        long_term = make_finding(world, state="issued", kind="long_term", deadline=D(2026, 12, 31))
        on_holiday = make_finding(world, state="issued", deadline=D(2025, 10, 3))
    # The road map in five working days: 28, 29, 30 September, then 9 and 10 October.
    assert obligations(long_term)[0][:3] == (ObligationKind.ROADMAP, 1, D(2025, 10, 10))
    assert obligations(on_holiday)[0][2] == D(2025, 10, 9)


def test_the_finding_page_shows_its_obligations_and_the_unit_page_its_on_time_rate(client, world, on):
    with on(D(2025, 6, 2)):
        finding = make_finding(world, state="rectifying", deadline=D(2025, 6, 30))
    with on(D(2025, 7, 3)):
        report(world, finding)
    with on(D(2025, 7, 3)):
        client.login(username="unit", password=PASSWORD)
        page = client.get(f"/findings/{finding.pk}/").content.decode()
        assert 'data-testid="obligations"' in page and 'data-status="late"' in page
        client.logout()
        client.login(username="dept", password=PASSWORD)
        page = client.get(f"/organizations/{world.unit.pk}/").content.decode()
        assert 'data-testid="on-time-rate">0.0%' in page
