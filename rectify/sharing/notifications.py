"""The inbox notifications of sharing: the audit office when a body asks to subscribe, the body when
it is decided, and each period's digest (registered with the notifications app's rule table)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import AUDIT_ROLES, RoleCode
from rectify.accounts.scopes import holders_of
from rectify.notifications.rules import Rule, Subject, register_rule, register_subject
from rectify.organizations.choices import OrganizationKind

if TYPE_CHECKING:
    from rectify.core.events import Event

SUBSCRIPTION = "sharing.Subscription"
DIGEST = "sharing.Digest"


def _load_subscription(pk: int):
    from rectify.sharing.models import Subscription

    return Subscription.objects.select_related("subscriber", "unit", "sector", "category").filter(pk=pk).first()


def _subscription_facts(subscription, event: Event) -> dict[str, str]:
    return {
        "subscriber": subscription.subscriber.name,
        "target": str(subscription.get_target_display()),
        "covered": str(subscription.covered),
        "comment": str(event.data.get("comment") or ""),
    }


def _load_digest(pk: int):
    from rectify.sharing.models import Digest

    return Digest.objects.select_related("subscription__subscriber").filter(pk=pk).first()


def _digest_facts(digest, event: Event) -> dict[str, str]:
    facts = _subscription_facts(_load_subscription(digest.subscription_id), event)
    lines = "；".join(digest.lines[:10])
    return {
        **facts,
        "since": digest.since.date().isoformat(),
        "until": digest.period_end.isoformat(),
        "changed": str(digest.changed),
        "issued": str(digest.issued),
        "closed": str(digest.closed),
        "overdue": str(digest.overdue),
        "lines": lines or str(_("无")),
    }


def audit_office(subscription) -> list[int]:
    offices = holders_of(
        AUDIT_ROLES,
        organization__kind=OrganizationKind.AUDIT_OFFICE,
        organization__jurisdiction_id=subscription.subscriber.jurisdiction_id,
    )
    return list(offices.values_list("pk", flat=True))


def subscriber(subscription) -> list[int]:
    people = holders_of([RoleCode.SUPERVISOR_OFFICER], organization_id=subscription.subscriber_id)
    return list(people.values_list("pk", flat=True))


def digest_subscriber(digest) -> list[int]:
    return subscriber(digest.subscription)


def register() -> None:
    register_subject(Subject(SUBSCRIPTION, _load_subscription, _subscription_facts, lambda s: s.get_absolute_url()))
    register_subject(Subject(DIGEST, _load_digest, _digest_facts, lambda d: d.get_absolute_url()))
    for rule in (
        Rule(
            "subscription.requested",
            (audit_office,),
            _("%(subscriber)s申请订阅整改情况"),
            _("%(subscriber)s申请订阅%(target)s「%(covered)s」的审计查出问题及整改情况，请审核。"),
            subject=SUBSCRIPTION,
        ),
        Rule(
            "subscription.approved",
            (subscriber,),
            _("订阅申请已同意：%(covered)s"),
            _("审计机关已同意订阅%(target)s「%(covered)s」。%(comment)s"),
            subject=SUBSCRIPTION,
        ),
        Rule(
            "subscription.rejected",
            (subscriber,),
            _("订阅申请未获同意：%(covered)s"),
            _("审计机关不同意订阅%(target)s「%(covered)s」：%(comment)s"),
            subject=SUBSCRIPTION,
        ),
        Rule(
            "subscription.revoked",
            (subscriber, audit_office),
            _("订阅已撤销：%(covered)s"),
            _("%(subscriber)s对%(target)s「%(covered)s」的订阅已撤销。%(comment)s"),
            subject=SUBSCRIPTION,
        ),
        Rule(
            "subscription.digest",
            (digest_subscriber,),
            _("整改情况摘要（截至 %(until)s）：%(covered)s"),
            _(
                "%(since)s 至 %(until)s，%(target)s「%(covered)s」有 %(changed)s 个问题有变化，"
                "其中新下达 %(issued)s 个、销号 %(closed)s 个；目前逾期 %(overdue)s 个。%(lines)s"
            ),
            subject=DIGEST,
        ),
    ):
        register_rule(rule)
