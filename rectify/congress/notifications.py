"""Inbox notifications of congress matters: a department's people when a question is put to it; the
congress's officers when a department answers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rectify.accounts.scopes import holders_of
from rectify.congress.scopes import BUSINESS_ROLES, CONGRESS
from rectify.notifications.rules import Rule, Subject, register_rule, register_subject

QUESTION = "congress.Question"


def _load(pk: int):
    from rectify.congress.models import Question

    return Question.objects.select_related("matter", "organization").filter(pk=pk).first()


def _facts(question, event) -> dict[str, str]:
    return {
        "title": question.matter.title,
        "kind": str(question.matter.get_kind_display()),
        "organization": question.organization.name,
        "due_date": question.due_date.isoformat(),
    }


def department_people(question) -> list[int]:
    return list(holders_of(BUSINESS_ROLES, organization_id=question.organization_id).values_list("pk", flat=True))


def congress_people(question) -> list[int]:
    return list(holders_of(CONGRESS, organization_id=question.matter.issuer_id).values_list("pk", flat=True))


def register() -> None:
    register_subject(Subject(QUESTION, _load, _facts, lambda q: q.get_absolute_url()))
    register_rule(
        Rule(
            "congress.question_put",
            (department_people,),
            _("人大常委会%(kind)s待答复：%(title)s"),
            _("请%(organization)s于 %(due_date)s 前答复。"),
            subject=QUESTION,
        )
    )
    register_rule(
        Rule(
            "congress.question_answered",
            (congress_people,),
            _("部门已答复：%(title)s"),
            _("%(organization)s已答复%(kind)s中向其提出的事项。"),
            subject=QUESTION,
        )
    )
