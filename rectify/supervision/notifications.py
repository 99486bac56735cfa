"""Inbox notifications of supervised matters and circulars: an assignee's people when a matter is assigned
to them or their request is accepted or returned; the committee office when an assignee asks to close;
the recipients' people when a circular is issued."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rectify.accounts.scopes import holders_of
from rectify.notifications.rules import Rule, Subject, register_rule, register_subject
from rectify.supervision.scopes import BUSINESS_ROLES, COMMITTEE

ASSIGNMENT = "supervision.Assignment"
CIRCULAR = "supervision.Circular"


def _load_assignment(pk: int):
    from rectify.supervision.models import Assignment

    return Assignment.objects.select_related("matter", "organization").filter(pk=pk).first()


def _assignment_facts(assignment, event) -> dict[str, str]:
    return {
        "title": assignment.matter.title,
        "organization": assignment.organization.name,
        "due_date": assignment.due_date.isoformat(),
        "comment": str(event.data.get("comment") or ""),
    }


def _load_circular(pk: int):
    from rectify.supervision.models import Circular

    return Circular.objects.select_related("issuer").filter(pk=pk).first()


def _circular_facts(circular, event) -> dict[str, str]:
    return {"title": circular.title, "issuer": circular.issuer.name, "number": circular.number}


def assignee_people(assignment) -> list[int]:
    return list(holders_of(BUSINESS_ROLES, organization_id=assignment.organization_id).values_list("pk", flat=True))


def committee_people(assignment) -> list[int]:
    return list(holders_of(COMMITTEE, organization_id=assignment.matter.issuer_id).values_list("pk", flat=True))


def recipient_people(circular) -> list[int]:
    orgs = list(circular.recipients.values_list("pk", flat=True))
    return list(holders_of(BUSINESS_ROLES, organization_id__in=orgs).values_list("pk", flat=True))


def register() -> None:
    register_subject(Subject(ASSIGNMENT, _load_assignment, _assignment_facts, lambda a: a.get_absolute_url()))
    register_subject(Subject(CIRCULAR, _load_circular, _circular_facts, lambda c: c.get_absolute_url()))
    register_rule(
        Rule(
            "supervision.assigned",
            (assignee_people,),
            _("督办事项交办：%(title)s"),
            _("审计委员会办公室将该事项交由%(organization)s办理，期限 %(due_date)s。"),
            subject=ASSIGNMENT,
        )
    )
    register_rule(
        Rule(
            "supervision.closure_requested",
            (committee_people,),
            _("督办事项申请办结：%(title)s"),
            _("%(organization)s申请办结。%(comment)s"),
            subject=ASSIGNMENT,
        )
    )
    register_rule(
        Rule(
            "supervision.closure_accepted",
            (assignee_people,),
            _("督办事项已同意办结：%(title)s"),
            _("审计委员会办公室同意%(organization)s办结。"),
            subject=ASSIGNMENT,
        )
    )
    register_rule(
        Rule(
            "supervision.assignment_returned",
            (assignee_people,),
            _("督办事项退回继续办理：%(title)s"),
            _("退回原因：%(comment)s"),
            subject=ASSIGNMENT,
        )
    )
    register_rule(
        Rule(
            "supervision.circular_issued",
            (recipient_people,),
            _("收到通报：%(title)s"),
            _("%(issuer)s印发通报（%(number)s），请查阅。"),
            subject=CIRCULAR,
        )
    )
