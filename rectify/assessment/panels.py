"""What the assessment adds to the workbench (through ``rectify.core.panels``): the audit leader's results
awaiting review or confirmation, and the reviewed results a unit, its department, the committee office
and the government see (the latest first). One query each."""

from __future__ import annotations

from rectify.accounts.choices import UNIT_ROLES, RoleCode
from rectify.assessment.choices import AssessmentState
from rectify.assessment.models import Assessment
from rectify.assessment.scopes import RESULT_READERS
from rectify.core.panels import WORKBENCH, Panel, register_panel
from rectify.core.visibility import restrict

LIST_LIMIT = 8
LEADER = frozenset({RoleCode.AUDIT_LEADER})


def awaiting(user, obj=None) -> dict | None:
    """The audit leader: how many results of each year await review and confirmation."""
    if RoleCode.AUDIT_LEADER not in user.role_codes:
        return None
    pending = (AssessmentState.COMPUTED, AssessmentState.REVIEWED)
    rows = list(
        restrict(Assessment.objects.filter(state__in=pending), user, "act", roles=LEADER)
        .order_by("-year", "state")
        .values_list("year", "state")
    )
    if not rows:
        return None
    counts: dict[int, dict[str, int]] = {}
    for year, state in rows:
        counts.setdefault(year, {"computed": 0, "reviewed": 0})[state] += 1
    return {"years": sorted(counts.items(), reverse=True)}


def results(user, obj=None) -> dict | None:
    """Those who read results: the latest they see (a unit its own, a department its units')."""
    if not user.role_codes & (UNIT_ROLES | RESULT_READERS | {RoleCode.DEPT_SUPERVISOR}):
        return None
    rows = list(
        Assessment.objects.restrict(user)
        .filter(state__in=(AssessmentState.REVIEWED, AssessmentState.CONFIRMED))
        .select_related("unit")
        .order_by("-year", "-total", "pk")[: LIST_LIMIT + 1]
    )
    if not rows:
        return None
    return {"rows": rows[:LIST_LIMIT], "more": len(rows) > LIST_LIMIT}


def register() -> None:
    register_panel(Panel("assessment.awaiting", WORKBENCH, "assessment/panel_awaiting.html", awaiting, order=40))
    register_panel(Panel("assessment.results", WORKBENCH, "assessment/panel_results.html", results, order=40))
