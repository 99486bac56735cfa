"""Workbench panels of supervision: the committee office's open matters (the parts overdue first, as the
earliest due) and its circulars on their way; an assignee's matters owed."""

from __future__ import annotations

from rectify.core.panels import TOP, WORKBENCH, Panel, register_panel
from rectify.findings.warning import local_today
from rectify.supervision.choices import AssignmentState, CircularState, MatterState
from rectify.supervision.scopes import BUSINESS_ROLES, COMMITTEE

SHOWN = 8


def committee(user, obj=None) -> dict | None:
    from rectify.supervision.models import Assignment, Circular

    if not (user.is_authenticated and user.organization_id and user.role_codes & COMMITTEE):
        return None
    parts = list(
        Assignment.objects.filter(matter__issuer_id=user.organization_id, matter__state=MatterState.OPEN)
        .exclude(state=AssignmentState.DONE)
        .select_related("matter", "organization")
        .order_by("due_date", "pk")[: SHOWN + 1]
    )
    circulars = list(
        Circular.objects.filter(issuer_id=user.organization_id)
        .order_by("state", "-last_updated", "-pk")
        .only("pk", "title", "state", "kind", "number_prefix", "number_year", "number_serial", "issued_at")[:SHOWN]
    )
    today = local_today()
    return {
        "parts": [(part, part.due_date < today) for part in parts[:SHOWN]],
        "more": len(parts) > SHOWN,
        "overdue": sum(1 for part in parts if part.due_date < today),
        "circulars": circulars,
        "drafts": CircularState.DRAFT,
    }


def owed(user, obj=None) -> dict | None:
    from rectify.supervision.models import Assignment

    if not (user.is_authenticated and user.organization_id and user.role_codes & BUSINESS_ROLES):
        return None
    parts = list(
        Assignment.objects.filter(organization_id=user.organization_id)
        .exclude(state=AssignmentState.DONE)
        .select_related("matter")
        .order_by("due_date", "pk")[: SHOWN + 1]
    )
    if not parts:
        return None
    today = local_today()
    return {"parts": [(part, part.due_date < today) for part in parts[:SHOWN]], "more": len(parts) > SHOWN}


def register() -> None:
    register_panel(
        Panel("supervision.committee", WORKBENCH, "supervision/panels/committee.html", committee, position=TOP, order=5)
    )
    register_panel(Panel("supervision.owed", WORKBENCH, "supervision/panels/owed.html", owed, position=TOP, order=30))
