"""Rectification (rectification/services.py): plans, report rounds and what they carry, verification."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from rectify.core.exceptions import ActionRefused
from rectify.findings.choices import EventKind, FindingState
from rectify.findings.models import FindingEvent
from rectify.rectification import services as rectification
from rectify.rectification.choices import AMOUNT_METHODS, ReportKind, Verdict
from rectify.rectification.models import Milestone, Plan, ProgressReport
from rectify.testing import make_finding, upload

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


def plan(world, finding, user="unit", **overrides):
    kwargs = {
        "measures": "  逐笔核对往来款项，分类清理  ",
        "responsible_person": "李四",
        "responsible_department": "财务科",
        "planned_completion": datetime.date(2099, 12, 31),
        "milestones": [("摸清底数", datetime.date(2099, 10, 31)), ("完成清理", datetime.date(2099, 12, 15))],
    }
    kwargs.update(overrides)
    return rectification.submit_plan(world[user], finding, **kwargs)


def new_events(since: int | None) -> list[tuple[str, str]]:
    return list(FindingEvent.objects.filter(pk__gt=since or 0).values_list("kind", "action"))


def last_event_pk() -> int | None:
    return FindingEvent.objects.order_by("-pk").values_list("pk", flat=True).first()


# --- plans ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["unit", "unithead"])
def test_a_plan_on_an_issued_finding_starts_rectification(world, username):
    finding = make_finding(world, state="issued", deadline=datetime.date(2099, 12, 31))
    since = last_event_pk()

    made = plan(world, finding, user=username)

    finding.refresh_from_db()
    assert finding.state == FindingState.RECTIFYING
    assert made.finding == finding and made.submitted_by == world[username]
    assert made.measures == "逐笔核对往来款项，分类清理"
    assert made.first_responsible == world.unit.head_name == "张三"  # the unit head is the first responsible
    assert [(m.number, m.title, m.due_date) for m in made.milestones.all()] == [
        (1, "摸清底数", datetime.date(2099, 10, 31)),
        (2, "完成清理", datetime.date(2099, 12, 15)),
    ]
    assert new_events(since) == [(EventKind.PLAN, "submit_plan"), (EventKind.TRANSITION, "start")]


def test_revising_a_plan_replaces_its_milestones_and_keeps_the_old_ones(world):
    finding = make_finding(world, state="issued", deadline=datetime.date(2099, 12, 31))
    first = plan(world, finding)
    old = set(first.milestones.values_list("pk", flat=True))

    revised = plan(
        world, finding, measures="改为分两年清理", milestones=[("第一年清理一半", datetime.date(2099, 6, 30))]
    )

    assert revised.pk == first.pk and Plan.objects.filter(finding=finding).count() == 1
    assert revised.measures == "改为分两年清理"
    assert list(revised.milestones.values_list("title", flat=True)) == ["第一年清理一半"]
    assert set(Milestone.all_objects.filter(pk__in=old, deleted_at__isnull=False).values_list("pk", flat=True)) == old
    assert revised.history.count() == 2
    finding.refresh_from_db()
    assert finding.state == FindingState.RECTIFYING  # already rectifying: no second start


def test_a_plan_finishing_after_the_deadline_needs_a_delay_explanation_and_records_one(world):
    from rectify.rectification.models import DelayExplanation

    finding = make_finding(world, state="issued", deadline=datetime.date(2099, 6, 30))
    with pytest.raises(ActionRefused) as info:
        plan(world, finding)  # planned for 2099-12-31
    assert info.value.code == "delay_unexplained" and "2099-06-30" in info.value.messages[0]
    assert not Plan.all_objects.exists() and not DelayExplanation.objects.exists()

    since = last_event_pk()
    plan(world, finding, delay_reason="涉及诉讼，需待法院判决后清理")
    explanation = DelayExplanation.objects.get(finding=finding)
    assert explanation.reason == "涉及诉讼，需待法院判决后清理"
    assert explanation.expected_completion == datetime.date(2099, 12, 31)
    assert (EventKind.DELAY, "explain_delay") in new_events(since)

    # Revised within the explained date, the plan needs no second explanation.
    plan(world, finding, measures="改为分两步清理")
    assert DelayExplanation.objects.filter(finding=finding).count() == 1


@pytest.mark.parametrize(
    ("username", "code"), [("auditor", "forbidden"), ("dept", "forbidden"), ("sibling", "not_found")]
)
def test_only_the_responsible_unit_plans(world, username, code):
    finding = make_finding(world, state="issued")
    with pytest.raises(ActionRefused) as info:
        plan(world, finding, user=username)
    assert info.value.code == code and HAN.search(info.value.messages[0])
    assert not Plan.all_objects.exists()
    finding.refresh_from_db()
    assert finding.state == FindingState.ISSUED


@pytest.mark.parametrize("state", ["submitted", "closed"])
def test_no_plan_once_submitted_or_closed(world, state):
    finding = make_finding(world, state=state)
    with pytest.raises(ActionRefused) as info:
        plan(world, finding)
    assert info.value.messages == [f"问题当前状态为「{finding.get_state_display()}」，不能制定整改方案。"]
    assert not Plan.all_objects.exists()


# --- reports ----------------------------------------------------------------------------------------------


def test_a_report_carries_amounts_by_method_rules_people_and_evidence(world):
    finding = make_finding(world, state="issued")
    since = last_event_pk()
    amounts = {
        "amount_to_treasury": "10000.00",
        "amount_returned_to_source": "2,000.50",
        "amount_revitalized": Decimal("300"),
        "amount_adjusted_in_accounts": 40000,
        "amount_losses_recovered": "0.01",
        "amount_other": "",
    }
    before = timezone.now()

    report = rectification.submit_report(
        world["unithead"],
        finding,
        measures="  上缴、归还、调账  ",
        progress="已完成",
        amounts=amounts,
        rules=[
            {"title": "往来款管理办法", "document_number": "一中发〔2025〕3号", "adopted_on": datetime.date(2025, 8, 1)}
        ],
        accountability=[{"person_name": "王五", "position": "会计", "outcome": "criticism"}],
        evidence=[upload("凭证.png")],
    )

    report.refresh_from_db()
    assert (report.round, report.kind, report.submitted_by) == (1, ReportKind.PROGRESS, world["unithead"])
    assert report.measures == "上缴、归还、调账"
    assert before <= report.submitted_at <= timezone.now()
    assert [amount for _label, amount in report.amounts_by_method] == [
        Decimal("10000.00"),
        Decimal("2000.50"),
        Decimal("300.00"),
        Decimal("40000.00"),
        Decimal("0.01"),
        Decimal("0.00"),
    ]
    assert [label for _field, label in AMOUNT_METHODS] == [label for label, _amount in report.amounts_by_method]
    assert report.amount_rectified == Decimal("52300.51")
    (rule,) = report.rules.all()
    assert (rule.title, rule.document_number, rule.adopted_on) == (
        "往来款管理办法",
        "一中发〔2025〕3号",
        datetime.date(2025, 8, 1),
    )
    (person,) = report.accountability.all()
    assert (person.person_name, person.position, person.outcome) == ("王五", "会计", "criticism")
    (evidence,) = report.evidence.all()
    assert (evidence.original_name, evidence.content_type, evidence.uploaded_by) == (
        "凭证.png",
        "image/png",
        world["unithead"],
    )
    finding.refresh_from_db()
    assert finding.state == FindingState.SUBMITTED  # from issued: started, then submitted
    assert new_events(since) == [
        (EventKind.TRANSITION, "start"),
        (EventKind.REPORT, "submit_report"),
        (EventKind.TRANSITION, "submit"),
    ]


def test_rounds_are_numbered_and_the_amounts_add_up(world):
    finding = make_finding(world, state="rectifying")
    unit, auditor = world["unit"], world["auditor"]
    first = rectification.submit_report(
        unit, finding, measures="上缴", progress="部分", amounts={"amount_other": "100"}
    )
    rectification.verify(auditor, first, verdict=Verdict.PARTLY_RECTIFIED, reasons="未完成", verified_amount="100")
    second = rectification.submit_report(
        unit, finding, measures="调账", progress="完成", amounts={"amount_other": "50.5"}
    )
    assert (first.round, second.round) == (1, 2)
    assert rectification.amount_rectified_so_far(finding) == Decimal("150.50")
    verification = rectification.verify(
        auditor, second, verdict=Verdict.RECTIFIED, reasons="核实无误", verified_amount="150.50"
    )
    assert verification.verified_amount == Decimal("150.50")
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED
    assert list(finding.verifications.values_list("verdict", flat=True)) == [
        Verdict.PARTLY_RECTIFIED,
        Verdict.RECTIFIED,
    ]


def test_a_long_term_finding_reports_continuously_and_closes_after_resuming(world):
    from rectify.findings import services as findings

    finding = make_finding(world, state="long_term")
    due = timezone.localdate() + datetime.timedelta(days=90)
    continued = rectification.submit_report(
        world["unit"], finding, measures="分年度清理", progress="已清理一半", next_steps="继续清理", next_steps_due=due
    )
    finding.refresh_from_db()
    assert (continued.kind, continued.next_steps, continued.next_steps_due) == (ReportKind.CONTINUED, "继续清理", due)
    assert finding.state == FindingState.LONG_TERM
    rectification.verify(world["auditor"], continued, verdict=Verdict.PARTLY_RECTIFIED, reasons="进展属实")

    findings.resume_rectification(world["unit"], finding, comment="已具备完成条件")
    final = rectification.submit_report(
        world["unit"], finding, measures="全部清理", progress="完成", kind=ReportKind.SELF_INSPECTION
    )
    assert (final.round, final.kind) == (2, ReportKind.SELF_INSPECTION)
    rectification.verify(world["auditor"], final, verdict=Verdict.RECTIFIED, reasons="核实无误")
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED and finding.closed_at is not None


@pytest.mark.parametrize(
    ("username", "code"), [("auditor", "forbidden"), ("sibling", "not_found"), ("unit_b", "not_found")]
)
def test_only_the_responsible_unit_reports(world, username, code):
    finding = make_finding(world, state="rectifying")
    with pytest.raises(ActionRefused) as info:
        rectification.submit_report(world[username], finding, measures="清理", progress="完成")
    assert info.value.code == code and HAN.search(info.value.messages[0])
    assert not ProgressReport.all_objects.exists()


def test_the_verdict_records_completeness_and_compliance(world):
    finding = make_finding(world, state="submitted")
    verification = rectification.verify(
        world["auditor"],
        finding.reports.get(),
        verdict=Verdict.PARTLY_RECTIFIED,
        reasons="金额已调整，制度未建立",
        verified_amount="125000.00",
        complete=False,
        compliant=True,
    )
    verification.refresh_from_db()
    assert (verification.complete, verification.compliant, verification.verified_amount) == (
        False,
        True,
        Decimal("125000.00"),
    )
    assert verification.verifier == world["auditor"] and verification.finding == finding


def test_a_rectified_verdict_needs_completeness_and_compliance(world):
    from rectify.core.exceptions import ActionRefused
    from rectify.rectification import services
    from rectify.testing import make_finding

    finding = make_finding(world, state="submitted")
    report = finding.reports.get()
    for complete, compliant in ((False, True), (True, False)):
        with pytest.raises(ActionRefused, match="须整改完整且合规"):
            services.verify(
                world["auditor2"], report, verdict="rectified", reasons="x", complete=complete, compliant=compliant
            )
    finding.refresh_from_db()
    assert finding.state == "submitted" and not finding.verifications.exists()
    services.verify(world["auditor2"], report, verdict="rectified", reasons="核实无误", complete=True, compliant=True)
    finding.refresh_from_db()
    assert finding.state == "closed"


def test_a_rejected_round_cannot_be_credited_with_its_own_money(world):
    from rectify.core.exceptions import ActionRefused
    from rectify.rectification import services
    from rectify.testing import make_finding

    finding = make_finding(world, state="submitted")  # the round claims 125,000.00
    with pytest.raises(ActionRefused, match="超过单位累计报送的整改金额"):
        services.verify(
            world["auditor2"], finding.reports.get(), verdict="not_rectified", reasons="未整改", verified_amount="1.00"
        )


def test_every_transition_asked_for_by_name_has_its_action_and_only_a_rectified_verdict_closes():
    from rectify.findings.services import NAMED_TRANSITIONS
    from rectify.rectification.choices import Verdict
    from rectify.rectification.models import Verification
    from rectify.rectification.services import TRANSITION_ACTIONS

    assert set(TRANSITION_ACTIONS) == set(NAMED_TRANSITIONS)
    assert [v for v in Verdict.values if Verification(verdict=v).closes_finding] == [Verdict.RECTIFIED]
