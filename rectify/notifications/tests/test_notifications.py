"""Notifications: filled only by the bus, once per event and person, delivered by jobs over every channel."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from rectify.core.events import Event
from rectify.findings import services as findings
from rectify.findings.jobs import publish_overdue
from rectify.notifications import channels, jobs, services
from rectify.notifications.choices import ChannelCode, DeliveryStatus
from rectify.notifications.models import ChannelPreference, Delivery, Notification, OrganizationChannel
from rectify.rectification import services as rectification
from rectify.testing import PASSWORD, api_token, make_finding

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _empty_outbox():
    channels.OUTBOX.clear()
    yield
    channels.OUTBOX.clear()


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("event_name", flat=True))


def test_issuing_a_finding_notifies_the_unit_after_commit(world, django_capture_on_commit_callbacks):
    finding = make_finding(world, "draft")
    with django_capture_on_commit_callbacks(execute=True):
        findings.issue_finding(world["auditor"], finding)
        assert not Notification.objects.exists()  # nothing before the commit
    assert inbox(world["unit"]) == ["finding.issued"]
    assert inbox(world["unithead"]) == ["finding.issued"]
    # Not the actor, not another unit, not the competent department for a mere issue.
    assert inbox(world["auditor"]) == inbox(world["sibling"]) == inbox(world["dept"]) == []
    note = Notification.objects.get(recipient=world["unit"])
    assert finding.ledger_number in note.title
    assert note.url == finding.get_absolute_url()


def test_a_rolled_back_action_notifies_no_one(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    finding = make_finding(world, "draft")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            findings.issue_finding(world["auditor"], finding)
            raise RuntimeError
    assert not Notification.objects.exists()


def test_the_round_trip_notifies_each_side(world, django_capture_on_commit_callbacks):
    world.project.team.add(world["auditor2"])
    finding = make_finding(world, "rectifying")
    with django_capture_on_commit_callbacks(execute=True):
        report = rectification.submit_report(world["unit"], finding, measures="措施", progress="进展")
    assert "finding.submitted" in inbox(world["auditor2"])  # the audit team
    with django_capture_on_commit_callbacks(execute=True):
        rectification.verify(world["auditor2"], report, verdict="partly_rectified", reasons="尚有2笔未清理")
    assert "finding.returned" in inbox(world["unit"])
    returned = Notification.objects.get(recipient=world["unit"], event_name="finding.returned")
    assert "尚有2笔未清理" in returned.body


def test_a_notification_is_delivered_once_per_event_and_person_even_when_the_job_runs_twice(world):
    world["unit"].phone = "13800000001"
    world["unit"].save()
    ChannelPreference.objects.create(user=world["unit"], channel=ChannelCode.SMS, enabled=True)
    finding = make_finding(world, "issued")
    event = Event(name="finding.issued", object_label="findings.Finding", object_id=finding.pk, key="issued-1")
    jobs.notify(event.as_dict())
    jobs.notify(event.as_dict())
    assert Notification.objects.filter(recipient=world["unit"]).count() == 1
    assert [entry[:2] for entry in channels.OUTBOX] == [(ChannelCode.SMS, "13800000001")]
    assert Delivery.objects.get(notification__recipient=world["unit"], channel=ChannelCode.SMS).status == "sent"
    # The scheduled retry has nothing left to send either.
    assert jobs.send_due() == 0
    assert len(channels.OUTBOX) == 1


def test_channels_follow_the_person_then_the_organization(world):
    world["unit"].email = "unit@example.cn"
    world["unit"].save()
    OrganizationChannel.objects.create(
        organization=world.unit, channel=ChannelCode.WEBHOOK, enabled=True, address="http://robot.local/hook"
    )
    finding = make_finding(world, "issued")
    jobs.notify(Event(name="finding.issued", object_label="findings.Finding", object_id=finding.pk).as_dict())
    sent = {(channel, address) for channel, address, _text in channels.OUTBOX}
    assert (ChannelCode.WEBHOOK, "http://robot.local/hook") in sent
    unit_channels = set(
        Delivery.objects.filter(notification__recipient=world["unit"]).values_list("channel", flat=True)
    )
    assert unit_channels == {ChannelCode.IN_APP, ChannelCode.EMAIL, ChannelCode.WEBHOOK}
    # The person switches the robot and email off: the next event reaches only the inbox.
    services.set_channel_preferences(world["unit"], {ChannelCode.WEBHOOK: False, ChannelCode.EMAIL: False})
    jobs.notify(Event(name="finding.returned", object_label="findings.Finding", object_id=finding.pk).as_dict())
    latest = Notification.objects.get(recipient=world["unit"], event_name="finding.returned")
    assert set(latest.deliveries.values_list("channel", flat=True)) == {ChannelCode.IN_APP}


def test_a_failing_gateway_is_retried_with_backoff_then_sent(world, settings):
    settings.RECTIFY_SMS_GATEWAY = "rectify.notifications.tests.test_notifications.FlakyGateway"
    FlakyGateway.failures = 2
    world["unit"].phone = "13800000002"
    world["unit"].save()
    ChannelPreference.objects.create(user=world["unit"], channel=ChannelCode.SMS, enabled=True)
    finding = make_finding(world, "issued")
    start = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False):
        jobs.notify(Event(name="finding.issued", object_label="findings.Finding", object_id=finding.pk).as_dict())
        sms = Delivery.objects.get(notification__recipient=world["unit"], channel=ChannelCode.SMS)
        assert (sms.status, sms.attempts) == (DeliveryStatus.PENDING, 1)
        assert sms.next_attempt_at == start + datetime.timedelta(minutes=1)
        assert jobs.send_due() == 0  # not yet due
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        assert jobs.send_due() == 0  # second failure: next try two minutes later
        sms.refresh_from_db()
        assert sms.attempts == 2 and "网关不可用" in sms.last_error
    with time_machine.travel(start + datetime.timedelta(minutes=4), tick=False):
        assert jobs.send_due() == 1
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.SENT and sms.attempts == 3
    assert FlakyGateway.sent == ["13800000002"]


class FlakyGateway:
    failures = 0
    sent: list[str] = []

    def send(self, address, message):
        if FlakyGateway.failures:
            FlakyGateway.failures -= 1
            raise OSError("网关不可用")
        FlakyGateway.sent.append(address)


def test_a_finding_falling_overdue_reaches_the_inbox_by_the_scheduled_job(world, django_capture_on_commit_callbacks):
    """With a moved clock: the hourly job announces it once, catches up after missed days, and tells the
    unit, its head, its competent department and the audit team."""
    world.project.team.add(world["auditor2"])
    finding = make_finding(world, "rectifying", deadline=datetime.date(2026, 3, 10))
    with time_machine.travel(datetime.datetime(2026, 3, 10, 23, 0, tzinfo=SHANGHAI), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert publish_overdue() == 0  # due today, not yet overdue
    # The worker was down for three days; the first run after catches up.
    with time_machine.travel(datetime.datetime(2026, 3, 14, 8, 0, tzinfo=SHANGHAI), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert publish_overdue() == 1
            assert publish_overdue() == 0  # the next hour: nothing twice
    for username in ("unit", "unithead", "dept", "auditor2"):
        assert inbox(world[username]) == ["finding.overdue"], username
    assert inbox(world["sibling"]) == []
    # The deadline is extended and missed again: a new occurrence.
    with time_machine.travel(datetime.datetime(2026, 3, 16, 9, 0, tzinfo=SHANGHAI), tick=False):
        findings.update_finding(world["auditor"], finding, deadline=datetime.date(2026, 4, 30), reason="同意延期")
    with time_machine.travel(datetime.datetime(2026, 5, 1, 8, 0, tzinfo=SHANGHAI), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert publish_overdue() == 1
    assert inbox(world["unit"]) == ["finding.overdue", "finding.overdue"]


def test_a_closed_finding_is_not_announced_overdue(world, django_capture_on_commit_callbacks):
    make_finding(world, "closed", deadline=datetime.date(2026, 3, 10))
    with time_machine.travel(datetime.datetime(2026, 3, 12, 8, 0, tzinfo=SHANGHAI), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert publish_overdue() == 0


# --- the inbox on the web and in the API -------------------------------------------------------


def _notify(world, username="unit", count=2):
    finding = make_finding(world, "issued")
    for n in range(count):
        event = Event(name="finding.issued", object_label="findings.Finding", object_id=finding.pk, key=f"k{n}")
        services.notify_event(event)
    return finding


def test_the_header_shows_the_unread_count_and_the_inbox_lists_them(client, world):
    finding = _notify(world)
    client.login(username="unit", password=PASSWORD)
    page = client.get(reverse("ledger:workbench")).content.decode()
    assert 'data-testid="unread-count">2<' in page
    listed = client.get(reverse("notifications:inbox")).content.decode()
    assert listed.count('data-testid="notification"') == 2
    note = Notification.objects.filter(recipient=world["unit"]).first()
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == finding.get_absolute_url()
    assert Notification.objects.get(pk=note.pk).is_read
    response = client.post(reverse("notifications:read-all"), follow=True)
    assert "已将 1 条通知标记为已读" in response.content.decode()
    assert 'data-testid="unread-count"' not in response.content.decode()


def test_another_persons_notification_cannot_be_read_or_marked(client, world):
    _notify(world)
    note = Notification.objects.filter(recipient=world["unit"]).first()
    client.login(username="unithead", password=PASSWORD)
    assert note.pk not in [n.pk for n in client.get(reverse("notifications:inbox")).context["notifications"]]
    client.post(reverse("notifications:read", args=[note.pk]))
    assert not Notification.objects.get(pk=note.pk).is_read


def test_preferences_page_saves_the_persons_choice(client, world):
    client.login(username="unit", password=PASSWORD)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "短信" in page and "站内消息" in page
    response = client.post(reverse("notifications:preferences"), {"channels": ["sms"]}, follow=True)
    assert "通知设置已保存" in response.content.decode()
    chosen = dict(ChannelPreference.objects.filter(user=world["unit"]).values_list("channel", "enabled"))
    assert chosen == {"email": False, "sms": True, "webhook": False}


def test_the_api_inbox_is_the_callers_own(client, world):
    _notify(world)
    token = api_token(world["unit"])
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    listed = client.get("/api/notifications/", **headers).json()
    assert listed["count"] == 2 and {"id", "title", "read", "url", "object"} <= set(listed["results"][0])
    first = listed["results"][0]["id"]
    assert client.post(f"/api/notifications/{first}/read/", **headers).json()["read"] is True
    assert client.get("/api/notifications/?unread=true", **headers).json()["count"] == 1
    assert client.post("/api/notifications/read-all/", **headers).json() == {"marked": 1}
    other = api_token(world["unithead"])
    assert client.get(f"/api/notifications/{first}/", HTTP_AUTHORIZATION=f"Token {other}").status_code == 404
    assert client.delete(f"/api/notifications/{first}/", **headers).status_code == 405
