"""Each rule from the triggering facts to the proposal, once only, and switched off by its jurisdiction."""

import datetime

import pytest

from rectify.findings.choices import EventKind
from rectify.interviews.choices import Ground, InterviewState
from rectify.interviews.models import Interview, InterviewRules
from rectify.interviews.tests.helpers import repeat_finding
from rectify.rectification import services as rectification
from rectify.reporting.choices import EscalationState
from rectify.reporting.models import EscalationProposal
from rectify.reporting.sweep import sweep
from rectify.testing import make_finding, upload

pytestmark = pytest.mark.django_db
D = datetime.date
DUE = D(2025, 7, 31)


def sweep_on(on, day):
    with on(day):
        return sweep()


def timeline(finding, action):
    return list(finding.events.filter(kind=EventKind.INTERVIEW, action=action).values_list("comment", flat=True))


def test_overdue_past_the_grace_period_proposes_once(world, on):
    with on(D(2025, 7, 1)):
        finding = make_finding(world, state="rectifying", deadline=DUE)
    sweep_on(on, DUE + datetime.timedelta(days=30))
    assert not Interview.objects.exists()  # within the grace period
    sweep_on(on, DUE + datetime.timedelta(days=31))
    (interview,) = Interview.objects.all()
    assert (interview.finding, interview.unit, interview.ground) == (finding, world.unit, Ground.OVERDUE)
    assert interview.state == InterviewState.PROPOSED
    escalation = EscalationProposal.objects.get()
    assert list(interview.escalations.all()) == [escalation]
    assert "逾期31天" in interview.basis
    assert len(timeline(finding, "interview_proposed")) == 1
    sweep_on(on, DUE + datetime.timedelta(days=40))
    assert Interview.objects.count() == 1
    assert len(timeline(finding, "interview_proposed")) == 1


def test_deciding_the_interview_decides_the_escalation(world, on):
    from rectify.interviews import services

    with on(D(2025, 7, 1)):
        make_finding(world, state="rectifying", deadline=DUE)
    sweep_on(on, DUE + datetime.timedelta(days=31))
    interview = Interview.objects.get()
    with on(DUE + datetime.timedelta(days=32)):
        services.decide(world["auditlead"], interview.pk, approve=False, reason="已口头说明，暂不约谈")
    escalation = EscalationProposal.objects.get()
    assert escalation.state == EscalationState.DISMISSED
    assert escalation.decision_reason == "已口头说明，暂不约谈"
    assert escalation.decided_by == world["auditlead"]


def test_dismissing_the_escalation_on_its_own_dismisses_the_interview_proposal_taking_it_up_does_not(world, on):
    from rectify.reporting.services import decide_escalation

    with on(D(2025, 7, 1)):
        dismissed = make_finding(world, state="rectifying", deadline=DUE)
        taken_up = make_finding(world, state="rectifying", deadline=DUE)
    sweep_on(on, DUE + datetime.timedelta(days=31))
    with on(DUE + datetime.timedelta(days=32)):
        for finding, take_up in ((dismissed, False), (taken_up, True)):
            escalation = EscalationProposal.objects.get(finding=finding)
            decide_escalation(world["auditor"], escalation.pk, take_up=take_up, reason="单位已补报，情况属实")
    gone = Interview.objects.get(finding=dismissed)
    assert gone.state == InterviewState.DISMISSED and gone.decided_by == world["auditor"]
    assert gone.decision_reason == "单位已补报，情况属实"
    assert timeline(dismissed, "interview_dismissed") == ["不予约谈：单位已补报，情况属实"]
    # Taken up, the proposal waits for the audit leader's decision.
    assert Interview.objects.get(finding=taken_up).state == InterviewState.PROPOSED


def test_the_overdue_rule_switched_off_proposes_nothing(world, on):
    InterviewRules.objects.create(jurisdiction=world.district_a, overdue_enabled=False)
    with on(D(2025, 7, 1)):
        make_finding(world, state="rectifying", deadline=DUE)
    sweep_on(on, DUE + datetime.timedelta(days=31))
    assert EscalationProposal.objects.count() == 1  # the reporting app's own proposal still stands
    assert not Interview.objects.exists()


def test_the_rules_of_the_nearest_jurisdiction_above_apply(world):
    from rectify.interviews.services import rules_for

    assert rules_for(world.district_a).not_rectified_times == 2  # the defaults
    InterviewRules.objects.create(jurisdiction=world.city, not_rectified_times=3)
    assert rules_for(world.district_a).not_rectified_times == 3


def verify_round(world, on, finding, day, verdict):
    with on(day):
        report = rectification.submit_report(
            world["unit"], finding, measures="已部分清理", progress="推进中",
            amounts={"amount_adjusted_in_accounts": "1000.00"}, evidence=[upload()],
        )  # fmt: skip
        rectification.verify(world["auditor"], report, verdict=verdict, reasons="核实发现仍未到位")
    finding.refresh_from_db()


@pytest.mark.parametrize(
    ("first", "second", "ground"),
    [
        ("not_rectified", "false_rectification", Ground.NOT_RECTIFIED),
        ("not_rectified", "not_rectified", Ground.NOT_RECTIFIED),
        ("partly_rectified", "partly_rectified", Ground.POORLY_RECTIFIED),
    ],
)
def test_verified_twice_as_not_or_partly_rectified_proposes_once(world, on, first, second, ground):
    with on(D(2025, 7, 1)):
        finding = make_finding(world, state="rectifying", deadline=D(2025, 12, 31))
    verify_round(world, on, finding, D(2025, 7, 10), first)
    assert not Interview.objects.exists()
    verify_round(world, on, finding, D(2025, 7, 20), second)
    (interview,) = Interview.objects.all()
    assert interview.ground == ground
    assert timeline(finding, "interview_proposed")
    assert finding.events.filter(action="interview_proposed").get().actor == world["auditor"]
    verify_round(world, on, finding, D(2025, 7, 30), second)
    assert Interview.objects.count() == 1


def test_one_not_rectified_and_one_partly_proposes_nothing(world, on):
    with on(D(2025, 7, 1)):
        finding = make_finding(world, state="rectifying", deadline=D(2025, 12, 31))
    verify_round(world, on, finding, D(2025, 7, 10), "not_rectified")
    verify_round(world, on, finding, D(2025, 7, 20), "partly_rectified")
    assert not Interview.objects.exists()


def test_the_verification_thresholds_are_configurable(world, on):
    InterviewRules.objects.create(jurisdiction=world.district_a, poorly_times=1, not_rectified_enabled=False)
    with on(D(2025, 7, 1)):
        finding = make_finding(world, state="rectifying", deadline=D(2025, 12, 31))
    verify_round(world, on, finding, D(2025, 7, 10), "not_rectified")
    verify_round(world, on, finding, D(2025, 7, 20), "not_rectified")
    assert not Interview.objects.exists()
    verify_round(world, on, finding, D(2025, 7, 30), "partly_rectified")
    assert Interview.objects.get().ground == Ground.POORLY_RECTIFIED


def test_a_repeat_finding_issued_proposes_once(world, on):
    finding = repeat_finding(world, on)
    (interview,) = Interview.objects.all()
    assert interview.ground == Ground.REPEAT
    assert finding.repeats.get().ledger_number in interview.basis
    # Issued again (after a withdrawal, or a lost job run again): no second proposal.
    from rectify.interviews.services import propose_for_repeat

    assert propose_for_repeat(finding.pk) is None
    assert Interview.objects.count() == 1


def test_a_finding_without_repeats_or_with_the_rule_off_proposes_nothing(world, on):
    with on(D(2025, 7, 1)):
        make_finding(world, state="issued")
    assert not Interview.objects.exists()
    InterviewRules.objects.create(jurisdiction=world.district_a, repeat_enabled=False)
    repeat_finding(world, on)
    assert not Interview.objects.exists()
