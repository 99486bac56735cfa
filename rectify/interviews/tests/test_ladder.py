"""The escalation ladder with a moved clock, as far as interviews go: reminder → overdue → notice to the
head and the department → interview proposal → approved and scheduled interview → record with
follow-up items → items verified → closed, each step on the finding's timeline. (Referral and its
feedback, the ladder's last rungs, belong to ``rectify.referrals``.)"""

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
