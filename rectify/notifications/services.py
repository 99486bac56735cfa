"""Named actions of the inbox, and the delivery of notifications (run by jobs, never in a request).

``notify_event`` turns one event of the bus into notifications by the rules: one per event and
person (the unique key makes a second run find them made) and one delivery per channel the person
gets. ``send`` claims a delivery with a conditional update before sending, so two workers, or a job
run twice, send it once; a failure is retried with a growing delay, then given up.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rectify.core.exceptions import ActionRefused
from rectify.notifications.channels import CHANNELS
from rectify.notifications.choices import ChannelCode, DeliveryStatus
from rectify.notifications.models import ChannelPreference, Delivery, Notification, OrganizationChannel
from rectify.notifications.rules import rules_for, subject_for

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.core.events import Event

MAX_ATTEMPTS = 8
# A delivery claimed this long ago and not finished belongs to a worker that died: it is sent again.
STALE_CLAIM = datetime.timedelta(minutes=15)


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4 … minutes after each failure, at most six hours."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


# --- from events to notifications -----------------------------------------------------------------


def channels_for(user: User, organization_settings: Mapping[str, OrganizationChannel]) -> dict[str, str]:
    """The channels (code → address) by which ``user`` gets notifications: the person's choice, else
    their organization's, else the channel's default; only those that can reach the person."""
    chosen = {p.channel: p.enabled for p in ChannelPreference.objects.filter(user=user)}
    result = {}
    for code, channel in CHANNELS.items():
        setting = organization_settings.get(code)
        enabled = chosen.get(code, setting.enabled if setting else channel.default_enabled)
        if channel.optional and not enabled:
            continue
        address = channel.address(user, setting.address if setting else "")
        if address:
            result[code] = address
    return result


def notify_event(event: Event) -> list[Notification]:
    """Writes the notifications and deliveries ``event`` calls for, then sends them. Idempotent."""
    from rectify.accounts.models import User

    rules = [rule for rule in rules_for(event.name) if rule.subject == event.object_label and rule.applies(event)]
    subject = subject_for(event.object_label)
    if not rules or subject is None:
        return []
    target = subject.load(event.object_id)
    if target is None:
        return []
    notifications = []
    with translation.override("zh-hans"):
        facts = subject.facts(target, event)
        url = subject.url(target)
        for rule in rules:
            recipient_ids = {pk for find in rule.recipients for pk in find(target)} - {event.actor_id}
            recipients = User.objects.filter(pk__in=recipient_ids, is_active=True).select_related("organization")
            for user in recipients:
                notification = _notification_once(
                    user,
                    event,
                    title=str(rule.title) % facts,
                    body=str(rule.body) % facts if rule.body else "",
                    url=url,
                )
                notifications.append(notification)
    for notification in notifications:
        for delivery in notification.deliveries.filter(status=DeliveryStatus.PENDING):
            send(delivery)
    return notifications


def _notification_once(user: User, event: Event, *, title: str, body: str, url: str) -> Notification:
    existing = Notification.objects.filter(event_key=event.key, recipient=user).first()
    if existing is not None:
        return existing
    org_settings = {}
    if user.organization_id:
        org_settings = {s.channel: s for s in OrganizationChannel.objects.filter(organization_id=user.organization_id)}
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=user,
                event_key=event.key,
                event_name=event.name,
                title=title[:200],
                body=body,
                url=url,
                object_label=event.object_label,
                object_id=event.object_id,
            )
            now = timezone.now()
            for code, address in channels_for(user, org_settings).items():
                in_app = code == ChannelCode.IN_APP
                Delivery.objects.create(
                    notification=notification,
                    channel=code,
                    address=address[:300],
                    status=DeliveryStatus.SENT if in_app else DeliveryStatus.PENDING,
                    sent_at=now if in_app else None,
                    next_attempt_at=None if in_app else now,
                )
    except IntegrityError:  # another run made it meanwhile
        return Notification.objects.get(event_key=event.key, recipient=user)
    return notification


# --- sending ------------------------------------------------------------------------------------


def _claim(delivery: Delivery) -> bool:
    """Takes the delivery for this run; False when another run has it or it is done."""
    now = timezone.now()
    claimable = Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
    return bool(
        Delivery.objects.filter(claimable, pk=delivery.pk).update(status=DeliveryStatus.SENDING, claimed_at=now)
    )


def send(delivery: Delivery) -> bool:
    """Sends one delivery unless another run has it; True when this call sent it."""
    if not _claim(delivery):
        return False
    delivery.refresh_from_db()
    channel = CHANNELS[delivery.channel]
    try:
        channel.send(delivery.address, delivery.notification)
    except Exception as error:  # any failure of a gateway is retried later
        attempts = delivery.attempts + 1
        gave_up = attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
            attempts=attempts,
            next_attempt_at=None if gave_up else timezone.now() + retry_delay(attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
            claimed_at=None,
        )
        return False
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, attempts=delivery.attempts + 1, sent_at=timezone.now(), last_error=""
    )
    return True


def send_due(limit: int = 500) -> int:
    """Sends the deliveries whose time has come (first tries and retries); returns how many went out."""
    now = timezone.now()
    due = Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
    ).select_related("notification")[:limit]
    return sum(1 for delivery in due if send(delivery))


# --- the inbox's named actions -------------------------------------------------------------------


def unread_count(user: User) -> int:
    return Notification.objects.restrict(user).filter(read_at__isnull=True).count()


def mark_read(user: User, notification_id: int) -> Notification:
    notification = Notification.objects.restrict(user).filter(pk=notification_id).first()
    if notification is None:
        raise ActionRefused(_("通知不存在。"), code="not_found")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(user: User) -> int:
    return Notification.objects.restrict(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def set_channel_preferences(user: User, enabled: Mapping[str, bool]) -> None:
    """The person's choice of channels (the inbox cannot be switched off)."""
    unknown = set(enabled) - set(CHANNELS)
    if unknown:
        raise ActionRefused(_("未知的通知渠道：%(names)s。") % {"names": "、".join(sorted(unknown))})
    with transaction.atomic():
        for code, value in enabled.items():
            if not CHANNELS[code].optional:
                continue
            ChannelPreference.objects.update_or_create(user=user, channel=code, defaults={"enabled": bool(value)})


def channel_choices(user: User) -> Iterable[dict]:
    """Each channel as the preferences page shows it: enabled now, where it would reach, whether optional."""
    org_settings = {}
    if user.organization_id:
        org_settings = {s.channel: s for s in OrganizationChannel.objects.filter(organization_id=user.organization_id)}
    active = channels_for(user, org_settings)
    chosen = {p.channel: p.enabled for p in ChannelPreference.objects.filter(user=user)}
    for code, channel in CHANNELS.items():
        setting = org_settings.get(code)
        wanted = chosen.get(code, setting.enabled if setting else channel.default_enabled)
        yield {
            "code": code,
            "label": ChannelCode(code).label,
            "enabled": wanted or not channel.optional,
            "optional": channel.optional,
            "address": channel.address(user, setting.address if setting else ""),
            "active": code in active,
        }
