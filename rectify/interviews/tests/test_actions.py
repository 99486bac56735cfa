"""The steps of an interview through the services: each recorded on the finding's timeline, each refused
path leaving everything as it was."""

import datetime

import pytest

from rectify.core.exceptions import ActionRefused
from rectify.findings.choices import EventKind
from rectify.interviews import services
from rectify.interviews.choices import InterviewState, ItemState
from rectify.interviews.models import FollowUpItem, FollowUpReport, Interview
from rectify.interviews.tests.helpers import MEETING, approved, held, proposed, scheduled
from rectify.notifications.models import Notification

pytestmark = pytest.mark.django_db
D = datetime.date


def snapshot(interview):
    interview = Interview.all_objects.get(pk=interview.pk)
    return (
        interview.state, interview.decision_reason, interview.scheduled_at, interview.record, interview.closed_at,
        list(FollowUpItem.objects.filter(interview=interview).values_list("state", "title")),
        FollowUpReport.objects.count(), interview.finding.events.count(), interview.history.count(),
    )  # fmt: skip


def refused(interview, code, call):
    before = snapshot(interview)
    with pytest.raises(ActionRefused) as caught:
        call()
    assert caught.value.code == code, caught.value
    assert snapshot(interview) == before
    return caught.value


def test_the_whole_way_to_closed_on_the_timeline(world, on):
    interview = held(world, on)
    assert interview.state == InterviewState.HELD
    first, second = interview.items.order_by("sequence")
    with on(D(2025, 8, 20)):
        services.report_item(world["unit"], first.pk, text="已清理全部挂账")
        services.report_item(world["unithead"], second.pk, text="已印发往来款清理制度")
    with on(D(2025, 8, 21)):
        services.verify_item(world["auditor"], first.pk, accepted=True, comment="核实无误")
        services.verify_item(world["auditor"], second.pk, accepted=False, comment="制度未经党组会审议")
    interview.refresh_from_db()
    assert interview.state == InterviewState.HELD
    second.refresh_from_db()
    assert second.state == ItemState.OPEN and second.verification_comment == "制度未经党组会审议"
    with on(D(2025, 8, 25)):
        services.report_item(world["unithead"], second.pk, text="已经党组会审议通过")
        services.verify_item(world["auditor"], second.pk, accepted=True, comment="核实无误")
    interview.refresh_from_db()
    assert interview.state == InterviewState.CLOSED and interview.closed_at
    actions = list(
        interview.finding.events.filter(kind=EventKind.INTERVIEW).order_by("at", "pk").values_list("action", flat=True)
    )
    assert actions == [
        "interview_proposed", "interview_approved", "interview_scheduled", "interview_held",
        "interview_item_reported", "interview_item_reported", "interview_item_verified", "interview_item_verified",
        "interview_item_reported", "interview_item_verified", "interview_closed",
    ]  # fmt: skip
    # The unit heard of the interview, the auditors of the reports, the leader of the proposal.
    assert Notification.objects.filter(recipient=world["unithead"], event_name="interview.scheduled").exists()
    assert Notification.objects.filter(recipient=world["dept"], event_name="interview.scheduled").exists()
    assert Notification.objects.filter(recipient=world["auditlead"], event_name="interview.proposed").exists()
    assert Notification.objects.filter(recipient=world["unit"], event_name="interview.item_verified").exists()


def test_an_item_is_overdue_past_its_due_date_until_reported(world, on):
    interview = held(world, on)
    item = interview.items.get(sequence=1)
    with on(D(2025, 8, 31)):
        assert not item.is_overdue and item.days_left == 0
    with on(D(2025, 9, 1)):
        assert item.is_overdue
        services.report_item(world["unit"], item.pk, text="已清理")
        item.refresh_from_db()
        assert not item.is_overdue


def test_only_the_audit_leader_decides_and_with_a_reason(world, on):
    interview = proposed(world, on)
    with on(D(2025, 7, 2)):
        refused(
            interview, "forbidden", lambda: services.decide(world["auditor"], interview.pk, approve=True, reason="x")
        )
        error = refused(
            interview, "invalid", lambda: services.decide(world["auditlead"], interview.pk, approve=True, reason=" ")
        )
        assert "reason" in error.message_dict
        for outsider in ("unit", "dept", "orgdept", "discipline", "auditor_b"):
            refused(
                interview,
                "not_found",
                lambda u=outsider: services.decide(world[u], interview.pk, approve=True, reason="x"),
            )
        services.decide(world["auditlead"], interview.pk, approve=False, reason="单位已主动整改")
        interview.refresh_from_db()
        assert interview.state == InterviewState.DISMISSED
        refused(
            interview,
            "invalid_state",
            lambda: services.decide(world["auditlead"], interview.pk, approve=True, reason="x"),
        )
        refused(
            interview, "invalid_state",
            lambda: services.schedule(world["auditor"], interview.pk, scheduled_at=MEETING, place="x", attendees="x"),
        )  # fmt: skip


def test_scheduling_refuses_a_past_time_and_missing_fields(world, on):
    interview = approved(world, on)
    with on(D(2025, 7, 3)):
        error = refused(
            interview, "invalid",
            lambda: services.schedule(
                world["auditor"], interview.pk, scheduled_at=MEETING - datetime.timedelta(days=10), place="",
                attendees="",
            ),
        )  # fmt: skip
        assert set(error.message_dict) == {"scheduled_at", "place", "attendees"}
        refused(
            interview, "forbidden",
            lambda: services.schedule(world["unit"], interview.pk, scheduled_at=MEETING, place="x", attendees="x"),
        )  # fmt: skip


def test_holding_refuses_before_the_time_and_bad_items(world, on):
    interview = scheduled(world, on)
    with on(D(2025, 7, 9)):
        refused(
            interview,
            "invalid_state",
            lambda: services.hold(world["auditor"], interview.pk, record="x", commitments=""),
        )
    with on(D(2025, 7, 10), hour=17):
        error = refused(
            interview, "invalid",
            lambda: services.hold(
                world["auditor"], interview.pk, record="", commitments="", items=[("", D(2025, 7, 1), "")]
            ),
        )  # fmt: skip
        assert set(error.message_dict) == {"record", "items"}
        refused(
            interview, "forbidden", lambda: services.hold(world["unithead"], interview.pk, record="x", commitments="")
        )


def test_items_reported_by_the_unit_and_verified_by_the_office_only(world, on):
    interview = held(world, on)
    item = interview.items.get(sequence=1)
    with on(D(2025, 8, 1)):
        refused(interview, "forbidden", lambda: services.report_item(world["auditor"], item.pk, text="x"))
        refused(interview, "not_found", lambda: services.report_item(world["sibling"], item.pk, text="x"))
        refused(interview, "invalid", lambda: services.report_item(world["unit"], item.pk, text=""))
        refused(
            interview,
            "invalid_state",
            lambda: services.verify_item(world["auditor"], item.pk, accepted=True, comment="x"),
        )
        services.report_item(world["unit"], item.pk, text="已清理")
        refused(interview, "invalid_state", lambda: services.report_item(world["unit"], item.pk, text="x"))
        refused(
            interview, "forbidden", lambda: services.verify_item(world["unit"], item.pk, accepted=True, comment="x")
        )
        refused(
            interview, "invalid", lambda: services.verify_item(world["auditor"], item.pk, accepted=True, comment="")
        )
        refused(interview, "invalid_state", lambda: services.close(world["auditor"], interview.pk))


def test_an_item_added_after_the_interview_and_closing_without_items(world, on):
    interview = held(world, on)
    with on(D(2025, 7, 11)):
        refused(
            interview, "invalid",
            lambda: services.add_item(world["auditor"], interview.pk, title="", due_date=D(2025, 7, 1), responsible=""),
        )  # fmt: skip
        item = services.add_item(
            world["auditor"], interview.pk, title="追回资金", due_date=D(2025, 10, 1), responsible="张三"
        )
    assert item.sequence == 3
    for each in interview.items.all():
        with on(D(2025, 7, 20)):
            services.report_item(world["unit"], each.pk, text="完成")
            services.verify_item(world["auditor"], each.pk, accepted=True, comment="核实无误")
    interview.refresh_from_db()
    assert interview.state == InterviewState.CLOSED


def test_closing_a_held_interview_without_items(world, on):
    interview = scheduled(world, on)
    with on(D(2025, 7, 10), hour=17):
        services.hold(world["auditor"], interview.pk, record="已说明情况", commitments="")
        services.close(world["auditor"], interview.pk)
    interview.refresh_from_db()
    assert interview.state == InterviewState.CLOSED
