"""Named actions on the deliveries of the references (source 三(六)).

The audit office (its auditors or its leader) sends a year's cadre reference to the organization department
of its jurisdiction, or a year's budget reference to the finance bureau; the recipient's officers (the
organization department's for the cadre reference, the finance bureau's for the budget reference)
acknowledge it, with a comment if they wish. A year's reference goes once to each recipient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.choices import AUDIT_ROLES
from rectify.accounts.scopes import is_audit_office_auditor
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import lock_for_action
from rectify.findings.warning import local_today
from rectify.references.choices import RECIPIENT_KIND, DeliveryState, ReferenceKind
from rectify.references.models import ReferenceDelivery
from rectify.references.scopes import RECIPIENT_ROLE

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.organizations.models import Organization

FIRST_YEAR = 2000


def may_send(actor: User) -> bool:
    return bool(actor.is_authenticated and is_audit_office_auditor(actor, actor.role_codes & AUDIT_ROLES))


def may_acknowledge(actor: User) -> bool:
    return bool(actor.is_authenticated and actor.role_codes & frozenset(RECIPIENT_ROLE.values()))


def recipients(actor: User, kind: str | None = None):
    """The bodies of the actor's jurisdiction a reference may go to (of ``kind``'s recipient kind)."""
    from rectify.organizations.models import Organization

    if not may_send(actor):
        return Organization.objects.none()
    kinds = [RECIPIENT_KIND[kind]] if kind in RECIPIENT_KIND else list(RECIPIENT_KIND.values())
    return Organization.objects.filter(jurisdiction_id=actor.organization.jurisdiction_id, kind__in=kinds).order_by(
        "code"
    )


@transaction.atomic
def send_reference(actor: User, *, kind: str, year: int, recipient: Organization, note: str = "") -> ReferenceDelivery:
    """The audit office sends a year's reference to the body that uses it."""
    if not may_send(actor):
        raise ActionRefused(_("只有审计机关的审计人员可以报送结果运用参考。"), code="forbidden")
    if kind not in ReferenceKind.values:
        raise ActionRefused({"kind": [_("请选择参考类型。")]})
    last = local_today().year
    if year is None or not FIRST_YEAR <= int(year) <= last:
        raise ActionRefused(
            {"year": [_("审计年度须在 %(low)s 至 %(high)s 之间。") % {"low": FIRST_YEAR, "high": last}]}
        )
    if recipient is None:
        raise ActionRefused({"recipient": [_("请选择接收单位。")]})
    if recipient.kind != RECIPIENT_KIND[kind] or recipient.jurisdiction_id != actor.organization.jurisdiction_id:
        raise ActionRefused(
            {
                "recipient": [
                    _("「%(org)s」不是本行政区域的%(kind)s，不能接收%(reference)s。")
                    % {
                        "org": recipient,
                        "kind": RECIPIENT_KIND[kind].label,
                        "reference": ReferenceKind(kind).label,
                    }
                ]
            }
        )
    already = ReferenceDelivery.objects.filter(office=actor.organization, kind=kind, year=year, recipient=recipient)
    if already.exists():
        raise ActionRefused(
            _("%(year)s年度的%(reference)s已报送「%(org)s」。")
            % {"year": year, "reference": ReferenceKind(kind).label, "org": recipient}
        )
    delivery = ReferenceDelivery(
        kind=kind,
        year=int(year),
        office=actor.organization,
        recipient=recipient,
        note=(note or "").strip(),
        sent_by=actor,
        sent_at=timezone.now(),
    )
    delivery._history_user = actor
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:  # sent by someone else at the same moment
        raise ActionRefused(
            _("%(year)s年度的%(reference)s已报送「%(org)s」。")
            % {"year": year, "reference": ReferenceKind(kind).label, "org": recipient}
        ) from None
    publish("reference.sent", delivery, actor=actor, kind=kind, year=delivery.year)
    return delivery


@transaction.atomic
def acknowledge_reference(actor: User, delivery, *, comment: str = "") -> ReferenceDelivery:
    """The recipient acknowledges a reference sent to it (签收)."""
    delivery = lock_for_action(
        ReferenceDelivery,
        actor,
        getattr(delivery, "pk", delivery),
        roles=frozenset(RECIPIENT_ROLE.values()),
        not_found=_("找不到该报送记录。"),
        forbidden=_("只有接收单位可以签收。"),
    )
    if delivery.state != DeliveryState.SENT:
        at = timezone.localtime(delivery.acknowledged_at).strftime("%Y-%m-%d %H:%M")
        raise ActionRefused(_("该参考已于 %(at)s 签收。") % {"at": at})
    delivery.state = DeliveryState.ACKNOWLEDGED
    delivery.acknowledged_by = actor
    delivery.acknowledged_at = timezone.now()
    delivery.acknowledgement = (comment or "").strip()
    delivery._history_user = actor
    delivery.save()
    publish("reference.acknowledged", delivery, actor=actor)
    return delivery
