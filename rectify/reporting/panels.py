"""What the reporting app adds to the read pages (through ``rectify.core.panels``). The escalation
proposals appear on the audit leader's workbench in the interviews app's list of proposals; on a finding's
page, to those who audit it. A unit's internal auditors, who run their own internal audits the way the
audit office runs its own, get on their workbench the reporting of those audits' findings: the on-time
figures, the reports fallen overdue and the escalation proposals awaiting their decision."""

from __future__ import annotations

import datetime

from rectify.accounts.choices import AUDITING_ROLES, UNIT_ROLES, RoleCode
from rectify.core.panels import FINDING, ORGANIZATION, TOP, WORKBENCH, Panel, register_panel
from rectify.core.visibility import restrict
from rectify.findings.warning import local_today
from rectify.reporting.choices import EscalationState
from rectify.reporting.models import EscalationProposal, Obligation
from rectify.reporting.routing import routes_for
from rectify.reporting.services import OWING_STATES, figures_of, on_time_figures

LIST_LIMIT = 10
# How far ahead the unit's workbench lists what it owes.
AHEAD = datetime.timedelta(days=30)


def _rows(obligations, today: datetime.date) -> list[dict]:
    return [{"obligation": o, "status": o.status(today), "label": o.status_label(today)} for o in obligations]


def finding_obligations(user, finding) -> dict | None:
    rows = list(restrict(Obligation.objects.filter(finding=finding), user).select_related("met_by"))
    if not rows and finding.state not in OWING_STATES:
        return None
    today = local_today()
    escalations, decides = [], False
    if user.role_codes & AUDITING_ROLES:
        from rectify.findings.scopes import acting_roles

        escalations = list(
            restrict(EscalationProposal.objects.filter(finding=finding), user)
            .select_related("obligation", "decided_by")
            .order_by("proposed_on", "pk")
        )
        # The decision is offered to whoever audits the finding (a unit's internal audit: its internal auditors).
        decides = bool(escalations) and bool(acting_roles(user, finding) & AUDITING_ROLES)
    return {
        "rows": _rows(rows, today),
        "escalations": escalations,
        "decides": decides,
        "figures": figures_of(rows, today),
        "routes": [str(route.label) for route in routes_for(finding)],
        "cadre": finding.project.audited_official
        if any(r.key == "organization_department" for r in routes_for(finding))
        else "",
    }


def organization_obligations(user, organization) -> dict | None:
    in_subtree = restrict(Obligation.objects.filter(finding__unit_id__in=organization.subtree_ids()), user)
    today = local_today()
    figures = on_time_figures(in_subtree, today)
    if not figures["fallen_due"] and not figures["upcoming"]:
        return None
    missed = (
        in_subtree.filter(met_at__isnull=True, cancelled_at__isnull=True, due_date__lt=today)
        .select_related("finding")
        .order_by("due_date", "pk")[:LIST_LIMIT]
    )
    return {"figures": figures, "missed": _rows(missed, today)}


def unit_obligations(user, obj=None) -> dict | None:
    if not user.role_codes & UNIT_ROLES:
        return None
    today = local_today()
    owed = (
        restrict(Obligation.objects.open(), user)
        .filter(finding__state__in=OWING_STATES, due_date__lte=today + AHEAD)
        .select_related("finding")
        .order_by("due_date", "pk")
    )
    rows = list(owed[: LIST_LIMIT + 1])
    return {"rows": _rows(rows[:LIST_LIMIT], today), "more": len(rows) > LIST_LIMIT}


def internal_audit_reporting(user, obj=None) -> dict | None:
    """The internal auditor: the reporting of its own unit's internal-audit findings, as the audit office
    follows its own: figures, the reports fallen overdue, and the escalation proposals to decide."""
    if RoleCode.INTERNAL_AUDITOR not in user.role_codes:
        return None
    roles = {RoleCode.INTERNAL_AUDITOR}
    today = local_today()
    obligations = restrict(Obligation.objects.all(), user, roles=roles)
    figures = on_time_figures(obligations, today)
    missed = list(
        obligations.filter(met_at__isnull=True, cancelled_at__isnull=True, due_date__lt=today)
        .select_related("finding")
        .order_by("due_date", "pk")[: LIST_LIMIT + 1]
    )
    escalations = list(
        restrict(EscalationProposal.objects.filter(state=EscalationState.OPEN), user, "act", roles=roles)
        .select_related("finding", "obligation")
        .order_by("-days_overdue", "pk")[: LIST_LIMIT + 1]
    )
    if not figures["fallen_due"] and not figures["upcoming"] and not escalations:
        return None
    return {
        "figures": figures,
        "missed": _rows(missed[:LIST_LIMIT], today),
        "more_missed": len(missed) > LIST_LIMIT,
        "escalations": escalations[:LIST_LIMIT],
        "more_escalations": len(escalations) > LIST_LIMIT,
    }


def routed_reports(user, obj=None) -> dict | None:
    """The latest reports routed to a competent department or the organization department."""
    if not user.role_codes & {RoleCode.DEPT_SUPERVISOR, RoleCode.ORG_OFFICER}:
        return None
    from rectify.findings.models import Finding
    from rectify.rectification.models import ProgressReport

    roles = user.role_codes & {RoleCode.DEPT_SUPERVISOR, RoleCode.ORG_OFFICER}
    # The latest reports are among those of the findings reported last (a finding's last_reported_at is the
    # time of its latest report): those few findings are picked first, by their index, so that the database
    # never walks the reports backwards in time testing each against the scope (seconds at a million).
    reported_last = (
        restrict(Finding.objects.filter(last_reported_at__isnull=False), user, roles=roles)
        .order_by("-last_reported_at", "-pk")
        .values("pk")[:LIST_LIMIT]
    )
    reports = (
        restrict(ProgressReport.objects.filter(finding_id__in=reported_last), user, roles=roles)
        .select_related("finding__unit", "finding__project")
        .order_by("-submitted_at", "-pk")[:LIST_LIMIT]
    )
    return {"rows": list(reports), "organization_department": RoleCode.ORG_OFFICER in roles}


def register() -> None:
    register_panel(Panel("reporting.finding", FINDING, "reporting/panel_finding.html", finding_obligations, TOP))
    register_panel(
        Panel(
            "reporting.organization", ORGANIZATION, "reporting/panel_organization.html", organization_obligations, TOP
        )
    )
    register_panel(Panel("reporting.owed", WORKBENCH, "reporting/panel_owed.html", unit_obligations, order=10))
    register_panel(
        Panel("reporting.internal", WORKBENCH, "reporting/panel_internal.html", internal_audit_reporting, TOP, order=10)
    )
    register_panel(Panel("reporting.routed", WORKBENCH, "reporting/panel_routed.html", routed_reports, order=30))
