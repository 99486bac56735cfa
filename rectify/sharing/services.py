"""Named actions on subscriptions (source 三(五)) and the periodic digest.

The audit office decides (decided and documented here): a supervising body asks, the auditors (or the
audit leader) of the audit office of the body's jurisdiction approve or reject it with a reason, and may
revoke an approved one; the body may withdraw its own request or subscription (also ``revoked``).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.choices import AUDIT_ROLES, RoleCode
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import lock_for_action
from rectify.sharing.choices import PackageStatus, SubscriptionState, Target
from rectify.sharing.models import Digest, InspectionPackage, Subscription
from rectify.sharing.scopes import is_supervisor_officer

if TYPE_CHECKING:
    from rectify.accounts.models import User

S = SubscriptionState
MIN_PERIOD, MAX_PERIOD = 1, 92


def may_request(actor: User) -> bool:
    return bool(actor.is_authenticated and is_supervisor_officer(actor))


def _check_request(actor: User, target: str, unit, sector, category, purpose: str, period_days: int) -> dict:
    if target not in Target.values:
        raise ActionRefused(_("请选择订阅范围。"))
    covered = {Target.UNIT: unit, Target.SECTOR: sector, Target.CATEGORY: category}[target]
    if covered is None:
        field = {Target.UNIT: "unit", Target.SECTOR: "sector", Target.CATEGORY: "category"}[target]
        raise ActionRefused({field: [_("请选择要订阅的%(what)s。") % {"what": Target(target).label}]})
    if target == Target.UNIT and unit.jurisdiction_id not in actor.organization.jurisdiction.subtree_ids():
        raise ActionRefused({"unit": [_("「%(unit)s」不在本单位所在行政区域内。") % {"unit": unit}]})
    if not (purpose or "").strip():
        raise ActionRefused({"purpose": [_("请填写订阅事由。")]})
    if not period_days or not MIN_PERIOD <= int(period_days) <= MAX_PERIOD:
        raise ActionRefused(
            {"period_days": [_("摘要周期须在 %(low)s 至 %(high)s 天之间。") % {"low": MIN_PERIOD, "high": MAX_PERIOD}]}
        )
    values = {
        "unit": unit if target == Target.UNIT else None,
        "sector": sector if target == Target.SECTOR else None,
        "category": category if target == Target.CATEGORY else None,
    }
    standing = Subscription.objects.filter(
        subscriber_id=actor.organization_id, target=target, state__in=[S.PENDING, S.APPROVED], **values
    )
    if standing.exists():
        raise ActionRefused(_("本单位已订阅或正在申请订阅该范围。"))
    return values


@transaction.atomic
def request_subscription(
    actor: User,
    *,
    target: str,
    unit=None,
    sector=None,
    category=None,
    purpose: str = "",
    period_days: int = 7,
) -> Subscription:
    """A supervising body asks to follow a unit, a sector or a category."""
    if not may_request(actor):
        raise ActionRefused(_("只有监督协作单位的人员可以申请订阅。"), code="forbidden")
    values = _check_request(actor, target, unit, sector, category, purpose, period_days)
    subscription = Subscription(
        subscriber=actor.organization,
        target=target,
        purpose=purpose.strip(),
        period_days=int(period_days),
        requested_by=actor,
        **values,
    )
    subscription._history_user = actor
    subscription.save()
    publish("subscription.requested", subscription, actor=actor)
    return subscription


def _lock(actor: User, subscription, roles, forbidden: str) -> Subscription:
    return lock_for_action(
        Subscription,
        actor,
        getattr(subscription, "pk", subscription),
        roles=roles,
        not_found=_("找不到该订阅。"),
        forbidden=forbidden,
    )


def _decide(actor: User, subscription, state: str, comment: str, *, sources, event: str) -> Subscription:
    subscription = _lock(actor, subscription, AUDIT_ROLES, _("只有订阅单位所在区域的审计机关可以审核订阅。"))
    if subscription.state not in sources:
        raise ActionRefused(
            _("该订阅当前为「%(state)s」，不能执行此操作。") % {"state": subscription.get_state_display()}
        )
    subscription.state = state
    subscription.decided_by = actor
    subscription.decided_at = timezone.now()
    subscription.decision_comment = (comment or "").strip()
    subscription._history_user = actor
    subscription.save()
    publish(event, subscription, actor=actor, comment=subscription.decision_comment)
    return subscription


@transaction.atomic
def approve_subscription(actor: User, subscription, *, comment: str = "") -> Subscription:
    return _decide(actor, subscription, S.APPROVED, comment, sources={S.PENDING}, event="subscription.approved")


@transaction.atomic
def reject_subscription(actor: User, subscription, *, comment: str) -> Subscription:
    if not (comment or "").strip():
        raise ActionRefused({"comment": [_("请填写不同意的理由。")]})
    return _decide(actor, subscription, S.REJECTED, comment, sources={S.PENDING}, event="subscription.rejected")


@transaction.atomic
def revoke_subscription(actor: User, subscription, *, comment: str = "") -> Subscription:
    """The audit office revokes an approved subscription, or the body withdraws its own."""
    subscription = _lock(actor, subscription, AUDIT_ROLES | {RoleCode.SUPERVISOR_OFFICER}, _("您不能撤销该订阅。"))
    if subscription.state not in (S.PENDING, S.APPROVED):
        raise ActionRefused(_("该订阅当前为「%(state)s」，不能撤销。") % {"state": subscription.get_state_display()})
    subscription.state = S.REVOKED
    subscription.decided_by = actor
    subscription.decided_at = timezone.now()
    subscription.decision_comment = (comment or "").strip()
    subscription._history_user = actor
    subscription.save()
    publish("subscription.revoked", subscription, actor=actor, comment=subscription.decision_comment)
    return subscription


# The digest ------------------------------------------------------------------------------------


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def digest_due(subscription: Subscription, last: Digest | None, today: datetime.date) -> bool:
    """Due once ``period_days`` have passed since the last digest (or since approval)."""
    start = last.period_end if last else _local_date(subscription.decided_at or subscription.created)
    return today >= start + datetime.timedelta(days=subscription.period_days)


def build_digest(subscription: Subscription, since: datetime.datetime, until: datetime.datetime) -> dict:
    """What changed in the findings the subscription covers, in (since, until]."""
    from rectify.findings.choices import FindingState
    from rectify.findings.models import Finding, FindingEvent
    from rectify.findings.warning import overdue_q

    covered = Finding.objects.filter(subscription.finding_q()).filter(
        project__jurisdiction_id__in=subscription.subscriber.jurisdiction.subtree_ids()
    )
    events = FindingEvent.objects.filter(finding__in=covered, at__gt=since, at__lte=until)
    changed_ids = set(events.values_list("finding_id", flat=True))
    issued = events.filter(to_state=FindingState.ISSUED).values("finding_id").distinct().count()
    closed = events.filter(to_state=FindingState.CLOSED).values("finding_id").distinct().count()
    lines = [
        f"{number} {title}（{FindingState(state).label}）"
        for number, title, state in Finding.objects.filter(pk__in=changed_ids)
        .order_by("ledger_number")
        .values_list("ledger_number", "title", "state")[:50]
    ]
    return {
        "changed": len(changed_ids),
        "issued": issued,
        "closed": closed,
        "overdue": covered.filter(overdue_q(_local_date(until))).count(),
        "lines": lines,
    }


def send_digests(now: datetime.datetime | None = None) -> list[Digest]:
    """Sends each approved subscription's digest once per period (idempotent: one per day of sending)."""
    now = now or timezone.now()
    today = _local_date(now)
    sent = []
    for subscription in Subscription.objects.filter(state=S.APPROVED).select_related("subscriber__jurisdiction"):
        with transaction.atomic():
            locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
            if locked.state != S.APPROVED:
                continue
            last = locked.digests.order_by("-period_end").first()
            if not digest_due(locked, last, today) or (last and last.period_end >= today):
                continue
            locked.subscriber = subscription.subscriber
            since = last.until if last else (locked.decided_at or locked.created)
            digest = Digest.objects.create(
                subscription=locked, since=since, until=now, period_end=today, **build_digest(locked, since, now)
            )
            publish("subscription.digest", digest, changed=digest.changed)
            sent.append(digest)
    return sent


# --- the inspection package (built by ``rectify.documents.sharing``, a job) ---------------------------


def request_package(actor: User, unit) -> InspectionPackage:
    """An inspection tour asks for the package of one unit: recorded here, built by a job after the commit
    (the request never waits on it), of what the requester sees of the unit. Refused (404) when the
    requester sees none of the unit's findings."""
    from rectify.findings.models import Finding
    from rectify.organizations.models import Organization

    unit_id = getattr(unit, "pk", unit)
    visible = Organization.objects.restrict(actor).filter(pk=unit_id).first()
    if visible is None or not Finding.objects.restrict(actor).filter(unit_id=unit_id).exists():
        raise ActionRefused(_("该单位不存在，或您看不到它的任何问题。"), code="not_found")
    with transaction.atomic():
        package = InspectionPackage.objects.create(requested_by=actor, unit=visible)
        publish("sharing.package_requested", package, actor=actor)
    return package


def package_running(package_id: int) -> bool:
    """Marks the package as being built; False when it is already built (a job run twice does the work once)."""
    return bool(
        InspectionPackage.objects.filter(pk=package_id)
        .exclude(status=PackageStatus.DONE)
        .update(status=PackageStatus.RUNNING, error="")
    )


def package_built(package_id: int, *, workbook: tuple[str, Any], document: tuple[str, Any], findings: int) -> None:
    """Stores the built files on the package (called by the job that built them)."""
    package = InspectionPackage.objects.get(pk=package_id)
    package.workbook.save(workbook[0], workbook[1], save=False)
    package.document.save(document[0], document[1], save=False)
    InspectionPackage.objects.filter(pk=package_id).update(
        workbook=package.workbook.name, document=package.document.name, findings_count=findings,
        status=PackageStatus.DONE, error="", finished_at=timezone.now(),
    )  # fmt: skip


def package_failed(package_id: int, error: str) -> None:
    InspectionPackage.objects.filter(pk=package_id).update(
        status=PackageStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )
