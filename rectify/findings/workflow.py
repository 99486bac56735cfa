"""The finding's states and transitions: the one table, and the one function that moves a finding.

    draft ──issue──▶ issued ──start──▶ rectifying ──submit──▶ submitted ──close──▶ closed
                                        ▲   │  ▲                 │
                                        │   │  └────return───────┘
                          resume ───────┘   └──to_long_term──▶ long_term (continued reporting)

Every named action in the services (issue_finding, submit_report, verify, close_out,
return_for_rework …) moves a finding only through ``perform_transition``, which checks the state,
the actor's role and scope, runs in a transaction, and writes the event with actor, time and comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import AUDITING_ROLES, UNIT_ROLES
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import lock_for_action
from rectify.core.request_context import get_request_id
from rectify.findings.choices import EventKind
from rectify.findings.choices import FindingState as S

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.findings.models import Finding


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    # Close-out happens only as the consequence of a verification (source 三(二)).
    needs_verification: bool = False
    needs_comment: bool = False
    # What is published on the event bus once the move has committed.
    event: str = ""

    def __post_init__(self) -> None:
        if not self.event:
            object.__setattr__(self, "event", f"finding.{EVENT_NAMES[self.name]}")


EVENT_NAMES = {
    "issue": "issued",
    "start": "started",
    "submit": "submitted",
    "return": "returned",
    "close": "closed",
    "to_long_term": "long_term",
    "resume": "resumed",
}


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("issue", _("下达"), frozenset({S.DRAFT}), S.ISSUED, AUDITING_ROLES),
        Transition("start", _("开始整改"), frozenset({S.ISSUED}), S.RECTIFYING, UNIT_ROLES),
        Transition("submit", _("报送整改情况"), frozenset({S.RECTIFYING}), S.SUBMITTED, UNIT_ROLES),
        Transition(
            "return", _("退回重新整改"), frozenset({S.SUBMITTED}), S.RECTIFYING, AUDITING_ROLES, needs_comment=True
        ),
        Transition("close", _("对账销号"), frozenset({S.SUBMITTED}), S.CLOSED, AUDITING_ROLES, needs_verification=True),
        Transition(
            "to_long_term",
            _("转入持续整改"),
            frozenset({S.RECTIFYING}),
            S.LONG_TERM,
            AUDITING_ROLES,
            needs_comment=True,
        ),
        Transition("resume", _("恢复整改"), frozenset({S.LONG_TERM}), S.RECTIFYING, AUDITING_ROLES | UNIT_ROLES),
    )
}


NOT_FOUND = _("问题不存在，或不在您的职责范围内。")


def available_transitions(actor: User, finding: Finding, roles: frozenset[str] | None = None) -> list[Transition]:
    """The transitions this actor may take on this finding now (for showing buttons). ``roles``: the
    roles in which the actor may act on it, when the caller already knows them."""
    from rectify.findings.scopes import acting_roles

    roles = acting_roles(actor, finding) if roles is None else roles
    return [
        t for t in TRANSITIONS.values() if finding.state in t.sources and not t.needs_verification and t.roles & roles
    ]


def lock_finding(actor: User, finding: Finding | int, roles, forbidden: str):
    """The first step of every action on a finding: the row, locked, from the actor's ``act`` scope."""
    from rectify.findings.models import Finding

    pk = finding if isinstance(finding, int) else finding.pk
    return lock_for_action(Finding, actor, pk, roles=roles, not_found=NOT_FOUND, forbidden=forbidden)


def check_state(finding: Finding, sources, action_label) -> None:
    if finding.state not in sources:
        raise ActionRefused(
            _("问题当前状态为「%(state)s」，不能执行「%(action)s」。"),
            code="invalid_state",
            params={"state": finding.get_state_display(), "action": action_label},
        )


def new_event(
    finding: Finding,
    actor: User,
    kind: str,
    *,
    action: str = "",
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    at=None,
):
    """A timeline event, not yet saved (bulk writers save many at once; ``record_event`` saves one)."""
    from rectify.findings.models import FindingEvent

    return FindingEvent(
        finding=finding,
        kind=kind,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_name=actor.display_name[:50],
        at=at or timezone.now(),
        comment=comment,
        request_id=get_request_id(),
    )


def record_event(finding: Finding, actor: User, kind: str, **fields):
    """``new_event`` (same keywords), saved."""
    event = new_event(finding, actor, kind, **fields)
    event.save()
    return event


def perform_transition(actor: User, finding: Finding, name: str, *, comment: str = "", verification=None) -> Finding:
    """Moves ``finding`` along transition ``name``; all or nothing."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ActionRefused(_("未知的操作「%(name)s」。"), code="invalid", params={"name": name})
    # An inner helper: its callers are atomic, so no savepoint of its own (a refusal ends the whole action).
    with transaction.atomic(savepoint=False):
        # Lock and re-read through the act scope, so two people acting at once cannot both move it.
        locked = lock_finding(
            actor,
            finding,
            transition.roles,
            _("您的角色无权对该问题执行「%(action)s」。") % {"action": transition.label},
        )
        comment = check_move(locked, transition, comment=comment, verification=verification)
        _check_guards(locked, transition)
        event = apply_transition(actor, locked, transition, at=timezone.now(), comment=comment)
        locked._history_user = actor
        locked._change_reason = f"{name}: {comment}"[:2000]
        locked.save(update_fields=["state", "issued_at", "closed_at", "last_updated"])
        event.save()
        previous = event.from_state
        publish(transition.event, locked, actor=actor, from_state=previous, to_state=locked.state, comment=comment)
    finding.refresh_from_db()
    return finding


def check_move(finding: Finding, transition: Transition, *, comment: str = "", verification=None) -> str:
    """The rules of a move that need no query: the state, the comment, the verification behind a
    close-out. Returns the comment as it is to be recorded."""
    check_state(finding, transition.sources, transition.label)
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        raise ActionRefused(_("执行「%(action)s」须填写说明。"), code="invalid", params={"action": transition.label})
    if transition.needs_verification and verification is None:
        raise ActionRefused(_("销号只能通过核实认定进行。"), code="invalid")
    if transition.needs_verification and not _closes(verification, finding):
        raise ActionRefused(_("只有认定为「已整改」的问题可以销号。"), code="invalid")
    return comment


def apply_transition(actor: User, finding: Finding, transition: Transition, *, at, comment: str = ""):
    """Moves ``finding`` in memory along ``transition`` at ``at`` (its state, and the issue or close-out
    time the move sets) and returns its transition event, unsaved. Checks nothing: ``check_move`` does.
    ``perform_transition`` saves both; bulk writers (the demo) save many at once."""
    previous = finding.state
    finding.state = transition.target
    if transition.target == S.ISSUED and finding.issued_at is None:
        finding.issued_at = at
    if transition.target == S.CLOSED:
        finding.closed_at = at
    return new_event(
        finding,
        actor,
        EventKind.TRANSITION,
        action=transition.name,
        from_state=previous,
        to_state=finding.state,
        comment=comment,
        at=at,
    )


def _closes(verification, finding: Finding) -> bool:
    """Only a verification of this very finding that says it closes it (found it rectified) closes it out.
    The verification is the rectification app's; it answers ``closes_finding`` itself."""
    if finding.pk is None:  # built in memory (the demo): the very same object
        return verification.finding is finding and verification.closes_finding
    return verification.finding_id == finding.pk and verification.closes_finding


def _check_guards(finding: Finding, transition: Transition) -> None:
    """Conditions on the finding's content, beyond state and role."""
    if transition.name == "issue":
        if not finding.requirements.exists():
            raise ActionRefused(_("下达前须至少列明一条整改要求。"), code="invalid")
        if finding.deadline is None:
            raise ActionRefused(_("下达前须确定整改期限。"), code="invalid")
    if transition.name == "submit" and not finding.reports.exists():
        raise ActionRefused(_("报送前须填写整改情况报告。"), code="invalid")
