"""The escalation ladder with a moved clock: reminder → overdue → notice to the head and the department →
interview proposal → approved and scheduled interview → record with follow-up items → items verified →
closed → (the unit still refusing) referral to the discipline commission → acknowledged → feedback with
the persons handled, each step on the finding's timeline."""

import datetime

import pytest

from rectify.findings.choices import EventKind
from rectify.interviews import services
from rectify.interviews.choices import Ground, InterviewState
from rectify.interviews.models import Interview
from rectify.interviews.tests.helpers import SHANGHAI
from rectify.notifications.models import Notification
from rectify.reporting.sweep import sweep
from rectify.testing import make_finding

pytestmark = pytest.mark.django_db
D = datetime.date
DUE = D(2025, 7, 31)


def inbox(world, username, name):
    return Notification.objects.filter(recipient=world[username], event_name=name).count()


def test_the_ladder_from_reminder_to_a_closed_interview(world, on):
    with on(D(2025, 7, 1)):
        finding = make_finding(world, state="rectifying", deadline=DUE)
    for day in (D(2025, 7, 24), D(2025, 8, 1), DUE + datetime.timedelta(days=31)):
        with on(day):
            sweep()
    assert inbox(world, "unit", "obligation.reminder") >= 1
    assert inbox(world, "unithead", "obligation.overdue") >= 1
    assert inbox(world, "dept", "obligation.overdue") >= 1
    interview = Interview.objects.get(finding=finding)
    assert interview.ground == Ground.OVERDUE and inbox(world, "auditlead", "interview.proposed") == 1
    day = DUE + datetime.timedelta(days=32)
    with on(day):
        services.decide(world["auditlead"], interview.pk, approve=True, reason="逾期未报送，约谈主要负责人")
        meeting = datetime.datetime.combine(day + datetime.timedelta(days=3), datetime.time(10), SHANGHAI)
        services.schedule(
            world["auditor"], interview.pk, scheduled_at=meeting, place="审计局会议室", attendees="王五 副局长"
        )
    assert inbox(world, "unithead", "interview.scheduled") == 1
    with on(day + datetime.timedelta(days=3), hour=12):
        services.hold(
            world["auditor"], interview.pk, record="说明了逾期原因", commitments="两周内报送",
            items=[("报送整改情况", day + datetime.timedelta(days=17), "张三")],
        )  # fmt: skip
    item = interview.items.get()
    with on(day + datetime.timedelta(days=10)):
        services.report_item(world["unit"], item.pk, text="已报送")
        services.verify_item(world["auditor"], item.pk, accepted=True, comment="已按承诺报送")
    interview.refresh_from_db()
    assert interview.state == InterviewState.CLOSED
    steps = list(finding.events.filter(kind=EventKind.INTERVIEW).values_list("action", flat=True))
    assert steps == [
        "interview_proposed", "interview_approved", "interview_scheduled", "interview_held",
        "interview_item_reported", "interview_item_verified", "interview_closed",
    ]  # fmt: skip


def test_the_ladder_goes_on_to_a_referral_and_its_feedback(world, on):
    """The unit does not keep the commitment made at the interview: the audit office refers it for
    refusing to rectify, and the discipline commission reports back whom it handled and how."""
    from rectify.referrals import services as referrals
    from rectify.referrals.choices import ReferralState

    test_the_ladder_from_reminder_to_a_closed_interview(world, on)
    finding = Interview.objects.get().finding
    day = DUE + datetime.timedelta(days=60)
    with on(day):
        referral = referrals.create_referral(
            world["auditor"], recipient=world.discipline, ground="refusal", findings=[finding],
            facts="约谈后仍拒不整改，逾期两个月未报送整改情况",
        )  # fmt: skip
        referrals.approve_referral(world["auditlead"], referral.pk)
        referrals.send_referral(world["auditlead"], referral.pk)
    assert inbox(world, "discipline", "referral.sent") == 1
    with on(day + datetime.timedelta(days=2)):
        referrals.acknowledge_referral(world["discipline"], referral.pk)
    with on(day + datetime.timedelta(days=30)):
        referrals.conclude_referral(
            world["discipline"], referral.pk, outcome_date=day + datetime.timedelta(days=28),
            text="经调查，对单位主要负责人予以诫勉", persons=[referrals.Person("王五", "副局长", "admonishment")],
        )  # fmt: skip
    referral.refresh_from_db()
    assert referral.state == ReferralState.CONCLUDED
    assert inbox(world, "auditor", "referral.concluded") + inbox(world, "auditlead", "referral.concluded") >= 1
    kinds = list(finding.events.order_by("at", "pk").values_list("kind", "action"))
    interview_steps = [action for kind, action in kinds if kind == EventKind.INTERVIEW]
    referral_steps = [action for kind, action in kinds if kind == EventKind.REFERRAL]
    assert interview_steps[-1] == "interview_closed"
    assert referral_steps == ["drafted", "approved", "sent", "acknowledged", "concluded"]
    # The referral's steps come after the interview's on the timeline.
    last_interview = max(i for i, (kind, _) in enumerate(kinds) if kind == EventKind.INTERVIEW)
    first_referral = min(i for i, (kind, _) in enumerate(kinds) if kind == EventKind.REFERRAL)
    assert last_interview < first_referral
