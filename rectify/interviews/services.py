"""The interviews' rules and named actions; the subscribers, the pages, the API and the demo call these.

The rules (``propose_*``) turn triggering facts into a proposal, at most one per finding and ground:
an overdue obligation the sweep escalated, a finding verified as not (or falsely) rectified or as
partly rectified a configured number of times, a finding that repeats an earlier one when issued.
The actions then move an interview along proposed → approved / dismissed → scheduled → held →
closed, each recorded on the finding's timeline.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import bump_version, check_version, lock_for_action
from rectify.findings.choices import EventKind
from rectify.findings.warning import local_today
from rectify.findings.workflow import record_event
from rectify.interviews.choices import Ground, InterviewState, ItemState
from rectify.interviews.models import FollowUpItem, FollowUpReport, Interview, InterviewRules
from rectify.rectification.choices import Verdict

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.findings.models import Finding
    from rectify.organizations.models import Jurisdiction

NOT_FOUND = _("约谈不存在，或不在您的职责范围内。")
NOT_RECTIFIED_VERDICTS = (Verdict.NOT_RECTIFIED, Verdict.FALSE_RECTIFICATION)
POOR_VERDICTS = (Verdict.PARTLY_RECTIFIED,)


# --- rules -----------------------------------------------------------------------------------------


def rules_for(jurisdiction: Jurisdiction | None) -> InterviewRules:
    """The rules of the jurisdiction, else of the nearest above it, else the defaults (unsaved)."""
    node = jurisdiction
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        rules = InterviewRules.objects.filter(jurisdiction=node).first()
        if rules is not None:
            return rules
        node = node.parent
    return InterviewRules()


def _timeline_actor(finding: Finding, actor: User | None) -> User:
    """Who a proposal made by the rules is recorded under on the finding's timeline: the user whose
    action triggered it, else (the nightly sweep) the audit team leader, else who registered the finding."""
    return actor or finding.project.leader or finding.created_by


@transaction.atomic
def propose(
    finding: Finding,
    ground: str,
    *,
    basis: str,
    actor: User | None = None,
    escalation=None,
    today: datetime.date | None = None,
) -> Interview | None:
    """A proposal to interview the head of ``finding``'s unit on ``ground``; None when one was made
    before on that ground (an escalation is then attached to the open proposal, if there is one)."""
    from rectify.findings.models import Finding

    # The finding's row lock serialises two proposals for it (the nullable join to the team leader cannot
    # be locked on PostgreSQL, so the row is locked first and read with its relations after).
    list(Finding.objects.select_for_update().filter(pk=finding.pk).values_list("pk", flat=True))
    finding = Finding.objects.select_related("project__leader", "unit", "created_by").get(pk=finding.pk)
    existing = Interview.all_objects.filter(finding=finding, ground=ground).first()
    if existing is not None:
        if escalation is not None and existing.state == InterviewState.PROPOSED:
            existing.escalations.add(escalation)
        return None
    try:
        with transaction.atomic():
            interview = Interview.objects.create(
                finding=finding,
                unit=finding.unit,
                ground=ground,
                basis=basis,
                proposed_on=today or local_today(),
                interviewee=" ".join(v for v in (finding.unit.head_name, finding.unit.head_title) if v),
            )
    except IntegrityError:  # proposed at the same moment by another worker
        return None
    if escalation is not None:
        interview.escalations.add(escalation)
    record_event(
        finding,
        _timeline_actor(finding, actor),
        EventKind.INTERVIEW,
        action="interview_proposed",
        comment=_("依据约谈规则建议约谈单位主要负责人（%(ground)s）：%(basis)s")
        % {"ground": interview.get_ground_display(), "basis": basis},
    )
    publish("interview.proposed", interview, actor=actor, finding_id=finding.pk, ground=ground)
    return interview


def propose_for_escalation(proposal_id: int) -> Interview | None:
    """Rule (a): an obligation overdue past the grace period with no accepted delay explanation (the
    sweep's escalation proposal)."""
    from rectify.reporting.choices import EscalationState
    from rectify.reporting.models import EscalationProposal

    proposal = (
        EscalationProposal.objects.select_related("finding__project__jurisdiction", "obligation")
        .filter(pk=proposal_id, state=EscalationState.OPEN)
        .first()
    )
    if proposal is None or not rules_for(proposal.finding.project.jurisdiction).overdue_enabled:
        return None
    basis = _("%(item)s应于%(due)s前报送，已逾期%(days)d天，且无经同意的延期说明。") % {
        "item": proposal.obligation,
        "due": proposal.obligation.due_date.isoformat(),
        "days": proposal.days_overdue,
    }
    return propose(proposal.finding, Ground.OVERDUE, basis=basis, escalation=proposal)


def propose_for_verification(finding_id: int, actor_id: int | None = None) -> Interview | None:
    """Rule (b): verified as not rectified (or falsely rectified) N times, or as partly rectified M
    times (整改不力), N and M from the jurisdiction's rules."""
    from rectify.accounts.models import User
    from rectify.findings.models import Finding
    from rectify.rectification.models import Verification

    finding = Finding.objects.select_related("project__jurisdiction").filter(pk=finding_id).first()
    if finding is None:
        return None
    rules = rules_for(finding.project.jurisdiction)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    verdicts = list(Verification.objects.filter(finding=finding).values_list("verdict", flat=True))
    not_rectified = sum(1 for v in verdicts if v in NOT_RECTIFIED_VERDICTS)
    partly = sum(1 for v in verdicts if v in POOR_VERDICTS)
    made = None
    if rules.not_rectified_enabled and rules.not_rectified_times and not_rectified >= rules.not_rectified_times:
        made = propose(
            finding,
            Ground.NOT_RECTIFIED,
            actor=actor,
            basis=_("核实认定未整改（含虚假整改）%(count)d次。") % {"count": not_rectified},
        )
    if rules.poorly_enabled and rules.poorly_times and partly >= rules.poorly_times:
        made = (
            propose(
                finding,
                Ground.POORLY_RECTIFIED,
                actor=actor,
                basis=_("核实认定部分整改%(count)d次，整改不力。") % {"count": partly},
            )
            or made
        )
    return made


def propose_for_repeat(finding_id: int, actor_id: int | None = None) -> Interview | None:
    """Rule (c): an issued finding that repeats earlier ones (屡审屡犯)."""
    from rectify.accounts.models import User
    from rectify.findings.models import Finding

    finding = Finding.objects.select_related("project__jurisdiction").filter(pk=finding_id).first()
    if finding is None or not rules_for(finding.project.jurisdiction).repeat_enabled:
        return None
    earlier = list(finding.repeats.order_by("ledger_number").values_list("ledger_number", flat=True))
    if not earlier:
        return None
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    basis = _("与以往审计查出的问题%(earlier)s重复，屡审屡犯。") % {"earlier": "、".join(earlier)}
    return propose(finding, Ground.REPEAT, actor=actor, basis=basis)


# --- actions ---------------------------------------------------------------------------------------


def _lock(actor: User, pk, roles, forbidden: str) -> Interview:
    return lock_for_action(
        Interview.objects.select_related("finding", "unit"),
        actor,
        pk,
        roles=roles,
        not_found=NOT_FOUND,
        forbidden=forbidden,
    )


def _require_state(interview: Interview, states, action: str) -> None:
    if interview.state not in states:
        raise ActionRefused(
            _("约谈当前状态为「%(state)s」，不能%(action)s。")
            % {"state": interview.get_state_display(), "action": action},
            code="invalid_state",
        )


def _timeline(interview: Interview, actor: User, action: str, comment: str) -> None:
    record_event(interview.finding, actor, EventKind.INTERVIEW, action=action, comment=comment[:2000])


def _save(interview: Interview, actor: User, event: str, **data) -> Interview:
    bump_version(interview)  # on the locked row: a page read before this change cannot overwrite it
    interview._history_user = actor
    interview.save()
    publish(event, interview, actor=actor, finding_id=interview.finding_id, **data)
    return interview


@transaction.atomic
def follow_dismissed_escalation(escalation_id: int) -> Interview | None:
    """An escalation proposal dismissed on its own (on the reporting page) dismisses the open interview
    proposal built on it, with the same reason, when nothing else behind that proposal stands."""
    from rectify.reporting.choices import EscalationState
    from rectify.reporting.models import EscalationProposal

    escalation = EscalationProposal.objects.select_related("decided_by").filter(pk=escalation_id).first()
    if escalation is None or escalation.state != EscalationState.DISMISSED or escalation.decided_by is None:
        return None
    interview = (
        Interview.objects.select_for_update()
        .filter(escalations=escalation, state=InterviewState.PROPOSED)
        .order_by("pk")
        .first()
    )
    if interview is None or interview.escalations.exclude(state=EscalationState.DISMISSED).exists():
        return None
    actor = escalation.decided_by
    interview.state = InterviewState.DISMISSED
    interview.decided_by = actor
    interview.decided_at = escalation.decided_at or timezone.now()
    interview.decision_reason = escalation.decision_reason
    _timeline(interview, actor, "interview_dismissed", f"{_('不予约谈')}：{escalation.decision_reason}")
    return _save(interview, actor, "interview.dismissed", reason=escalation.decision_reason)


@transaction.atomic
def decide(actor: User, pk, *, approve: bool, reason: str) -> Interview:
    """The audit leader approves the proposal or dismisses it, with a reason; the escalation proposals
    behind it are taken up or dismissed with the same reason."""
    from rectify.reporting.choices import EscalationState
    from rectify.reporting.services import decide_escalation

    interview = _lock(actor, pk, {RoleCode.AUDIT_LEADER}, _("只有审计机关领导可以决定是否约谈。"))
    _require_state(interview, (InterviewState.PROPOSED,), _("决定是否约谈"))
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused({"reason": [_("请填写决定意见。")]})
    interview.state = InterviewState.APPROVED if approve else InterviewState.DISMISSED
    interview.decided_by = actor
    interview.decided_at = timezone.now()
    interview.decision_reason = reason
    for escalation in interview.escalations.filter(state=EscalationState.OPEN):
        decide_escalation(actor, escalation.pk, take_up=approve, reason=reason)
    label = _("同意约谈") if approve else _("不予约谈")
    _timeline(interview, actor, "interview_approved" if approve else "interview_dismissed", f"{label}：{reason}")
    return _save(interview, actor, "interview.approved" if approve else "interview.dismissed", reason=reason)


@transaction.atomic
def schedule(
    actor: User,
    pk,
    *,
    scheduled_at: datetime.datetime,
    place: str,
    attendees: str,
    interviewee: str = "",
    now: datetime.datetime | None = None,
    version=None,
) -> Interview:
    """Time, place and attendees of an approved interview (and again, to reschedule it). ``now``: the
    moment of the action, when it is not the present (the demo builds interviews held in the past).
    ``version``: the interview's version the form was read at; a rescheduling from an older one is refused."""
    interview = _lock(actor, pk, AUDIT_ROLES, _("只有审计机关可以安排约谈。"))
    _require_state(interview, (InterviewState.APPROVED, InterviewState.SCHEDULED), _("安排约谈"))
    check_version(interview, version)
    errors: dict[str, list[str]] = {}
    if scheduled_at is None or scheduled_at < (now or timezone.now()):
        errors["scheduled_at"] = [_("约谈时间不能早于现在。")]
    if not (place or "").strip():
        errors["place"] = [_("请填写约谈地点。")]
    if not (attendees or "").strip():
        errors["attendees"] = [_("请填写参加人员（姓名、职务）。")]
    interviewee = (interviewee or "").strip() or interview.interviewee
    if not interviewee:
        errors["interviewee"] = [_("请填写被约谈人姓名及职务。")]
    if errors:
        raise ActionRefused(errors)
    rescheduled = interview.state == InterviewState.SCHEDULED
    interview.state = InterviewState.SCHEDULED
    interview.scheduled_at = scheduled_at
    interview.place = place.strip()
    interview.attendees = attendees.strip()
    interview.interviewee = interviewee
    when = timezone.localtime(scheduled_at).strftime("%Y-%m-%d %H:%M")
    comment = _("%(label)s：%(when)s，%(place)s；被约谈人：%(who)s") % {
        "label": _("调整约谈安排") if rescheduled else _("安排约谈"),
        "when": when,
        "place": interview.place,
        "who": interviewee,
    }
    _timeline(interview, actor, "interview_scheduled", comment)
    return _save(interview, actor, "interview.scheduled", scheduled_at=when)


def _new_item(interview: Interview, sequence: int, title: str, due_date, responsible: str) -> FollowUpItem:
    return FollowUpItem(
        interview=interview, sequence=sequence, title=title.strip(), due_date=due_date, responsible=responsible.strip()
    )


def _check_item(title: str, due_date, responsible: str, prefix: str = "", today=None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = today or local_today()
    if not (title or "").strip():
        errors["title"] = [prefix + _("请填写整改事项。")]
    if due_date is None or due_date < today:
        errors["due_date"] = [prefix + _("完成时限不能早于今天。")]
    if not (responsible or "").strip():
        errors["responsible"] = [prefix + _("请填写责任人。")]
    return errors


@transaction.atomic
def hold(
    actor: User, pk, *, record: str, commitments: str, items=(), now: datetime.datetime | None = None
) -> Interview:
    """The record of a held interview: what was said, the commitments made, and the follow-up items
    (each ``(title, due_date, responsible)``). ``now`` as for ``schedule``."""
    now = now or timezone.now()
    interview = _lock(actor, pk, AUDIT_ROLES, _("只有审计机关可以记录约谈。"))
    _require_state(interview, (InterviewState.SCHEDULED,), _("记录约谈"))
    if interview.scheduled_at and interview.scheduled_at > now:
        raise ActionRefused(_("约谈尚未到安排的时间，不能记录。"), code="invalid_state")
    errors: dict[str, list[str]] = {}
    if not (record or "").strip():
        errors["record"] = [_("请填写约谈记录。")]
    for index, (title, due_date, responsible) in enumerate(items, start=1):
        prefix = _("第%(n)d项：") % {"n": index}
        for messages in _check_item(title, due_date, responsible, prefix, timezone.localdate(now)).values():
            errors.setdefault("items", []).extend(messages)
    if errors:
        raise ActionRefused(errors)
    interview.state = InterviewState.HELD
    interview.held_at = now
    interview.record = record.strip()
    interview.commitments = (commitments or "").strip()
    for sequence, (title, due_date, responsible) in enumerate(items, start=1):
        item = _new_item(interview, sequence, title, due_date, responsible)
        item._history_user = actor
        item.save()
    _timeline(
        interview,
        actor,
        "interview_held",
        _("约谈记录：%(record)s；整改承诺：%(commitments)s；整改事项%(count)d项")
        % {"record": interview.record, "commitments": interview.commitments or "—", "count": len(items)},
    )
    return _save(interview, actor, "interview.held", items=len(items))


@transaction.atomic
def add_item(actor: User, pk, *, title: str, due_date, responsible: str) -> FollowUpItem:
    interview = _lock(actor, pk, AUDIT_ROLES, _("只有审计机关可以确定整改事项。"))
    _require_state(interview, (InterviewState.HELD,), _("增加整改事项"))
    errors = _check_item(title, due_date, responsible)
    if errors:
        raise ActionRefused(errors)
    last = interview.items.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    item = _new_item(interview, last + 1, title, due_date, responsible)
    item._history_user = actor
    item.save()
    _timeline(
        interview,
        actor,
        "interview_item_added",
        _("约谈整改事项%(n)d：%(title)s，责任人%(who)s，%(due)s前完成")
        % {"n": item.sequence, "title": item.title, "who": item.responsible, "due": item.due_date.isoformat()},
    )
    publish("interview.item_added", item, actor=actor, interview_id=interview.pk, finding_id=interview.finding_id)
    return item


def _lock_item(actor: User, pk, roles, forbidden: str) -> FollowUpItem:
    return lock_for_action(
        FollowUpItem.objects.select_related("interview__finding"),
        actor,
        pk,
        roles=roles,
        not_found=_("整改事项不存在，或不在您的职责范围内。"),
        forbidden=forbidden,
    )


@transaction.atomic
def report_item(actor: User, pk, *, text: str) -> FollowUpReport:
    """The unit reports its progress on a follow-up item, for the auditor to verify."""
    item = _lock_item(actor, pk, UNIT_ROLES, _("整改事项进展由被约谈单位报送。"))
    if item.state != ItemState.OPEN:
        raise ActionRefused(
            _("该整改事项当前为「%(state)s」，不能报送。") % {"state": item.get_state_display()}, code="invalid_state"
        )
    if not (text or "").strip():
        raise ActionRefused({"text": [_("请填写整改情况。")]})
    report = FollowUpReport(item=item, text=text.strip(), reported_by=actor, reported_at=timezone.now())
    report._history_user = actor
    report.save()
    item.state = ItemState.REPORTED
    item._history_user = actor
    item.save()
    _timeline(
        item.interview,
        actor,
        "interview_item_reported",
        _("报送约谈整改事项%(n)d：%(text)s") % {"n": item.sequence, "text": report.text},
    )
    publish(
        "interview.item_reported",
        item,
        actor=actor,
        interview_id=item.interview_id,
        finding_id=item.interview.finding_id,
    )
    return report


@transaction.atomic
def verify_item(actor: User, pk, *, accepted: bool, comment: str) -> FollowUpItem:
    """The auditor verifies a reported item: accepted, it is done (and the interview is closed when
    every item is); not accepted, it goes back to the unit with the reason."""
    item = _lock_item(actor, pk, AUDIT_ROLES, _("整改事项由审计机关核实。"))
    if item.state != ItemState.REPORTED:
        raise ActionRefused(
            _("该整改事项当前为「%(state)s」，不能核实。") % {"state": item.get_state_display()}, code="invalid_state"
        )
    comment = (comment or "").strip()
    if not comment:
        raise ActionRefused({"comment": [_("请填写核实意见。")]})
    interview = _lock(actor, item.interview_id, AUDIT_ROLES, _("整改事项由审计机关核实。"))
    item.state = ItemState.VERIFIED if accepted else ItemState.OPEN
    item.verified_by = actor if accepted else None
    item.verified_at = timezone.now() if accepted else None
    item.verification_comment = comment
    item._history_user = actor
    item.save()
    label = _("核实通过") if accepted else _("核实未通过，退回继续整改")
    _timeline(
        interview,
        actor,
        "interview_item_verified",
        _("约谈整改事项%(n)d%(label)s：%(comment)s") % {"n": item.sequence, "label": label, "comment": comment},
    )
    publish("interview.item_verified", item, actor=actor, interview_id=interview.pk, accepted=accepted)
    if accepted and not interview.items.exclude(state=ItemState.VERIFIED).exists():
        _close(actor, interview)
    return item


def _close(actor: User, interview: Interview) -> Interview:
    interview.state = InterviewState.CLOSED
    interview.closed_at = timezone.now()
    _timeline(interview, actor, "interview_closed", _("约谈整改事项全部核实，约谈办结。"))
    return _save(interview, actor, "interview.closed")


@transaction.atomic
def close(actor: User, pk) -> Interview:
    """Closes a held interview whose follow-up items are all verified (or that has none)."""
    interview = _lock(actor, pk, AUDIT_ROLES, _("只有审计机关可以办结约谈。"))
    _require_state(interview, (InterviewState.HELD,), _("办结"))
    if interview.items.exclude(state=ItemState.VERIFIED).exists():
        raise ActionRefused(_("尚有未核实的整改事项，不能办结。"), code="invalid_state")
    return _close(actor, interview)


# --- reading ---------------------------------------------------------------------------------------


def steps_for(user: User, interview: Interview) -> set[str]:
    """What ``user`` may do next on ``interview`` (the pages show these buttons; the actions re-check)."""
    roles = user.role_codes
    if not Interview.objects.restrict(user, "act").filter(pk=interview.pk).exists():
        return set()
    steps: set[str] = set()
    if RoleCode.AUDIT_LEADER in roles and interview.state == InterviewState.PROPOSED:
        steps.add("decide")
    if roles & AUDIT_ROLES:
        if interview.state in (InterviewState.APPROVED, InterviewState.SCHEDULED):
            steps.add("schedule")
        if interview.state == InterviewState.SCHEDULED:
            steps.add("hold")
        if interview.state == InterviewState.HELD:
            steps.add("add_item")
            steps.add("verify")
            if not interview.items.exclude(state=ItemState.VERIFIED).exists():
                steps.add("close")
    if roles & UNIT_ROLES and interview.state == InterviewState.HELD:
        steps.add("report")
    return steps
