"""Workbench panels of the congress: the congress office's open matters with the responses owed (overdue
first, as the earliest due); a department's questions to answer."""

from __future__ import annotations

from rectify.congress.choices import CongressState, QuestionState
from rectify.congress.scopes import BUSINESS_ROLES, CONGRESS
from rectify.core.panels import TOP, WORKBENCH, Panel, register_panel
from rectify.findings.warning import local_today

SHOWN = 8


def office(user, obj=None) -> dict | None:
    from rectify.congress.models import Question

    if not (user.is_authenticated and user.organization_id and user.role_codes & CONGRESS):
        return None
    questions = list(
        Question.objects.filter(matter__issuer_id=user.organization_id, matter__state=CongressState.OPEN)
        .select_related("matter", "organization")
        .order_by("-state", "due_date", "pk")[: SHOWN + 1]
    )
    today = local_today()
    rows = [(q, q.state == QuestionState.OWED and q.due_date < today) for q in questions[:SHOWN]]
    return {"questions": rows, "more": len(questions) > SHOWN, "owed": QuestionState.OWED}


def owed(user, obj=None) -> dict | None:
    from rectify.congress.models import Question

    if not (user.is_authenticated and user.organization_id and user.role_codes & BUSINESS_ROLES):
        return None
    questions = list(
        Question.objects.filter(
            organization_id=user.organization_id, state=QuestionState.OWED, matter__state=CongressState.OPEN
        )
        .select_related("matter")
        .order_by("due_date", "pk")[: SHOWN + 1]
    )
    if not questions:
        return None
    today = local_today()
    return {"questions": [(q, q.due_date < today) for q in questions[:SHOWN]], "more": len(questions) > SHOWN}


def register() -> None:
    register_panel(Panel("congress.office", WORKBENCH, "congress/panels/office.html", office, position=TOP, order=6))
    register_panel(Panel("congress.owed", WORKBENCH, "congress/panels/owed.html", owed, position=TOP, order=31))
