"""What the interviews app adds to the workbench (through ``rectify.core.panels``), and the finding
page's interview panel. The audit leader's list of proposals replaces the reporting app's list of
escalation proposals: an escalation the rules turned into a proposal is decided with it."""

from __future__ import annotations

from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
from rectify.core.panels import FINDING, TOP, WORKBENCH, Panel, register_panel
from rectify.core.visibility import restrict
from rectify.findings.warning import local_today
from rectify.interviews.choices import InterviewState, ItemState
from rectify.interviews.models import FollowUpItem, Interview

LIST_LIMIT = 10


def _limited(queryset) -> dict:
    rows = list(queryset[: LIST_LIMIT + 1])
    return {"rows": rows[:LIST_LIMIT], "more": len(rows) > LIST_LIMIT}


def proposals(user, obj=None) -> dict | None:
    """The audit leader: proposals awaiting a decision, and the escalation proposals no rule turned
    into an interview proposal (the overdue rule switched off), still to be dealt with."""
    if RoleCode.AUDIT_LEADER not in user.role_codes:
        return None
    from rectify.reporting.choices import EscalationState
    from rectify.reporting.models import EscalationProposal

    waiting = (
        restrict(Interview.objects.filter(state=InterviewState.PROPOSED), user, "act", roles={RoleCode.AUDIT_LEADER})
        .select_related("finding", "unit")
        .order_by("proposed_on", "pk")
    )
    context = _limited(waiting)
    context["unlinked_escalations"] = restrict(
        EscalationProposal.objects.filter(state=EscalationState.OPEN, interviews__isnull=True), user
    ).count()
    return context


def audit_work(user, obj=None) -> dict | None:
    """Auditors: interviews to schedule or hold, and follow-up items reported and awaiting verification."""
    if not user.role_codes & AUDIT_ROLES:
        return None
    interviews = (
        restrict(
            Interview.objects.filter(state__in=(InterviewState.APPROVED, InterviewState.SCHEDULED)),
            user,
            "act",
            roles=AUDIT_ROLES,
        )
        .select_related("unit", "finding")
        .order_by("scheduled_at", "pk")
    )
    items = (
        restrict(FollowUpItem.objects.filter(state=ItemState.REPORTED), user, "act", roles=AUDIT_ROLES)
        .select_related("interview__unit")
        .order_by("due_date", "pk")
    )
    context = _limited(interviews)
    context["items"] = list(items[:LIST_LIMIT])
    if not context["rows"] and not context["items"]:
        return None
    return context


def unit_work(user, obj=None) -> dict | None:
    """The interviewed unit: its interviews not yet closed, and the follow-up items it owes."""
    if not user.role_codes & UNIT_ROLES:
        return None
    interviews = (
        restrict(Interview.objects.exclude(state=InterviewState.CLOSED), user, roles=UNIT_ROLES)
        .select_related("finding")
        .order_by("-proposed_on", "pk")
    )
    items = (
        restrict(FollowUpItem.objects.filter(state=ItemState.OPEN), user, roles=UNIT_ROLES)
        .select_related("interview")
        .order_by("due_date", "pk")
    )
    context = _limited(interviews)
    context["items"] = list(items[:LIST_LIMIT])
    if not context["rows"] and not context["items"]:
        return None
    context["today"] = local_today()
    return context


def cadre_interviews(user, obj=None) -> dict | None:
    """The organization department: the interviews naming cadres (economic-responsibility and
    natural-resource audits)."""
    if RoleCode.ORG_OFFICER not in user.role_codes:
        return None
    interviews = (
        restrict(Interview.objects.all(), user, roles={RoleCode.ORG_OFFICER})
        .select_related("unit", "finding__project")
        .order_by("-proposed_on", "-pk")
    )
    context = _limited(interviews)
    return context if context["rows"] else None


def finding_interviews(user, finding) -> dict | None:
    rows = list(restrict(Interview.objects.filter(finding=finding), user).order_by("proposed_on", "pk"))
    return {"rows": rows} if rows else None


def register() -> None:
    register_panel(Panel("interviews.proposals", WORKBENCH, "interviews/panel_proposals.html", proposals, order=20))
    register_panel(Panel("interviews.audit", WORKBENCH, "interviews/panel_audit.html", audit_work, order=22))
    register_panel(Panel("interviews.unit", WORKBENCH, "interviews/panel_unit.html", unit_work, order=12))
    register_panel(Panel("interviews.cadres", WORKBENCH, "interviews/panel_cadres.html", cadre_interviews, order=32))
    register_panel(
        Panel("interviews.finding", FINDING, "interviews/panel_finding.html", finding_interviews, TOP, order=30)
    )
