"""What the reporting app adds to the read pages (through ``rectify.core.panels``). The escalation
proposals appear on the audit leader's workbench in the interviews app's list of proposals."""

from __future__ import annotations

import datetime

from rectify.accounts.choices import UNIT_ROLES, RoleCode
from rectify.core.panels import FINDING, ORGANIZATION, TOP, WORKBENCH, Panel, register_panel
from rectify.core.visibility import restrict
from rectify.findings.warning import local_today
from rectify.reporting.models import Obligation
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
    return {
        "rows": _rows(rows, today),
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


def routed_reports(user, obj=None) -> dict | None:
    """The latest reports routed to a competent department or the organization department."""
    if not user.role_codes & {RoleCode.DEPT_SUPERVISOR, RoleCode.ORG_OFFICER}:
        return None
    from rectify.rectification.models import ProgressReport

    roles = user.role_codes & {RoleCode.DEPT_SUPERVISOR, RoleCode.ORG_OFFICER}
    reports = (
        restrict(ProgressReport.objects.all(), user, roles=roles)
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
    register_panel(Panel("reporting.routed", WORKBENCH, "reporting/panel_routed.html", routed_reports, order=30))
