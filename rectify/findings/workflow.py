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

from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES
from rectify.core import visibility
from rectify.core.exceptions import ActionRefused
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


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("issue", _("下达"), frozenset({S.DRAFT}), S.ISSUED, AUDIT_ROLES),
        Transition("start", _("开始整改"), frozenset({S.ISSUED}), S.RECTIFYING, UNIT_ROLES),
        Transition("submit", _("报送整改情况"), frozenset({S.RECTIFYING}), S.SUBMITTED, UNIT_ROLES),
        Transition(
            "return", _("退回重新整改"), frozenset({S.SUBMITTED}), S.RECTIFYING, AUDIT_ROLES, needs_comment=True
        ),
        Transition("close", _("对账销号"), frozenset({S.SUBMITTED}), S.CLOSED, AUDIT_ROLES, needs_verification=True),
        Transition(
            "to_long_term", _("转入持续整改"), frozenset({S.RECTIFYING}), S.LONG_TERM, AUDIT_ROLES, needs_comment=True
        ),
        Transition("resume", _("恢复整改"), frozenset({S.LONG_TERM}), S.RECTIFYING, AUDIT_ROLES | UNIT_ROLES),
    )
}


def available_transitions(actor: User, finding: Finding) -> list[Transition]:
    """The transitions this actor may take on this finding now (for showing buttons)."""
    return [
        t
        for t in TRANSITIONS.values()
        if finding.state in t.sources and not t.needs_verification and visibility.can_act_as(actor, t.roles, finding)
    ]


def check_transition(actor: User, finding: Finding, name: str) -> Transition:
    """Refuses, with a message for the user, what this actor may not do to this finding now."""
    from rectify.findings.models import Finding

    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ActionRefused(_("未知的操作「%(name)s」。"), code="invalid", params={"name": name})
    if not Finding.objects.restrict(actor).filter(pk=finding.pk).exists():
        raise ActionRefused(_("问题不存在，或不在您的职责范围内。"), code="not_found")
    if finding.state not in transition.sources:
        raise ActionRefused(
            _("问题当前状态为「%(state)s」，不能执行「%(action)s」。"),
            code="invalid_state",
            params={"state": finding.get_state_display(), "action": transition.label},
        )
    if not visibility.can_act_as(actor, transition.roles, finding):
        raise ActionRefused(
            _("您的角色无权对该问题执行「%(action)s」。"), code="forbidden", params={"action": transition.label}
        )
    return transition


def record_event(
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
    from rectify.findings.models import FindingEvent

    return FindingEvent.objects.create(
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


def perform_transition(actor: User, finding: Finding, name: str, *, comment: str = "", verification=None) -> Finding:
    """Moves ``finding`` along transition ``name``; all or nothing."""
    from rectify.findings.models import Finding

    with transaction.atomic():
        # Lock and re-read, so two people acting at once cannot both move the same finding.
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        transition = check_transition(actor, locked, name)
        comment = (comment or "").strip()
        if transition.needs_comment and not comment:
            raise ActionRefused(
                _("执行「%(action)s」须填写说明。"), code="invalid", params={"action": transition.label}
            )
        if transition.needs_verification and verification is None:
            raise ActionRefused(_("销号只能通过核实认定进行。"), code="invalid")
        if transition.needs_verification and not _closes(verification, locked):
            raise ActionRefused(_("只有认定为「已整改」的问题可以销号。"), code="invalid")
        _check_guards(locked, transition)
        now = timezone.now()
        previous = locked.state
        locked.state = transition.target
        if transition.target == S.ISSUED and locked.issued_at is None:
            locked.issued_at = now
        if transition.target == S.CLOSED:
            locked.closed_at = now
        locked._history_user = actor
        locked._change_reason = f"{name}: {comment}"[:2000]
        locked.save(update_fields=["state", "issued_at", "closed_at", "last_updated"])
        record_event(
            locked,
            actor,
            EventKind.TRANSITION,
            action=name,
            from_state=previous,
            to_state=locked.state,
            comment=comment,
            at=now,
        )
    finding.refresh_from_db()
    return finding


def _closes(verification, finding: Finding) -> bool:
    """Only a verification of this very finding that found it rectified closes it out."""
    from rectify.rectification.choices import Verdict

    return verification.finding_id == finding.pk and verification.verdict == Verdict.RECTIFIED


def _check_guards(finding: Finding, transition: Transition) -> None:
    """Conditions on the finding's content, beyond state and role."""
    if transition.name == "issue":
        if not finding.requirements.exists():
            raise ActionRefused(_("下达前须至少列明一条整改要求。"), code="invalid")
        if finding.deadline is None:
            raise ActionRefused(_("下达前须确定整改期限。"), code="invalid")
    if transition.name == "submit" and not finding.reports.exists():
        raise ActionRefused(_("报送前须填写整改情况报告。"), code="invalid")
