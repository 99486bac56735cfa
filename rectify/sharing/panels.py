"""The workbench panel of sharing: the audit office's subscription requests awaiting its decision (only
when there are some), and a supervising body's own subscriptions."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rectify.accounts.scopes import is_audit_office_auditor
from rectify.core.panels import TOP, WORKBENCH, Panel, register_panel
from rectify.sharing.choices import SubscriptionState
from rectify.sharing.scopes import is_supervisor_officer

SHOWN = 5


def subscriptions(user, obj=None) -> dict | None:
    from rectify.sharing.models import Subscription

    if not user.is_authenticated or user.organization_id is None:
        return None
    related = ("subscriber", "unit", "sector", "category")
    if is_supervisor_officer(user):
        rows = Subscription.objects.filter(subscriber_id=user.organization_id).select_related(*related)
        return {"title": _("本单位的监督协作订阅"), "subscriptions": list(rows[:SHOWN])}
    if is_audit_office_auditor(user):
        rows = list(
            Subscription.objects.restrict(user, "act")
            .filter(state=SubscriptionState.PENDING)
            .select_related(*related)[:SHOWN]
        )
        if rows:
            return {"title": _("待审核的监督协作订阅"), "subscriptions": rows}
    return None


def register() -> None:
    register_panel(
        Panel(
            "sharing.subscriptions",
            WORKBENCH,
            "sharing/panels/subscriptions.html",
            subscriptions,
            position=TOP,
            order=40,
        )
    )
