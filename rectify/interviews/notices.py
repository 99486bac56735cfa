"""The interviews' notifications: the leader hears of a proposal, the unit of its interview, the
auditors of the unit's progress on a follow-up item, the unit of the verdict."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rectify.notifications.rules import (
    Rule,
    Subject,
    competent_departments,
    project_auditors,
    register_rule,
    register_subject,
    subject_for,
    unit_contacts,
    unit_heads,
)

INTERVIEW = "interviews.Interview"
ITEM = "interviews.FollowUpItem"


def _load_interview(pk: int):
    from rectify.interviews.models import Interview

    return Interview.objects.select_related("finding__unit", "finding__project", "unit").filter(pk=pk).first()


def _interview_facts(interview, event) -> dict[str, str]:
    from django.utils import timezone

    return {
        **subject_for("findings.Finding").facts(interview.finding, event),
        "ground": str(interview.get_ground_display()),
        "when": timezone.localtime(interview.scheduled_at).strftime("%Y-%m-%d %H:%M") if interview.scheduled_at else "",
        "place": interview.place,
        "reason": interview.decision_reason,
    }


def _load_item(pk: int):
    from rectify.interviews.models import FollowUpItem

    return (
        FollowUpItem.objects.select_related("interview__finding__unit", "interview__finding__project")
        .filter(pk=pk)
        .first()
    )


def _item_facts(item, event) -> dict[str, str]:
    return {
        **subject_for("findings.Finding").facts(item.interview.finding, event),
        "item": item.title,
        "due_date": item.due_date.isoformat(),
        "comment": item.verification_comment,
    }


def audit_leaders(interview) -> list[int]:
    from rectify.accounts.choices import RoleCode
    from rectify.accounts.scopes import holders_of

    office = interview.finding.project.audit_office_id
    return list(holders_of([RoleCode.AUDIT_LEADER], organization_id=office).values_list("pk", flat=True))


def _auditors_of_item(item) -> list[int]:
    return project_auditors(item.interview.finding)


def _contacts_of_item(item) -> list[int]:
    return unit_contacts(item.interview)


RULES = (
    Rule(
        "interview.proposed",
        (audit_leaders,),
        _("建议约谈：%(unit)s（%(ground)s）"),
        _("问题 %(ledger_number)s「%(title)s」符合约谈规则（%(ground)s），请决定是否约谈单位主要负责人。"),
        subject=INTERVIEW,
    ),
    Rule(
        "interview.scheduled",
        (unit_heads, unit_contacts, competent_departments),
        _("约谈通知：%(unit)s主要负责人"),
        _("因问题 %(ledger_number)s「%(title)s」（%(ground)s），定于 %(when)s 在%(place)s约谈单位主要负责人。"),
        subject=INTERVIEW,
    ),
    Rule(
        "interview.item_reported",
        (_auditors_of_item,),
        _("约谈整改事项已报送：%(item)s"),
        _("%(unit)s报送了约谈整改事项「%(item)s」的整改情况，请核实。"),
        subject=ITEM,
    ),
    Rule(
        "interview.item_verified",
        (_contacts_of_item,),
        _("约谈整改事项已核实：%(item)s"),
        _("审计机关对约谈整改事项「%(item)s」的核实意见：%(comment)s"),
        subject=ITEM,
    ),
)


def register() -> None:
    register_subject(Subject(INTERVIEW, _load_interview, _interview_facts, lambda i: i.get_absolute_url()))
    register_subject(Subject(ITEM, _load_item, _item_facts, lambda i: i.get_absolute_url()))
    for rule in RULES:
        register_rule(rule)
