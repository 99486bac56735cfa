"""Subscriptions of supervising bodies (source 三(五)): asked, decided by the audit office, opening a
read-only view of what they cover, and a digest once per period."""

import datetime

import pytest

from rectify.core.exceptions import ActionRefused
from rectify.findings.models import Finding, FindingEvent
from rectify.notifications.models import Notification
from rectify.rectification.models import ProgressReport
from rectify.sharing import services
from rectify.sharing.choices import SubscriptionState, Target
from rectify.sharing.models import Digest, Subscription
from rectify.testing import make_finding

EVERY_ROLE = [
    "auditor", "auditlead", "auditor_b", "city_auditor", "unit", "unithead", "sibling", "other", "unit_b", "dept",
    "orgdept", "finance", "discipline", "committee", "gov", "congress", "sysadmin", "secadmin", "logaudit",
    "inspector", "sasac", "internal",
]  # fmt: skip


def subscribe(world, target=Target.UNIT, **values):
    values = values or {"unit": world.unit}
    return services.request_subscription(
        world["inspector"], target=target, purpose="巡察区第一中学", period_days=7, **values
    )


def test_approved_subscription_opens_the_unit_read_only(sharing):
    world = sharing
    covered = make_finding(world, "submitted")
    draft = make_finding(world, "draft", title="草稿问题")
    elsewhere = make_finding(world, "issued", unit=world.other_unit)
    inspector = world["inspector"]
    subscription = subscribe(world)
    assert not Finding.objects.restrict(inspector).exists()  # pending: nothing yet
    services.approve_subscription(world["auditlead"], subscription, comment="同意")
    inspector = world.fresh().users["inspector"]
    seen = set(Finding.objects.restrict(inspector).values_list("pk", flat=True))
    assert seen == {covered.pk}
    assert draft.pk not in seen and elsewhere.pk not in seen
    assert not Finding.objects.restrict(inspector, "act").exists()
    # What hangs off the finding follows it.
    assert ProgressReport.objects.restrict(inspector).filter(finding=covered).exists()
    assert FindingEvent.objects.restrict(inspector).filter(finding=covered).exists()
    # Another body sees nothing of it.
    assert not Finding.objects.restrict(world["sasac"]).exists()
    services.revoke_subscription(world["auditor"], subscription, comment="巡察结束")
    inspector = world.fresh().users["inspector"]
    assert not Finding.objects.restrict(inspector).exists()


@pytest.mark.parametrize("target", [Target.SECTOR, Target.CATEGORY])
def test_sector_and_category_subscriptions(sharing, target):
    world = sharing
    in_sector = make_finding(world, "issued")
    sibling = make_finding(world, "issued", unit=world.sibling_unit, category=world.fiscal_category)
    outside = make_finding(world, "issued", unit=world.other_unit, category=world.fiscal_category)
    values = {"sector": world.unit.sector} if target == Target.SECTOR else {"category": world.fiscal_category}
    subscription = subscribe(world, target, **values)
    services.approve_subscription(world["auditor"], subscription)
    seen = set(Finding.objects.restrict(world.fresh().users["inspector"]).values_list("pk", flat=True))
    if target == Target.SECTOR:
        assert seen == {in_sector.pk, sibling.pk}
    else:
        assert seen == {sibling.pk, outside.pk}


def test_subscription_visibility_for_every_role(sharing):
    world = sharing
    subscription = subscribe(world)
    sees = {
        name for name in EVERY_ROLE if Subscription.objects.restrict(world[name]).filter(pk=subscription.pk).exists()
    }
    assert sees == {"inspector", "auditor", "auditlead", "city_auditor"}
    acts = {
        name
        for name in EVERY_ROLE
        if Subscription.objects.restrict(world[name], "act").filter(pk=subscription.pk).exists()
    }
    assert acts == {"inspector", "auditor", "auditlead"}


def test_refusals_change_nothing(sharing):
    world = sharing
    with pytest.raises(ActionRefused):
        services.request_subscription(world["unit"], target=Target.UNIT, unit=world.unit, purpose="x")
    with pytest.raises(ActionRefused) as refused:
        services.request_subscription(world["inspector"], target=Target.UNIT, purpose="x")
    assert "unit" in refused.value.message_dict
    with pytest.raises(ActionRefused):
        services.request_subscription(world["inspector"], target=Target.UNIT, unit=world.unit_b, purpose="x")
    with pytest.raises(ActionRefused):
        services.request_subscription(
            world["inspector"], target=Target.UNIT, unit=world.unit, purpose="x", period_days=0
        )
    subscription = subscribe(world)
    with pytest.raises(ActionRefused):
        subscribe(world)  # the same scope twice
    for outsider in ("inspector", "auditor_b", "city_auditor", "unit", "sasac"):
        with pytest.raises(ActionRefused):
            services.approve_subscription(world[outsider], subscription)
    with pytest.raises(ActionRefused):
        services.reject_subscription(world["auditor"], subscription, comment="")
    subscription.refresh_from_db()
    assert subscription.state == SubscriptionState.PENDING and subscription.decided_by is None
    services.reject_subscription(world["auditor"], subscription, comment="范围过宽")
    with pytest.raises(ActionRefused):
        services.approve_subscription(world["auditor"], subscription)
    subscription.refresh_from_db()
    assert subscription.state == SubscriptionState.REJECTED


def test_digest_once_per_period(sharing, on):
    world = sharing
    with on(datetime.date(2026, 3, 2)):
        finding = make_finding(world, "issued")
        subscription = subscribe(world)
        services.approve_subscription(world["auditor"], subscription)
    with on(datetime.date(2026, 3, 5)):
        from rectify.findings import services as findings

        findings.start_rectification(world["unit"], finding)
        assert services.send_digests() == []  # not a week yet
    with on(datetime.date(2026, 3, 9)):
        sent = services.send_digests()
        assert len(sent) == 1 and sent[0].changed == 1
        assert services.send_digests() == []  # once per period, however often the job runs
    with on(datetime.date(2026, 3, 9), hour=18):
        assert services.send_digests() == []
    inbox = Notification.objects.filter(recipient=world["inspector"], event_name="subscription.digest")
    assert inbox.count() == 1
    assert finding.ledger_number in inbox.get().body
    with on(datetime.date(2026, 3, 15)):
        assert services.send_digests() == []
    with on(datetime.date(2026, 3, 16)):
        (second,) = services.send_digests()
        assert second.changed == 0 and second.since == sent[0].until
    assert Digest.objects.filter(subscription=subscription).count() == 2
    assert inbox.count() == 2
