"""Named actions of rectification: plans, report rounds with evidence, verification and close-out."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accounts.choices import AUDITING_ROLES, UNIT_ROLES
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.files import files_follow_transaction
from rectify.core.locking import bump_version, check_version
from rectify.core.money import parse_amount
from rectify.findings import services as finding_actions
from rectify.findings.choices import EventKind, FindingState
from rectify.findings.models import Finding
from rectify.findings.warning import local_today
from rectify.findings.workflow import lock_finding, new_event, perform_transition, record_event
from rectify.rectification import evidence as evidence_files
from rectify.rectification.choices import (
    AMOUNT_METHODS,
    REJECTED_VERDICTS,
    AccountabilityOutcome,
    DelayDecision,
    ReportKind,
    Verdict,
)
from rectify.rectification.models import (
    AccountabilityRecord,
    AdoptedRule,
    DelayExplanation,
    Evidence,
    Milestone,
    Plan,
    ProgressReport,
    Verification,
)

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.findings.models import FindingEvent

REPORTABLE_STATES = (FindingState.ISSUED, FindingState.RECTIFYING, FindingState.LONG_TERM)


def _require(actor: User, roles, finding: Finding, message: str) -> Finding:
    """The finding, locked, from what the actor may work on in ``roles``."""
    return lock_finding(actor, finding, roles, message)


# Who takes each step on a finding: the actions below lock the finding from the actor's ``act`` scope in
# these roles, and the web refuses a step's form to anyone else before it is filled in.
STEP_ROLES = {"plan": UNIT_ROLES, "report": UNIT_ROLES, "delay": UNIT_ROLES, "verify": AUDITING_ROLES}
STEP_REFUSALS = {
    "plan": gettext_lazy("只有整改责任单位可以制定整改方案。"),
    "report": gettext_lazy("只有整改责任单位可以报送整改情况。"),
    "delay": gettext_lazy("只有整改责任单位可以说明延期原因。"),
    "verify": gettext_lazy("只有审计机关的审计人员可以核实认定。"),
}


def may_take_step(actor: User, finding: Finding, step: str) -> bool:
    """Whether the actor's roles let them take ``step`` on this finding at all (its state aside)."""
    from rectify.findings.scopes import acting_roles

    return bool(acting_roles(actor, finding) & STEP_ROLES[step])


def _require_step(actor: User, finding: Finding, step: str) -> Finding:
    return _require(actor, STEP_ROLES[step], finding, str(STEP_REFUSALS[step]))


def _check_not_before(date: datetime.date | None, floor: datetime.date | None, label: str) -> None:
    if date and floor and date < floor:
        raise ActionRefused(
            _("%(label)s %(date)s 早于 %(floor)s。")
            % {"label": label, "date": date.isoformat(), "floor": floor.isoformat()}
        )


@dataclass(frozen=True)
class Move:
    """A transition an action leads to once its rows are saved, with the comment it records."""

    name: str
    comment: str


@dataclass
class NewPlan:
    """A plan checked and built but not saved: the plan, its milestones, its timeline event and the
    move it leads to (an issued finding starts rectifying). Save the plan first, then the rest."""

    plan: Plan
    milestones: list[Milestone]
    event: FindingEvent
    move: Move | None


# The fields of a plan that a revision replaces.
PLAN_FIELDS = (
    "measures",
    "responsible_person",
    "responsible_department",
    "first_responsible",
    "planned_completion",
    "submitted_by",
    "submitted_at",
)


def build_plan(
    actor: User,
    finding: Finding,
    *,
    measures: str,
    responsible_person: str,
    planned_completion: datetime.date,
    responsible_department: str = "",
    milestones: Sequence[tuple[str, datetime.date]] = (),
    at: datetime.datetime | None = None,
) -> NewPlan:
    """Every rule of a rectification plan, applied without writing anything (``finding`` as read, with its
    project and unit). ``submit_plan`` saves what this builds; the demo builds many and saves them in bulk."""
    if finding.state not in REPORTABLE_STATES:
        raise ActionRefused(
            _("问题当前状态为「%(state)s」，不能制定整改方案。") % {"state": finding.get_state_display()},
            code="invalid_state",
        )
    if not (measures or "").strip() or not (responsible_person or "").strip():
        raise ActionRefused(_("整改措施和责任人不能为空。"))
    if planned_completion is None:
        raise ActionRefused(_("请填写计划完成时间。"))
    _check_not_before(planned_completion, finding.project.report_date, _("计划完成时间"))
    for number, (title, due) in enumerate(milestones, start=1):
        if not (title or "").strip() or due is None:
            raise ActionRefused(_("第 %(n)d 个整改节点缺少目标或完成时限。") % {"n": number})
        _check_not_before(due, finding.project.report_date, _("第 %(n)d 个整改节点的完成时限") % {"n": number})
    at = at or timezone.now()
    plan = Plan(
        finding=finding,
        measures=measures.strip(),
        responsible_person=responsible_person.strip(),
        responsible_department=(responsible_department or "").strip(),
        first_responsible=finding.unit.head_name,
        planned_completion=planned_completion,
        submitted_by=actor,
        submitted_at=at,
    )
    plan._history_user = actor
    rows = []
    for number, (title, due) in enumerate(milestones, start=1):
        milestone = Milestone(plan=plan, number=number, title=title.strip(), due_date=due)
        milestone._history_user = actor
        rows.append(milestone)
    event = new_event(finding, actor, EventKind.PLAN, action="submit_plan", comment=plan.measures[:500], at=at)
    move = Move("start", _("已制定整改方案")) if finding.state == FindingState.ISSUED else None
    return NewPlan(plan=plan, milestones=rows, event=event, move=move)


def plan_needs_delay_explanation(finding: Finding, planned_completion: datetime.date | None) -> bool:
    """Whether a plan finishing on ``planned_completion`` misses the deadline with no delay explanation
    that already expects completion by then."""
    from rectify.rectification.models import DelayExplanation

    if planned_completion is None or finding.deadline is None or planned_completion <= finding.deadline:
        return False
    explained = DelayExplanation.objects.filter(finding=finding, expected_completion__gte=planned_completion)
    return not explained.exists()


@transaction.atomic
def submit_plan(
    actor: User,
    finding: Finding,
    *,
    measures: str,
    responsible_person: str,
    planned_completion: datetime.date,
    responsible_department: str = "",
    milestones: Sequence[tuple[str, datetime.date]] = (),
    version=None,
    delay_reason: str = "",
) -> Plan:
    """The unit writes (or revises) its rectification plan; an issued finding starts rectifying.
    ``version``: the plan's version the unit's page showed; a revision of an older one is refused.
    A plan finishing after the deadline needs ``delay_reason``, recorded as a delay explanation
    (``explain_delay``), unless an earlier explanation already expects completion by then."""
    finding = _require_step(actor, finding, "plan")
    new = build_plan(
        actor,
        finding,
        measures=measures,
        responsible_person=responsible_person,
        planned_completion=planned_completion,
        responsible_department=responsible_department,
        milestones=milestones,
    )
    late = plan_needs_delay_explanation(finding, planned_completion)
    if late and not (delay_reason or "").strip():
        raise ActionRefused(
            _("计划完成时间 %(date)s 晚于整改期限 %(deadline)s，请填写延期说明（将作为延期原因报送审计机关）。")
            % {"date": planned_completion.isoformat(), "deadline": finding.deadline.isoformat()},
            code="delay_unexplained",
        )
    plan = Plan.objects.filter(finding=finding).first()
    if plan is None:
        plan = new.plan
    else:
        check_version(plan, version)  # the finding's lock serialises every plan edit
        bump_version(plan)
        for name in PLAN_FIELDS:
            setattr(plan, name, getattr(new.plan, name))
        plan._history_user = actor
    plan.save()
    for old in plan.milestones.all():
        old._history_user = actor
        old.delete()
    for milestone in new.milestones:
        milestone.plan = plan
        milestone.save()
    new.event.save()
    if late:
        explain_delay(actor, finding, reason=delay_reason, expected_completion=planned_completion)
    publish("plan.submitted", finding, actor=actor, plan_id=plan.pk)
    if new.move:
        perform_transition(actor, finding, new.move.name, comment=new.move.comment)
    return plan


def counted_amount(rounds: Iterable[tuple[ProgressReport, Verification | None]]) -> Decimal:
    """Money reported rectified over ``rounds`` (each report with its verification, if any), leaving out
    rounds the auditor rejected: ``amount_rectified_so_far`` for rounds held in memory."""
    total = Decimal("0.00")
    for report, verification in rounds:
        if verification is None or verification.verdict not in REJECTED_VERDICTS:
            total += report.amount_rectified
    return total


def amount_rectified_so_far(finding: Finding) -> Decimal:
    """Money the unit has reported rectified, leaving out rounds the auditor rejected."""
    total = Decimal("0.00")
    for report in ProgressReport.objects.filter(finding=finding).counted():
        total += report.amount_rectified
    return total


@dataclass
class NewReport:
    """A report round checked and built but not saved: the report, the rules adopted and the people held
    accountable with it, its timeline event, and the move it leads to (a finding under rectification is
    submitted for verification; a long-term finding's continued report moves nothing)."""

    report: ProgressReport
    rules: list[AdoptedRule]
    people: list[AccountabilityRecord]
    event: FindingEvent
    move: Move | None


# Checked on the built row; the references are objects the caller read.
_UNCHECKED_ON_BUILD = ["finding", "submitted_by"]


def build_report(
    actor: User,
    finding: Finding,
    *,
    round_number: int,
    rectified_so_far: Decimal,
    measures: str,
    progress: str,
    unfinished_reason: str = "",
    next_steps: str = "",
    next_steps_due: datetime.date | None = None,
    amounts: Mapping[str, object] | None = None,
    excess_reason: str = "",
    rules: Iterable[Mapping[str, object]] = (),
    accountability: Iterable[Mapping[str, object]] = (),
    kind: str | None = None,
    at: datetime.datetime | None = None,
) -> NewReport:
    """Every rule of a report round, applied without writing anything: the state, the texts, the next
    steps of a long-term finding, the amounts by method (the cumulative amount, ``rectified_so_far`` plus
    this round, may exceed the finding's only with a reason), the rules and the people held accountable.
    ``round_number`` and ``rectified_so_far`` are the caller's to read (``amount_rectified_so_far`` or
    ``counted_amount``). ``submit_report`` saves what this builds; the demo builds many and saves them in bulk.
    """
    if finding.state not in REPORTABLE_STATES:
        raise ActionRefused(
            _("问题当前状态为「%(state)s」，不能报送整改情况。") % {"state": finding.get_state_display()},
            code="invalid_state",
        )
    if not (measures or "").strip() or not (progress or "").strip():
        raise ActionRefused(_("整改措施和整改进展不能为空。"))
    at = at or timezone.now()
    _check_not_before(next_steps_due, timezone.localdate(at), _("下一步措施时限"))
    if finding.state == FindingState.LONG_TERM and not ((next_steps or "").strip() and next_steps_due):
        raise ActionRefused(_("持续整改事项须写明下一步措施及时限。"))
    parsed = {}
    unknown = set(amounts or {}) - {field for field, _label in AMOUNT_METHODS}
    if unknown:
        raise ActionRefused(_("未知的整改方式：%(names)s。") % {"names": "、".join(sorted(unknown))})
    for field, label in AMOUNT_METHODS:
        parsed[field] = parse_amount((amounts or {}).get(field), _("整改金额（%(method)s）") % {"method": label})
    this_round = sum(parsed.values(), Decimal("0.00"))
    cumulative = rectified_so_far + this_round
    if cumulative > finding.amount_involved and not (excess_reason or "").strip():
        raise ActionRefused(
            _("累计整改金额 %(total)s 元超过问题涉及金额 %(involved)s 元，请说明原因。")
            % {"total": f"{cumulative:,.2f}", "involved": f"{finding.amount_involved:,.2f}"}
        )
    rule_rows = [dict(r) for r in rules]
    for number, rule in enumerate(rule_rows, start=1):
        if not str(rule.get("title", "")).strip():
            raise ActionRefused(_("第 %(n)d 项制度缺少名称。") % {"n": number})
    people = [dict(p) for p in accountability]
    for number, person in enumerate(people, start=1):
        if not str(person.get("person_name", "")).strip():
            raise ActionRefused(_("第 %(n)d 名追责问责人员缺少姓名。") % {"n": number})
        if person.get("outcome") not in AccountabilityOutcome.values:
            raise ActionRefused(_("第 %(n)d 名追责问责人员的处理方式无效。") % {"n": number})
    continued = finding.state == FindingState.LONG_TERM
    report = ProgressReport(
        finding=finding,
        round=round_number,
        kind=kind or (ReportKind.CONTINUED if continued else ReportKind.PROGRESS),
        measures=measures.strip(),
        progress=progress.strip(),
        unfinished_reason=(unfinished_reason or "").strip(),
        next_steps=(next_steps or "").strip(),
        next_steps_due=next_steps_due,
        excess_reason=(excess_reason or "").strip(),
        submitted_by=actor,
        submitted_at=at,
        **parsed,
    )
    report._history_user = actor
    report.clean_fields(exclude=_UNCHECKED_ON_BUILD)
    adopted = []
    for rule in rule_rows:
        row = AdoptedRule(
            report=report,
            title=str(rule["title"]).strip(),
            document_number=str(rule.get("document_number", "")).strip(),
            adopted_on=rule.get("adopted_on"),
        )
        row._history_user = actor
        adopted.append(row)
    held = []
    for person in people:
        row = AccountabilityRecord(
            report=report,
            person_name=str(person["person_name"]).strip(),
            position=str(person.get("position", "")).strip(),
            outcome=person["outcome"],
        )
        row._history_user = actor
        held.append(row)
    event = new_event(
        finding,
        actor,
        EventKind.REPORT,
        action="submit_report",
        comment=_("第 %(round)d 轮：%(progress)s") % {"round": round_number, "progress": report.progress[:300]},
        at=at,
    )
    move = None if continued else Move("submit", _("第 %(round)d 轮报送") % {"round": round_number})
    return NewReport(report=report, rules=adopted, people=held, event=event, move=move)


@files_follow_transaction()
@transaction.atomic
def submit_report(
    actor: User,
    finding: Finding,
    *,
    measures: str,
    progress: str,
    unfinished_reason: str = "",
    next_steps: str = "",
    next_steps_due: datetime.date | None = None,
    amounts: Mapping[str, object] | None = None,
    excess_reason: str = "",
    rules: Iterable[Mapping[str, object]] = (),
    accountability: Iterable[Mapping[str, object]] = (),
    evidence: Sequence = (),
    kind: str | None = None,
    finding_version=None,
) -> ProgressReport:
    """The unit reports a round: measures, progress, amounts by method, rules, people, evidence.

    A finding under rectification moves to submitted (awaiting verification); a long-term finding
    stays long-term and the round is a continued report (持续报送).
    """
    finding = _require_step(actor, finding, "report")
    check_version(finding, finding_version)  # the finding was corrected since the unit's form was opened
    round_number = (ProgressReport.all_objects.filter(finding=finding).aggregate(m=Max("round"))["m"] or 0) + 1
    new = build_report(
        actor,
        finding,
        round_number=round_number,
        rectified_so_far=amount_rectified_so_far(finding),
        measures=measures,
        progress=progress,
        unfinished_reason=unfinished_reason,
        next_steps=next_steps,
        next_steps_due=next_steps_due,
        amounts=amounts,
        excess_reason=excess_reason,
        rules=rules,
        accountability=accountability,
        kind=kind,
    )
    sniffed = [(upload, evidence_files.sniff(upload)) for upload in evidence]

    if finding.state == FindingState.ISSUED:
        perform_transition(actor, finding, "start", comment=_("开始报送整改情况"))
        finding.refresh_from_db()
        # The round is reported once the finding has started, and its time says so.
        new.report.submitted_at = new.event.at = timezone.now()
    report = new.report
    report.full_clean()
    report.save()
    for row in [*new.rules, *new.people]:
        row.report = report
        row.save()
    new.event.save()
    if new.move:
        perform_transition(actor, finding, new.move.name, comment=new.move.comment)
    # Files are written last, once every rule has passed; a later rollback removes them
    # (files_follow_transaction), and sweep_orphans catches what a killed process left.
    _attach_evidence(actor, report, sniffed)
    publish(
        "report.submitted", finding, actor=actor, report_id=report.pk, round=round_number, continued=new.move is None
    )
    return report


def build_evidence(
    actor: User, report: ProgressReport, facts, *, stored: str, original_name: str, description: str = ""
) -> Evidence:
    """The row of one evidence file already stored (under ``stored``, with the facts ``sniff`` found), unsaved."""
    row = Evidence(
        report=report,
        original_name=(original_name or facts.sha256)[:255],
        sha256=facts.sha256,
        size=facts.size,
        content_type=facts.content_type,
        description=(description or "").strip()[:200],
        uploaded_by=actor,
    )
    row.file.name = stored
    row._history_user = actor
    return row


def _attach_evidence(actor: User, report: ProgressReport, sniffed, description: str = "") -> list[Evidence]:
    rows = []
    for upload, facts in sniffed:
        stored = evidence_files.store(upload, facts)
        # Kept and served under the given name with the extension of what the file is (``evidence.served_name``).
        row = build_evidence(
            actor, report, facts, stored=stored, original_name=facts.name or facts.sha256, description=description
        )
        row.save()
        rows.append(row)
    return rows


@files_follow_transaction()
@transaction.atomic
def add_evidence(actor: User, report: ProgressReport, files: Sequence, *, description: str = "") -> list[Evidence]:
    """The unit adds supporting files to a report round it submitted, while the round awaits verification."""
    finding = _require(actor, UNIT_ROLES, report.finding, _("只有整改责任单位可以补充佐证材料。"))
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if Verification.objects.filter(report=report).exists():
        raise ActionRefused(_("该报告已核实认定，不能再补充佐证材料。"), code="invalid_state")
    files = list(files)
    if not files:
        raise ActionRefused(_("请选择要上传的佐证材料。"))
    rows = _attach_evidence(actor, report, [(upload, evidence_files.sniff(upload)) for upload in files], description)
    record_event(
        finding,
        actor,
        EventKind.REPORT,
        action="add_evidence",
        comment=_("第 %(round)d 轮补充佐证材料：%(names)s")
        % {"round": report.round, "names": "、".join(row.original_name for row in rows)},
    )
    return rows


@transaction.atomic
def verify_latest(actor: User, finding: Finding, **verdict) -> Verification:
    """Verifies the latest report round of a finding (``verify`` with the round looked up)."""
    latest = finding.reports.order_by("-round").first()
    if latest is None:
        _require_step(actor, finding, "verify")
        raise ActionRefused(_("该问题尚无整改情况报告，无从核实认定。"), code="invalid_state")
    return verify(actor, latest, **verdict)


@dataclass
class NewVerification:
    """A verdict checked and built but not saved: the verification, its timeline event, and the move it
    leads to (a submitted finding found rectified is closed out, otherwise returned for rework; a long-term
    finding's continued report moves nothing)."""

    verification: Verification
    event: FindingEvent
    move: Move | None


def _check_verifier(actor: User, report: ProgressReport) -> None:
    if report.submitted_by_id == actor.pk:
        raise ActionRefused(_("核实人不能是该报告的报送人。"), code="forbidden")


def build_verification(
    actor: User,
    finding: Finding,
    report: ProgressReport,
    *,
    claimed_so_far: Decimal,
    verdict: str,
    reasons: str,
    verified_amount=None,
    complete: bool | None = None,
    compliant: bool | None = None,
    at: datetime.datetime | None = None,
) -> NewVerification:
    """Every rule of a verdict on the latest round ``report``, applied without writing anything: the
    verifier is not its submitter, the state, the verdict, the reasons, the amount (at most what the unit
    claimed so far, ``claimed_so_far`` including this round; a rejected round's claim does not count) and
    the completeness a "rectified" verdict needs. ``verify`` saves what this builds; the demo builds many.
    """
    _check_verifier(actor, report)
    if finding.state not in (FindingState.SUBMITTED, FindingState.LONG_TERM):
        raise ActionRefused(
            _("问题当前状态为「%(state)s」，不能核实认定。") % {"state": finding.get_state_display()},
            code="invalid_state",
        )
    if verdict not in Verdict.values:
        raise ActionRefused(_("未知的认定结论「%(value)s」。") % {"value": verdict})
    if finding.state == FindingState.LONG_TERM and verdict == Verdict.RECTIFIED:
        raise ActionRefused(_("持续整改事项须先恢复整改、报送后方可认定销号。"), code="invalid_state")
    if not (reasons or "").strip():
        raise ActionRefused(_("请填写认定理由。"))
    amount = parse_amount(verified_amount, _("认定整改金额"))
    claimed = claimed_so_far
    if verdict in REJECTED_VERDICTS:
        claimed -= report.amount_rectified  # this round's claim is what the verdict voids
    if amount > claimed:
        raise ActionRefused(
            _("认定整改金额 %(amount)s 元超过单位累计报送的整改金额 %(claimed)s 元。")
            % {"amount": f"{amount:,.2f}", "claimed": f"{claimed:,.2f}"}
        )
    rectified = verdict == Verdict.RECTIFIED
    if rectified and (complete is False or compliant is False):
        raise ActionRefused(_("认定为「已整改」须整改完整且合规；否则请认定为「部分整改」。"))
    at = at or timezone.now()
    verification = Verification(
        finding=finding,
        report=report,
        verdict=verdict,
        verified_amount=amount,
        complete=rectified if complete is None else complete,
        compliant=rectified if compliant is None else compliant,
        reasons=reasons.strip(),
        verifier=actor,
        verified_at=at,
    )
    verification._history_user = actor
    event = new_event(
        finding,
        actor,
        EventKind.VERIFICATION,
        action="verify",
        comment=f"{verification.get_verdict_display()}：{verification.reasons[:300]}",
        at=at,
    )
    move = None
    if finding.state == FindingState.SUBMITTED:
        move = Move("close" if verification.closes_finding else "return", verification.reasons)
    return NewVerification(verification=verification, event=event, move=move)


@transaction.atomic
def verify(
    actor: User,
    report: ProgressReport,
    *,
    verdict: str,
    reasons: str,
    verified_amount=None,
    complete: bool | None = None,
    compliant: bool | None = None,
) -> Verification:
    """The auditor's verdict on a report round. Rectified closes the finding out (对账销号); any
    other verdict on a submitted finding returns it for rework. A continued report of a long-term
    finding is verified without moving the finding."""
    finding = _require_step(actor, report.finding, "verify")
    report = ProgressReport.objects.get(pk=report.pk)
    _check_verifier(actor, report)
    if Verification.objects.filter(report=report).exists():
        raise ActionRefused(_("该报告已核实认定，不能重复认定。"), code="invalid_state")
    latest = finding.reports.order_by("-round").first()
    if latest is None or latest.pk != report.pk:
        raise ActionRefused(_("只能核实最近一轮报告。"), code="invalid_state")
    new = build_verification(
        actor,
        finding,
        report,
        claimed_so_far=amount_rectified_so_far(finding),
        verdict=verdict,
        reasons=reasons,
        verified_amount=verified_amount,
        complete=complete,
        compliant=compliant,
    )
    verification = new.verification
    verification.save()
    new.event.save()
    publish("finding.verified", finding, actor=actor, verification_id=verification.pk, verdict=verification.verdict)
    if new.move and new.move.name == "close":
        close_out(actor, finding, verification)
    elif new.move:
        return_for_rework(actor, finding, comment=new.move.comment)
    return verification


@transaction.atomic
def close_out(actor: User, finding: Finding, verification: Verification) -> Finding:
    """Reconciles and closes out (对账销号) a finding; only a rectified verdict leads here."""
    if not verification.closes_finding or verification.finding_id != finding.pk:
        raise ActionRefused(_("只有认定为「已整改」的问题可以销号。"))
    return perform_transition(actor, finding, "close", comment=verification.reasons, verification=verification)


@transaction.atomic
def return_for_rework(actor: User, finding: Finding, *, comment: str) -> Finding:
    """Sends a submitted finding back to the unit, saying why."""
    return perform_transition(actor, finding, "return", comment=comment)


# The named action behind each transition a user may ask for by name (finding_actions.NAMED_TRANSITIONS).
# Submitting is a report and closing is a verification, so neither is here.
TRANSITION_ACTIONS = {
    "issue": finding_actions.issue_finding,
    "start": finding_actions.start_rectification,
    "return": return_for_rework,
    "to_long_term": finding_actions.move_to_long_term,
    "resume": finding_actions.resume_rectification,
}


def transition_by_name(actor: User, finding: Finding, name: str, *, comment: str = "") -> Finding:
    """Performs the transition ``name`` through its named action; the web and the API both call this."""
    if name not in TRANSITION_ACTIONS:
        raise ActionRefused(_("未知的操作「%(name)s」。") % {"name": name})
    return TRANSITION_ACTIONS[name](actor, finding, comment=comment)


@transaction.atomic
def explain_delay(actor: User, finding: Finding, *, reason: str, expected_completion: datetime.date):
    """The unit explains why a finding will miss (or has missed) its deadline.

    An overdue finding without an explanation is a ground for an interview (source 三(四)); with
    one, the auditor decides whether to extend the deadline (update_finding with a reason).
    """
    from rectify.rectification.models import DelayExplanation

    finding = _require_step(actor, finding, "delay")
    if finding.state not in REPORTABLE_STATES:
        raise ActionRefused(
            _("问题当前状态为「%(state)s」，无需说明延期原因。") % {"state": finding.get_state_display()},
            code="invalid_state",
        )
    if not (reason or "").strip():
        raise ActionRefused(_("请填写未按期完成的原因。"))
    if expected_completion is None:
        raise ActionRefused(_("请填写预计完成时间。"))
    _check_not_before(expected_completion, local_today(), _("预计完成时间"))
    explanation = DelayExplanation(
        finding=finding,
        reason=reason.strip(),
        expected_completion=expected_completion,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    explanation._history_user = actor
    explanation.save()
    record_event(
        finding,
        actor,
        EventKind.DELAY,
        action="explain_delay",
        comment=_("%(reason)s（预计 %(date)s 完成）")
        % {"reason": explanation.reason[:300], "date": expected_completion.isoformat()},
    )
    publish("delay.explained", finding, actor=actor, explanation_id=explanation.pk)
    return explanation


def pending_delay_explanation(finding: Finding) -> DelayExplanation | None:
    """The latest explanation the audit office has not yet decided on."""
    return (
        DelayExplanation.objects.filter(finding=finding, decision=DelayDecision.PENDING)
        .order_by("-submitted_at", "-pk")
        .first()
    )


@transaction.atomic
def decide_delay(actor: User, finding: Finding, *, accept: bool, note: str = "") -> DelayExplanation:
    """The audit office accepts or rejects the unit's latest delay explanation.

    Accepting it keeps the overdue finding from being proposed for accountability until the expected
    completion date has passed; it does not move the deadline (that is an edit of the finding, with
    its reason). Rejecting it needs a reason, which the unit is told.
    """
    finding = _require(actor, AUDITING_ROLES, finding, _("只有审计机关可以审核延期说明。"))
    explanation = pending_delay_explanation(finding)
    if explanation is None:
        raise ActionRefused(_("该问题没有待审核的延期说明。"), code="invalid_state")
    note = (note or "").strip()
    if not accept and not note:
        raise ActionRefused(_("不同意延期时请填写审核意见。"))
    explanation.decision = DelayDecision.ACCEPTED if accept else DelayDecision.REJECTED
    explanation.decided_by = actor
    explanation.decided_at = timezone.now()
    explanation.decision_note = note
    explanation._history_user = actor
    explanation.save()
    label = explanation.get_decision_display()
    record_event(
        finding,
        actor,
        EventKind.DELAY,
        action="decide_delay",
        comment=f"{label}{_('：')}{note}" if note else str(label),
    )
    publish(
        "delay.accepted" if accept else "delay.rejected",
        finding,
        actor=actor,
        explanation_id=explanation.pk,
        comment=note,
    )
    return explanation
