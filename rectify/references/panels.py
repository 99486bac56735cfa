"""The workbench panel of the references: what the audit office sent to the organization department or the
finance bureau and is still awaiting their acknowledgement, shown to the recipient's officers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rectify.core.panels import TOP, WORKBENCH, Panel, register_panel
from rectify.references.choices import DeliveryState
from rectify.references.scopes import RECIPIENT_ROLE

SHOWN = 5


def awaiting(user, obj=None) -> dict | None:
    from rectify.references.models import ReferenceDelivery

    if not user.is_authenticated or user.organization_id is None:
        return None
    kinds = [kind for kind, role in RECIPIENT_ROLE.items() if user.has_role(role)]
    if not kinds:
        return None
    rows = list(
        ReferenceDelivery.objects.restrict(user, "act", roles=frozenset(RECIPIENT_ROLE.values()))
        .filter(state=DeliveryState.SENT, kind__in=kinds)
        .select_related("office")
        .order_by("-sent_at", "-pk")[:SHOWN]
    )
    return {"title": _("待签收的结果运用参考"), "deliveries": rows}


def register() -> None:
    register_panel(
        Panel("references.awaiting", WORKBENCH, "references/panels/awaiting.html", awaiting, position=TOP, order=45)
    )
