"""The inbox notifications of the references: the recipient's officers when a year's reference is sent to
them, the sender when it is acknowledged (registered with the notifications app's rule table)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from rectify.accounts.scopes import holders_of
from rectify.notifications.rules import Rule, Subject, register_rule, register_subject
from rectify.references.scopes import RECIPIENT_ROLE

if TYPE_CHECKING:
    from rectify.core.events import Event

DELIVERY = "references.ReferenceDelivery"


def _load(pk: int):
    from rectify.references.models import ReferenceDelivery

    return ReferenceDelivery.objects.select_related("office", "recipient").filter(pk=pk).first()


def _facts(delivery, event: Event) -> dict[str, str]:
    return {
        "year": str(delivery.year),
        "reference": str(delivery.get_kind_display()),
        "office": delivery.office.name,
        "recipient": delivery.recipient.name,
        "note": delivery.note,
        "comment": delivery.acknowledgement,
    }


def recipient_officers(delivery) -> list[int]:
    people = holders_of([RECIPIENT_ROLE[delivery.kind]], organization_id=delivery.recipient_id)
    return list(people.values_list("pk", flat=True))


def sender(delivery) -> list[int]:
    return [delivery.sent_by_id]


def register() -> None:
    register_subject(Subject(DELIVERY, _load, _facts, lambda d: d.get_absolute_url()))
    register_rule(
        Rule(
            "reference.sent",
            (recipient_officers,),
            _("收到%(year)s年度%(reference)s"),
            _("%(office)s报送了%(year)s年度%(reference)s，请查阅并签收。%(note)s"),
            subject=DELIVERY,
        )
    )
    register_rule(
        Rule(
            "reference.acknowledged",
            (sender,),
            _("%(recipient)s已签收%(year)s年度%(reference)s"),
            _("%(recipient)s已签收%(year)s年度%(reference)s。%(comment)s"),
            subject=DELIVERY,
        )
    )
