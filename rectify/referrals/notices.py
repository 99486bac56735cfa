"""The notifications of referrals: to the receiving body when one is sent, to the audit office when
it is acknowledged, fed back, or its feedback falls overdue; to the drafter when it is returned."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import RoleCode
from rectify.notifications.rules import Rule, Subject, register_rule, register_subject

REFERRAL = "referrals.Referral"


def _load(pk: int):
    from rectify.referrals.models import Referral

    return Referral.objects.select_related("office", "recipient").filter(pk=pk).first()


def _facts(referral, event) -> dict[str, str]:
    return {
        "title": referral.title,
        "ground": referral.get_ground_display(),
        "office": referral.office.name,
        "recipient": referral.recipient.name,
        "due_date": referral.feedback_due.isoformat() if referral.feedback_due else "",
        "days": str(event.data.get("days", "")),
        "comment": str(event.data.get("comment", "")),
    }


def receiving_officers(referral) -> list[int]:
    from rectify.accounts.scopes import holders_of
    from rectify.referrals.scopes import RECEIVING_ROLES

    return list(holders_of(RECEIVING_ROLES, organization_id=referral.recipient_id).values_list("pk", flat=True))


def office_auditors(referral) -> list[int]:
    """The drafter and the audit office's leaders."""
    from rectify.accounts.scopes import holders_of

    leaders = holders_of([RoleCode.AUDIT_LEADER], organization_id=referral.office_id).values_list("pk", flat=True)
    return sorted({referral.drafted_by_id, *leaders})


def drafter(referral) -> list[int]:
    return [referral.drafted_by_id]


def approvers(referral) -> list[int]:
    from rectify.accounts.scopes import holders_of

    return list(holders_of([RoleCode.AUDIT_LEADER], organization_id=referral.office_id).values_list("pk", flat=True))


RULES = (
    Rule(
        "referral.drafted",
        (approvers,),
        _("提请追责事项待审批：%(title)s"),
        _("事由：%(ground)s；拟移送%(recipient)s。请审批。"),
        subject=REFERRAL,
    ),
    Rule(
        "referral.returned",
        (drafter,),
        _("提请追责事项被退回修改：%(title)s"),
        _("退回理由：%(comment)s"),
        subject=REFERRAL,
    ),
    Rule(
        "referral.sent",
        (receiving_officers,),
        _("%(office)s提请追责：%(title)s"),
        _("事由：%(ground)s。请签收，并于 %(due_date)s 前反馈处理结果。"),
        subject=REFERRAL,
    ),
    Rule(
        "referral.acknowledged",
        (office_auditors,),
        _("%(recipient)s已签收提请追责事项"),
        _("「%(title)s」已签收，处理结果应于 %(due_date)s 前反馈。"),
        subject=REFERRAL,
    ),
    Rule(
        "referral.concluded",
        (office_auditors,),
        _("%(recipient)s反馈了提请追责事项的处理结果"),
        _("「%(title)s」的处理结果已反馈，请查阅。"),
        subject=REFERRAL,
    ),
    Rule(
        "referral.feedback_overdue",
        (office_auditors,),
        _("提请追责事项逾期未反馈：%(title)s"),
        _("%(recipient)s应于 %(due_date)s 前反馈处理结果，已逾期 %(days)s 天，请督促。"),
        subject=REFERRAL,
    ),
)


def register() -> None:
    register_subject(Subject(REFERRAL, _load, _facts, lambda r: r.get_absolute_url()))
    for rule in RULES:
        register_rule(rule)
