"""The finding workflow (findings/workflow.py): every transition where the table allows it, refused everywhere else.

A refusal is an ActionRefused with a Chinese message, and leaves the finding exactly as it was: state,
timestamps, events and history rows. A success writes exactly one FindingEvent.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import transaction
from django.utils import timezone

from rectify.accounts.choices import AUDITING_ROLES, UNIT_ROLES, RoleCode
from rectify.audits.choices import AuditType
from rectify.core.exceptions import ActionRefused
from rectify.findings import services as findings
from rectify.findings.choices import EventKind, FindingState
from rectify.findings.models import Finding, FindingEvent
from rectify.findings.workflow import TRANSITIONS, available_transitions
from rectify.findings.workflow import perform_transition as _perform_transition
from rectify.rectification import services as rectification
from rectify.rectification.choices import Verdict
from rectify.rectification.models import ProgressReport, Verification
from rectify.testing import finding_data, make_finding, make_project, make_user


def perform_transition(*args, **kwargs):
    """The table's function inside the transaction its callers (the named actions) always open."""
    with transaction.atomic():
        return _perform_transition(*args, **kwargs)


pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
STATES = [state.value for state in FindingState]

# Every account of the test world (rectify/testing.py); test_the_world_has_the_tabled_accounts keeps this honest.
USERNAMES = (
    "auditor",
    "auditor2",
    "auditlead",
    "auditor_b",
    "city_auditor",
    "unit",
    "unithead",
    "sibling",
    "other",
    "unit_b",
    "dept",
    "orgdept",
    "finance",
    "discipline",
    "committee",
    "committee2",
    "gov",
    "congress",
    "sysadmin",
    "secadmin",
    "logaudit",
)
AUDITORS_A = ("auditor", "auditor2", "auditlead")  # the city office oversees district A but does not work it
UNIT_PEOPLE = ("unit", "unithead")

SOURCE = {
    "issue": FindingState.DRAFT,
    "start": FindingState.ISSUED,
    "submit": FindingState.RECTIFYING,
    "return": FindingState.SUBMITTED,
    "close": FindingState.SUBMITTED,
    "to_long_term": FindingState.RECTIFYING,
    "resume": FindingState.LONG_TERM,
}
TARGET = {
    "issue": FindingState.ISSUED,
    "start": FindingState.RECTIFYING,
    "submit": FindingState.SUBMITTED,
    "return": FindingState.RECTIFYING,
    "close": FindingState.CLOSED,
    "to_long_term": FindingState.LONG_TERM,
    "resume": FindingState.RECTIFYING,
}
# Who may take each transition on a finding of world.unit (district A): the table's roles within their scope.
ALLOWED = {
    "issue": AUDITORS_A,
    "start": UNIT_PEOPLE,
    "submit": UNIT_PEOPLE,
    "return": AUDITORS_A,
    "close": AUDITORS_A,  # and even they only through a verification
    "to_long_term": AUDITORS_A,
    "resume": AUDITORS_A + UNIT_PEOPLE,
}
# One holder of a right role per transition, to show that the state alone refuses.
RIGHT_ROLE = {name: ("auditor",) for name in SOURCE} | {"start": ("unit",), "submit": ("unit",)}
RIGHT_ROLE["resume"] = ("auditor", "unit")
# Who sees a finding of world.unit at all; the others are told it does not exist rather than that they lack the role.
SEES_DRAFT = frozenset((*AUDITORS_A, "city_auditor"))
SEES_PUBLISHED = frozenset((*AUDITORS_A, "city_auditor", *UNIT_PEOPLE, "dept"))


def snapshot(finding: Finding) -> dict:
    """Everything a refused action must leave as it was."""
    row = Finding.all_objects.get(pk=finding.pk)
    return {
        "state": row.state,
        "issued_at": row.issued_at,
        "closed_at": row.closed_at,
        "last_updated": row.last_updated,
        "events": list(FindingEvent.objects.filter(finding_id=finding.pk).values_list("pk", flat=True)),
        "history": list(row.history.values_list("history_id", flat=True)),
        "reports": list(ProgressReport.all_objects.filter(finding_id=finding.pk).values_list("pk", flat=True)),
        "verifications": list(Verification.all_objects.filter(finding_id=finding.pk).values_list("pk", "verdict")),
    }


def refuse(call, *args, **kwargs) -> ActionRefused:
    with pytest.raises(ActionRefused) as info:
        call(*args, **kwargs)
    assert HAN.search(info.value.messages[0]), info.value.messages
    return info.value


def ready_for(world, name: str) -> Finding:
    """A finding of world.unit in the source state of ``name``, with what the transition needs."""
    if name == "submit":
        # Submitting needs a report on file: a finding returned after its first round has one.
        finding = make_finding(world, state="submitted")
        return rectification.return_for_rework(world["auditor"], finding, comment="佐证材料不全")
    return make_finding(world, state=SOURCE[name])


def last_report(finding: Finding) -> ProgressReport:
    return finding.reports.order_by("-round").first()


# --- the tables above agree with the code ----------------------------------------------------------------


def test_the_world_has_the_tabled_accounts(world):
    assert set(world.users) == set(USERNAMES)


def test_the_transition_table_is_the_one_tabled_here():
    assert {name: set(t.sources) for name, t in TRANSITIONS.items()} == {name: {s} for name, s in SOURCE.items()}
    assert {name: t.target for name, t in TRANSITIONS.items()} == TARGET
    # The auditing roles: the audit office's auditors, and a unit's internal auditors on its own internal
    # audits (which findings each may act on is the scopes' business).
    assert {name for name, t in TRANSITIONS.items() if t.roles == AUDITING_ROLES} == {
        "issue",
        "return",
        "close",
        "to_long_term",
    }
    assert {name for name, t in TRANSITIONS.items() if t.roles == UNIT_ROLES} == {"start", "submit"}
    assert TRANSITIONS["resume"].roles == AUDITING_ROLES | UNIT_ROLES
    assert {name for name, t in TRANSITIONS.items() if t.needs_comment} == {"return", "to_long_term"}
    assert {name for name, t in TRANSITIONS.items() if t.needs_verification} == {"close"}


# --- allowed ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "username"), [(name, user) for name, users in ALLOWED.items() if name != "close" for user in users]
)
def test_an_allowed_transition_moves_the_finding_and_writes_exactly_one_event(world, name, username):
    finding = ready_for(world, name)
    actor = world[username]
    assert name in {t.name for t in available_transitions(actor, finding)}
    last_event = FindingEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    history_before = finding.history.count()
    before = timezone.now()

    moved = perform_transition(actor, finding, name, comment="  整改说明  ")

    after = timezone.now()
    assert moved.state == TARGET[name]
    assert Finding.objects.get(pk=finding.pk).state == TARGET[name]
    events = list(FindingEvent.objects.filter(pk__gt=last_event))
    assert len(events) == 1
    event = events[0]
    assert event.finding_id == finding.pk
    assert event.kind == EventKind.TRANSITION
    assert event.action == name
    assert event.actor == actor and event.actor_name == actor.display_name
    assert (event.from_state, event.to_state) == (SOURCE[name], TARGET[name])
    assert event.comment == "整改说明"
    assert before <= event.at <= after
    assert finding.history.count() == history_before + 1
    record = finding.history.first()
    assert record.history_user == actor
    assert record.state == TARGET[name]
    assert record.history_change_reason == f"{name}: 整改说明"
    if name == "issue":
        assert moved.issued_at == event.at


@pytest.mark.parametrize("username", UNIT_PEOPLE)
def test_the_unit_contact_and_the_unit_head_start_and_submit_through_the_named_actions(world, username):
    actor = world[username]
    finding = make_finding(world, state="issued")
    findings.start_rectification(actor, finding, comment="已部署整改")
    assert finding.state == FindingState.RECTIFYING
    rectification.submit_report(actor, finding, measures="清理挂账", progress="已完成", amounts={})
    finding.refresh_from_db()
    assert finding.state == FindingState.SUBMITTED
    transitions = finding.events.filter(kind=EventKind.TRANSITION)
    assert [(e.action, e.actor, e.from_state, e.to_state) for e in transitions] == [
        ("issue", world["auditor"], FindingState.DRAFT, FindingState.ISSUED),
        ("start", actor, FindingState.ISSUED, FindingState.RECTIFYING),
        ("submit", actor, FindingState.RECTIFYING, FindingState.SUBMITTED),
    ]


@pytest.mark.parametrize("username", ("auditor", "auditlead"))
def test_the_auditor_and_the_audit_leader_issue_return_and_move_to_long_term_by_name(world, username):
    actor = world[username]
    finding = make_finding(world, state="draft")
    findings.issue_finding(actor, finding)
    assert finding.state == FindingState.ISSUED
    findings.start_rectification(world["unit"], finding)
    findings.move_to_long_term(actor, finding, comment="需分年度推进")
    assert finding.state == FindingState.LONG_TERM
    findings.resume_rectification(world["unithead"], finding, comment="条件已具备")
    assert finding.state == FindingState.RECTIFYING
    rectification.submit_report(world["unit"], finding, measures="清理挂账", progress="已完成")
    rectification.return_for_rework(actor, finding, comment="佐证材料不全")
    finding.refresh_from_db()
    assert finding.state == FindingState.RECTIFYING
    actions = list(finding.events.filter(kind=EventKind.TRANSITION).values_list("action", "actor__username"))
    assert actions == [
        ("issue", username),
        ("start", "unit"),
        ("to_long_term", username),
        ("resume", "unithead"),
        ("submit", "unit"),
        ("return", username),
    ]


@pytest.mark.parametrize("username", AUDITORS_A)
def test_close_happens_through_a_rectified_verification(world, username):
    finding = make_finding(world, state="submitted")
    actor = world[username]
    assert "close" not in {t.name for t in available_transitions(actor, finding)}  # no close button
    last_event = FindingEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    before = timezone.now()
    verification = rectification.verify(
        actor, last_report(finding), verdict=Verdict.RECTIFIED, reasons="核实无误", verified_amount="125000.00"
    )
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED
    assert before <= finding.closed_at <= timezone.now()
    assert verification.verifier == actor and verification.complete and verification.compliant
    events = list(FindingEvent.objects.filter(pk__gt=last_event))
    assert [(e.kind, e.action) for e in events] == [
        (EventKind.VERIFICATION, "verify"),
        (EventKind.TRANSITION, "close"),
    ]
    close = events[1]
    assert (close.actor, close.from_state, close.to_state, close.comment) == (
        actor,
        FindingState.SUBMITTED,
        FindingState.CLOSED,
        "核实无误",
    )
    assert close.at == finding.closed_at


# --- refused: wrong role or out of scope -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "username"), [(name, user) for name in SOURCE for user in USERNAMES if user not in ALLOWED[name]]
)
def test_a_transition_is_refused_to_every_other_role_and_scope(world, name, username):
    finding = ready_for(world, name)
    actor = world[username]
    assert name not in {t.name for t in available_transitions(actor, finding)}
    before = snapshot(finding)

    refusal = refuse(perform_transition, actor, finding, name, comment="理由")

    sees = SEES_DRAFT if SOURCE[name] == FindingState.DRAFT else SEES_PUBLISHED
    if username in sees:
        assert refusal.code == "forbidden"
        assert refusal.messages == [f"您的角色无权对该问题执行「{TRANSITIONS[name].label}」。"]
    else:
        assert refusal.code == "not_found"
        assert refusal.messages == ["问题不存在，或不在您的职责范围内。"]
    assert snapshot(finding) == before


def test_an_auditor_of_another_district_and_a_unit_of_another_district_are_refused_in_both_directions(world):
    finding_b = make_finding(
        world, state="issued", actor=world["auditor_b"], project=world.project_b, unit=world.unit_b
    )
    before = snapshot(finding_b)
    assert refuse(findings.start_rectification, world["unit"], finding_b).code == "not_found"
    assert refuse(findings.move_to_long_term, world["auditor"], finding_b, comment="理由").code == "not_found"
    assert snapshot(finding_b) == before
    findings.start_rectification(world["unit_b"], finding_b)
    findings.move_to_long_term(world["auditor_b"], finding_b, comment="理由")
    assert finding_b.state == FindingState.LONG_TERM


@pytest.mark.parametrize("username", AUDITORS_A)
def test_close_without_a_verification_is_refused(world, username):
    finding = make_finding(world, state="submitted")
    before = snapshot(finding)
    refusal = refuse(perform_transition, world[username], finding, "close", comment="核实无误")
    assert refusal.messages == ["销号只能通过核实认定进行。"]
    assert snapshot(finding) == before


def test_close_with_a_verification_that_did_not_find_it_rectified_is_refused(world):
    finding = make_finding(world, state="submitted")
    auditor = world["auditor"]
    partly = rectification.verify(auditor, last_report(finding), verdict=Verdict.PARTLY_RECTIFIED, reasons="未完成")
    rectification.submit_report(world["unit"], finding, measures="继续清理", progress="已完成")
    finding.refresh_from_db()
    assert finding.state == FindingState.SUBMITTED
    before = snapshot(finding)
    refusal = refuse(rectification.close_out, auditor, finding, partly)
    assert refusal.messages == ["只有认定为「已整改」的问题可以销号。"]
    # The single mover holds the rule too, not only the named action in front of it.
    refusal = refuse(perform_transition, auditor, finding, "close", comment="销号", verification=partly)
    assert refusal.messages == ["只有认定为「已整改」的问题可以销号。"]
    assert snapshot(finding) == before


def test_close_with_the_verification_of_another_finding_is_refused(world):
    closed = make_finding(world, state="closed")
    other = make_finding(world, state="submitted")
    verification = closed.verifications.get()
    before = snapshot(other)
    refuse(rectification.close_out, world["auditor"], other, verification)
    refusal = refuse(perform_transition, world["auditor"], other, "close", comment="销号", verification=verification)
    assert refusal.messages == ["只有认定为「已整改」的问题可以销号。"]
    assert snapshot(other) == before


# --- refused: wrong state --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "name", "username"),
    [(state, name, user) for name in SOURCE for state in STATES if state != SOURCE[name] for user in RIGHT_ROLE[name]],
)
def test_a_transition_is_refused_from_every_other_state(world, state, name, username):
    finding = make_finding(world, state=state)
    before = snapshot(finding)

    refusal = refuse(perform_transition, world[username], finding, name, comment="理由")

    if state == FindingState.DRAFT and username == "unit":
        # A draft is the audit office's working paper: the unit is not even told it exists.
        assert refusal.code == "not_found"
    else:
        assert refusal.code == "invalid_state"
        assert refusal.messages == [
            f"问题当前状态为「{FindingState(state).label}」，不能执行「{TRANSITIONS[name].label}」。"
        ]
    assert snapshot(finding) == before


def test_a_stale_copy_cannot_move_a_finding_twice(world):
    finding = make_finding(world, state="issued")
    stale = Finding.objects.get(pk=finding.pk)
    findings.start_rectification(world["unit"], finding)
    before = snapshot(finding)
    refusal = refuse(findings.start_rectification, world["unithead"], stale)
    assert refusal.code == "invalid_state"
    assert snapshot(finding) == before


def test_an_unknown_transition_is_refused(world):
    finding = make_finding(world, state="closed")
    before = snapshot(finding)
    refusal = refuse(perform_transition, world["auditor"], finding, "reopen")
    assert refusal.messages == ["未知的操作「reopen」。"]
    assert snapshot(finding) == before


# --- refused: what the transition needs ------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "   "])
@pytest.mark.parametrize("name", ["return", "to_long_term"])
def test_return_and_long_term_need_a_comment(world, name, comment):
    finding = ready_for(world, name)
    before = snapshot(finding)
    refusal = refuse(perform_transition, world["auditor"], finding, name, comment=comment)
    assert refusal.messages == [f"执行「{TRANSITIONS[name].label}」须填写说明。"]
    assert snapshot(finding) == before
    named = rectification.return_for_rework if name == "return" else findings.move_to_long_term
    refuse(named, world["auditor"], finding, comment=comment)
    assert snapshot(finding) == before


def test_submit_needs_a_report_on_file(world):
    finding = make_finding(world, state="rectifying")
    before = snapshot(finding)
    refusal = refuse(perform_transition, world["unit"], finding, "submit")
    assert refusal.messages == ["报送前须填写整改情况报告。"]
    assert snapshot(finding) == before


def test_issue_needs_requirements_and_a_deadline(world):
    auditor = world["auditor"]
    without_requirements = make_finding(world, state="draft")
    without_requirements.requirements.all().delete()  # soft: the rows stay, but no longer count
    before = snapshot(without_requirements)
    refusal = refuse(findings.issue_finding, auditor, without_requirements)
    assert refusal.messages == ["下达前须至少列明一条整改要求。"]
    assert snapshot(without_requirements) == before

    without_deadline = make_finding(world, state="draft", deadline=None)  # the project has no report date yet
    assert without_deadline.deadline is None
    before = snapshot(without_deadline)
    refusal = refuse(findings.issue_finding, auditor, without_deadline)
    assert refusal.messages == ["下达前须确定整改期限。"]
    assert snapshot(without_deadline) == before


# --- verification ----------------------------------------------------------------------------------------


def test_the_verifier_must_not_be_the_submitter_of_the_report(world):
    # An office that audits itself: one person holds both the auditor's and the unit contact's role.
    project = make_project(world, world.office_a, [world.office_a], AuditType.BUDGET_EXECUTION)
    dual = make_user("dual", world.office_a, RoleCode.AUDITOR, RoleCode.UNIT_CONTACT)
    finding = findings.create_finding(
        world["auditor"], allow_past_deadline=True, **finding_data(world, project=project, unit=world.office_a)
    )
    findings.issue_finding(world["auditor"], finding)
    report = rectification.submit_report(
        dual, finding, measures="清理挂账", progress="已完成", amounts={"amount_to_treasury": "125000.00"}
    )
    finding.refresh_from_db()
    assert finding.state == FindingState.SUBMITTED
    before = snapshot(finding)

    refusal = refuse(rectification.verify, dual, report, verdict=Verdict.RECTIFIED, reasons="核实无误")

    assert refusal.messages == ["核实人不能是该报告的报送人。"]
    assert refusal.code == "forbidden"
    assert snapshot(finding) == before
    rectification.verify(world["auditor2"], report, verdict=Verdict.RECTIFIED, reasons="核实无误")
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED


@pytest.mark.parametrize("verdict", [Verdict.PARTLY_RECTIFIED, Verdict.NOT_RECTIFIED, Verdict.FALSE_RECTIFICATION])
def test_any_other_verdict_returns_the_finding_with_the_reasons(world, verdict):
    finding = make_finding(world, state="submitted")
    auditor = world["auditor"]
    last_event = FindingEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    verification = rectification.verify(auditor, last_report(finding), verdict=verdict, reasons="  账务调整未到位  ")

    finding.refresh_from_db()
    assert finding.state == FindingState.RECTIFYING
    assert finding.closed_at is None
    assert (verification.verdict, verification.reasons, verification.complete, verification.compliant) == (
        verdict,
        "账务调整未到位",
        False,
        False,
    )
    events = list(FindingEvent.objects.filter(pk__gt=last_event))
    assert [(e.kind, e.action) for e in events] == [
        (EventKind.VERIFICATION, "verify"),
        (EventKind.TRANSITION, "return"),
    ]
    assert (events[1].from_state, events[1].to_state, events[1].comment, events[1].actor) == (
        FindingState.SUBMITTED,
        FindingState.RECTIFYING,
        "账务调整未到位",
        auditor,
    )


def test_a_long_term_findings_continued_report_is_verified_without_moving_it(world):
    finding = make_finding(world, state="long_term")
    report = rectification.submit_report(
        world["unit"],
        finding,
        measures="分年度清理",
        progress="已清理一半",
        next_steps="年底前清理剩余款项",
        next_steps_due=timezone.localdate() + datetime.timedelta(days=60),
    )
    assert report.kind == "continued"
    finding.refresh_from_db()
    assert finding.state == FindingState.LONG_TERM
    transitions_before = finding.events.filter(kind=EventKind.TRANSITION).count()

    verification = rectification.verify(world["auditor"], report, verdict=Verdict.PARTLY_RECTIFIED, reasons="进展属实")

    finding.refresh_from_db()
    assert finding.state == FindingState.LONG_TERM
    assert verification.report == report and verification.finding == finding
    assert finding.events.filter(kind=EventKind.TRANSITION).count() == transitions_before
    assert finding.events.filter(kind=EventKind.VERIFICATION).count() == 1


def test_a_long_term_finding_is_not_closed_by_a_rectified_verdict_on_a_continued_report(world):
    finding = make_finding(world, state="long_term")
    report = rectification.submit_report(
        world["unit"],
        finding,
        measures="分年度清理",
        progress="已清理完毕",
        next_steps="巩固成效",
        next_steps_due=timezone.localdate() + datetime.timedelta(days=30),
    )
    before = snapshot(finding)
    refusal = refuse(rectification.verify, world["auditor"], report, verdict=Verdict.RECTIFIED, reasons="已完成")
    assert refusal.messages == ["持续整改事项须先恢复整改、报送后方可认定销号。"]
    assert snapshot(finding) == before


def test_a_report_cannot_be_verified_twice(world):
    finding = make_finding(world, state="submitted")
    report = last_report(finding)
    rectification.verify(world["auditor"], report, verdict=Verdict.NOT_RECTIFIED, reasons="未整改")
    rectification.submit_report(world["unit"], finding, measures="再次整改", progress="已完成")
    finding.refresh_from_db()
    assert finding.state == FindingState.SUBMITTED
    before = snapshot(finding)
    refusal = refuse(rectification.verify, world["auditor2"], report, verdict=Verdict.RECTIFIED, reasons="已完成")
    assert refusal.messages == ["该报告已核实认定，不能重复认定。"]
    assert snapshot(finding) == before


def test_only_the_latest_round_can_be_verified(world):
    finding = make_finding(world, state="submitted")
    first = last_report(finding)
    rectification.return_for_rework(world["auditor"], finding, comment="材料不全")  # returned without a verdict
    second = rectification.submit_report(world["unit"], finding, measures="补充材料", progress="已完成")
    assert second.round == first.round + 1
    finding.refresh_from_db()
    before = snapshot(finding)
    refusal = refuse(rectification.verify, world["auditor"], first, verdict=Verdict.RECTIFIED, reasons="已完成")
    assert refusal.messages == ["只能核实最近一轮报告。"]
    assert snapshot(finding) == before
    rectification.verify(world["auditor"], second, verdict=Verdict.RECTIFIED, reasons="已完成", verified_amount="1")
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED


def test_a_report_is_not_verified_while_the_finding_is_back_with_the_unit(world):
    finding = make_finding(world, state="submitted")
    rectification.return_for_rework(world["auditor"], finding, comment="材料不全")
    finding.refresh_from_db()
    before = snapshot(finding)
    refusal = refuse(
        rectification.verify, world["auditor"], last_report(finding), verdict=Verdict.RECTIFIED, reasons="已完成"
    )
    assert refusal.messages == ["问题当前状态为「整改中」，不能核实认定。"]
    assert snapshot(finding) == before


@pytest.mark.parametrize(
    ("username", "code"),
    [("unit", "forbidden"), ("unithead", "forbidden"), ("dept", "forbidden"), ("auditor_b", "not_found")]
    + [(name, "not_found") for name in ("sibling", "orgdept", "finance", "discipline", "committee", "sysadmin")],
)
def test_only_an_auditor_in_scope_verifies(world, username, code):
    finding = make_finding(world, state="submitted")
    before = snapshot(finding)
    refusal = refuse(
        rectification.verify, world[username], last_report(finding), verdict=Verdict.RECTIFIED, reasons="已完成"
    )
    assert refusal.code == code
    assert snapshot(finding) == before


# --- issuing a whole project ------------------------------------------------------------------------------


def project_state(project) -> tuple:
    project.refresh_from_db()
    return project.report_number, project.report_date, project.history.count()


def test_issuing_a_project_issues_every_draft_and_records_the_report(world):
    auditor = world["auditor"]
    first = findings.create_finding(
        auditor, allow_past_deadline=True, **finding_data(world, deadline=datetime.date(2025, 9, 30))
    )
    second = findings.create_finding(
        auditor, allow_past_deadline=True, **finding_data(world, deadline=None, kind="phased")
    )
    elsewhere = make_finding(world, state="draft", project=world.cadre_project)

    issued = findings.issue_project_findings(
        auditor, world.project, report_number="甲审报〔2025〕12号", report_date=datetime.date(2025, 6, 10)
    )

    assert [f.pk for f in issued] == [first.pk, second.pk]
    world.project.refresh_from_db()
    assert (world.project.report_number, world.project.report_date) == (
        "甲审报〔2025〕12号",
        datetime.date(2025, 6, 10),
    )
    for finding in (first, second):
        finding.refresh_from_db()
        assert finding.state == FindingState.ISSUED
        event = finding.events.get(kind=EventKind.TRANSITION)
        assert (event.action, event.comment, event.actor) == ("issue", "甲审报〔2025〕12号", auditor)
    assert second.deadline == datetime.date(2025, 6, 10) + datetime.timedelta(days=90)  # the phased rule's default
    elsewhere.refresh_from_db()
    assert elsewhere.state == FindingState.DRAFT


def test_issuing_a_project_is_all_or_nothing(world):
    auditor = world["auditor"]
    without_deadline = findings.create_finding(auditor, allow_past_deadline=True, **finding_data(world, deadline=None))
    good = findings.create_finding(
        auditor, allow_past_deadline=True, **finding_data(world, deadline=datetime.date(2025, 9, 30))
    )
    too_early = findings.create_finding(
        auditor, allow_past_deadline=True, **finding_data(world, deadline=datetime.date(2025, 5, 31))
    )
    before_project = project_state(world.project)
    before = {f.pk: snapshot(f) for f in (without_deadline, good, too_early)}

    refusal = refuse(
        findings.issue_project_findings,
        auditor,
        world.project,
        report_number="甲审报〔2025〕12号",
        report_date=datetime.date(2025, 6, 10),
    )

    assert refusal.messages == [
        f"问题 {too_early.ledger_number}：整改期限 2025-05-31 早于审计报告出具日期 2025-06-10。"
    ]
    assert project_state(world.project) == before_project == ("", None, before_project[2])
    assert {f.pk: snapshot(f) for f in (without_deadline, good, too_early)} == before
    without_deadline.refresh_from_db()
    assert without_deadline.deadline is None  # the default deadline it was given is rolled back too


@pytest.mark.parametrize("username", ["unit", "auditor_b", "dept", "sysadmin"])
def test_only_the_projects_auditors_issue_it(world, username):
    draft = make_finding(world, state="draft")
    before_project = project_state(world.project)
    before = snapshot(draft)
    refuse(
        findings.issue_project_findings,
        world[username],
        world.project,
        report_number="甲审报〔2025〕12号",
        report_date=datetime.date(2025, 6, 10),
    )
    assert project_state(world.project) == before_project
    assert snapshot(draft) == before


def test_issuing_a_project_without_drafts_is_refused_and_records_nothing(world):
    before_project = project_state(world.project)
    refusal = refuse(
        findings.issue_project_findings,
        world["auditor"],
        world.project,
        report_number="甲审报〔2025〕12号",
        report_date=datetime.date(2025, 6, 10),
    )
    assert refusal.messages == ["本项目没有待下达的问题。"]
    assert project_state(world.project) == before_project


@pytest.mark.parametrize(
    ("state", "username", "steps"),
    [
        ("draft", "auditor", ["edit", "issue"]),
        ("issued", "unit", ["plan", "report"]),
        ("issued", "auditor", ["edit"]),
        ("rectifying", "auditor", ["edit", "to_long_term"]),
        ("submitted", "auditor2", ["edit", "verify", "return"]),
        ("submitted", "unit", []),
        ("long_term", "unit", ["plan", "report", "resume"]),
        ("closed", "auditor", []),
        ("submitted", "city_auditor", []),
        ("issued", "sibling", []),
        ("issued", "dept", []),
    ],
)
def test_the_steps_offered_follow_state_role_and_scope(world, state, username, steps):
    finding = make_finding(world, state=state, deadline=datetime.date(2099, 12, 31))
    assert findings.steps_open_to(world[username], finding) == steps


def test_an_overdue_finding_offers_the_unit_to_explain_the_delay(world):
    finding = make_finding(
        world, state="rectifying", deadline=datetime.date(2025, 3, 31)
    )  # overdue, after the audit started
    assert findings.steps_open_to(world["unit"], finding) == ["plan", "report", "delay"]


def test_a_list_tells_repeat_findings_without_a_query_per_row(world, django_assert_num_queries):
    from rectify.findings.models import Finding
    from rectify.findings.services import link_repeats

    earlier = make_finding(world, state="closed", project=world.cadre_project)
    world.project.year = 2026
    world.project.save()
    later = make_finding(world, state="issued")
    link_repeats(world["auditor"], later, [earlier])
    with django_assert_num_queries(1):
        flags = {f.pk: f.is_repeat for f in Finding.objects.filter(pk__in=[earlier.pk, later.pk]).with_repeat_flag()}
    assert flags == {earlier.pk: False, later.pk: True}
    with django_assert_num_queries(2):
        prefetched = Finding.objects.filter(pk__in=[earlier.pk, later.pk]).prefetch_related("repeats")
        assert {f.pk: f.is_repeat for f in prefetched} == flags


def test_requirements_typed_with_their_own_numbering_are_stored_without_it(client, world):
    from rectify.findings import services as findings_services
    from rectify.testing import PASSWORD, make_finding

    typed = ["1. 清理挂账款项", "（二）建立往来款清理制度", "3、追究相关人员责任", "(4)1.5万元退回原渠道", "五、整改"]
    finding = make_finding(world, state="draft", requirements=typed)
    expected = ["清理挂账款项", "建立往来款清理制度", "追究相关人员责任", "1.5万元退回原渠道", "整改"]
    assert [r.text for r in finding.requirements.all()] == expected

    # Retyped with the numbering, the same requirements are no change.
    findings_services.issue_finding(world["auditor"], finding)
    findings_services.correct_finding(world["auditor"], finding, requirements=typed)
    assert [r.text for r in finding.requirements.all()] == expected

    assert client.login(username="auditor", password=PASSWORD)
    for url in (finding.get_absolute_url(), f"{finding.get_absolute_url()}print/"):
        html = client.get(url).content.decode()
        assert "<li>清理挂账款项</li>" in html and "1. 清理挂账款项" not in html, url


def test_a_deadline_before_the_audit_started_is_refused_when_the_finding_is_recorded(world):
    from rectify.findings.models import Finding
    from rectify.testing import finding_data

    with pytest.raises(ActionRefused) as refused:
        findings.create_finding(
            world["auditor"], allow_past_deadline=True, **finding_data(world, deadline=datetime.date(2025, 2, 1))
        )
    assert "早于审计项目开始日期 2025-03-01" in refused.value.messages[0]
    assert not Finding.all_objects.exists()
    finding = findings.create_finding(world["auditor"], allow_past_deadline=True, **finding_data(world))
    with pytest.raises(ActionRefused):
        findings.update_finding(world["auditor"], finding, deadline=datetime.date(2025, 2, 28))
