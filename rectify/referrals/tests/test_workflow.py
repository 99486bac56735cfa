"""The referral's actions: from a false-rectification verdict to a concluded referral, each step on the
cited finding's timeline; refusals that change nothing; the overdue-feedback job notifying once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rectify.core.exceptions import ActionRefused
from rectify.findings.choices import EventKind
from rectify.notifications.models import Notification
from rectify.referrals import services
from rectify.referrals.choices import PackageStatus, ReferralState
from rectify.referrals.models import Referral
from rectify.referrals.tests.helpers import drafted, falsified, sent
from rectify.testing import make_finding

pytestmark = pytest.mark.django_db


def test_from_a_false_rectification_to_a_concluded_referral(world, django_capture_on_commit_callbacks):
    finding = falsified(world)
    with django_capture_on_commit_callbacks(execute=True):
        referral = drafted(world, finding)
        services.approve_referral(world["auditlead"], referral)
    referral.refresh_from_db()
    assert referral.package_status == PackageStatus.DONE and referral.package.name.endswith(".zip")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_referral(world["auditlead"], referral)
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
    assert referral.feedback_due == timezone.localtime(referral.sent_at).date() + datetime.timedelta(days=60)
    assert Notification.objects.filter(recipient=world["discipline"], event_name="referral.sent").exists()
    services.acknowledge_referral(world["discipline"], referral)
    with django_capture_on_commit_callbacks(execute=True):
        services.conclude_referral(
            world["discipline"], referral, outcome_date=datetime.date.today(), text="已立案审查。",
            persons=[
                services.Person("王某", "财务科长", "disciplinary"), services.Person("李某", "副局长", "admonishment")
            ],
        )  # fmt: skip
    referral.refresh_from_db()
    assert referral.state == ReferralState.CONCLUDED
    assert [(p.name, p.outcome) for p in referral.persons.all()] == [("王某", "disciplinary"), ("李某", "admonishment")]
    actions = list(finding.events.filter(kind=EventKind.REFERRAL).order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["drafted", "approved", "sent", "acknowledged", "concluded"]
    assert "王某（财务科长）党纪政务处分" in finding.events.get(action="concluded").comment
    assert Notification.objects.filter(recipient=world["auditor"], event_name="referral.concluded").exists()
    assert referral.history.count() >= 5


def test_a_return_goes_back_to_draft_and_is_on_the_timeline(world):
    referral = drafted(world)
    services.approve_referral(world["auditlead"], referral)
    services.return_referral(world["auditlead"], referral, "事实部分需补充")
    referral.refresh_from_db()
    assert referral.state == ReferralState.DRAFT and referral.approved_by is None
    assert referral.package_status == PackageStatus.NONE
    finding = referral.findings.get()
    assert finding.events.filter(
        kind=EventKind.REFERRAL, action="returned", comment__contains="事实部分需补充"
    ).exists()


def unchanged(referral):
    before = Referral.objects.get(pk=referral.pk)
    events = referral.findings.get().events.count()
    return lambda: (
        Referral.objects.get(pk=referral.pk).state == before.state
        and Referral.objects.get(pk=referral.pk).version == before.version
        and referral.findings.get().events.count() == events
    )


@pytest.mark.parametrize(
    ("who", "step", "code"),
    [
        ("auditor", "approve", "forbidden"),  # the auditor drafts; the leader approves
        ("unit", "approve", "not_found"),  # the referred unit does not even see it
        ("discipline", "approve", "not_found"),  # a draft has not reached the commission
        ("auditlead", "send", "invalid_state"),  # not approved yet
        ("auditor_b", "approve", "not_found"),  # another district
    ],
)
def test_refused_steps_on_a_draft_change_nothing(world, who, step, code):
    referral = drafted(world)
    same = unchanged(referral)
    with pytest.raises(ActionRefused) as refused:
        getattr(services, f"{step}_referral")(world[who], referral)
    assert refused.value.code == code and same()


def test_refused_receipt_and_feedback_change_nothing(world):
    referral = sent(world)
    same = unchanged(referral)
    for who, code in (("orgdept", "not_found"), ("auditor", "forbidden"), ("unithead", "not_found")):
        with pytest.raises(ActionRefused) as refused:
            services.acknowledge_referral(world[who], referral)
        assert refused.value.code == code, who
    with pytest.raises(ActionRefused):
        services.conclude_referral(
            world["discipline"], referral, outcome_date=datetime.date.today(), text=" ", persons=[]
        )
    with pytest.raises(ActionRefused):
        services.conclude_referral(
            world["discipline"], referral, outcome_date=datetime.date.today(), text="处理",
            persons=[services.Person("王某", "科长", "fine")],
        )  # fmt: skip
    with pytest.raises(ActionRefused):
        services.conclude_referral(
            world["discipline"], referral, outcome_date=datetime.date.today() + datetime.timedelta(days=2),
            text="处理", persons=[],
        )  # fmt: skip
    assert same() and not referral.persons.exists()


def test_drafting_is_refused_without_grounds_or_to_the_wrong_body(world):
    plain = make_finding(world, "rectifying")
    before = Referral.objects.count()
    with pytest.raises(ActionRefused, match="虚假整改"):
        drafted(world, plain)
    with pytest.raises(ActionRefused, match="受理机关"):
        drafted(world, plain, recipient=world.unit, ground="refusal")
    with pytest.raises(ActionRefused, match="受理机关"):
        drafted(world, plain, recipient=world.finance, ground="refusal")
    with pytest.raises(ActionRefused):
        services.create_referral(
            world["unit"], recipient=world.discipline, ground="refusal", findings=[plain], facts="x"
        )
    with pytest.raises(ActionRefused, match="不能引用"):
        services.create_referral(
            world["auditor_b"], recipient=world.discipline, ground="refusal", findings=[plain], facts="x"
        )
    assert Referral.objects.count() == before
    assert drafted(world, plain, ground="refusal").state == ReferralState.DRAFT


def test_overdue_feedback_is_flagged_once_by_the_daily_job(world, on):
    with on(datetime.date(2026, 3, 2)):
        referral = sent(world)
    referral.refresh_from_db()
    assert referral.feedback_due == datetime.date(2026, 5, 1)

    def flagged():
        return Notification.objects.filter(event_name="referral.feedback_overdue", recipient=world["auditlead"]).count()

    with on(datetime.date(2026, 5, 1)):
        assert services.flag_overdue_feedback() == 0
    with on(datetime.date(2026, 5, 2)):
        assert services.flag_overdue_feedback() == 1
        assert services.flag_overdue_feedback() == 0
    with on(datetime.date(2026, 5, 9)):
        from rectify.referrals.jobs import flag_overdue_feedback

        assert flag_overdue_feedback() == 0
        assert referral.feedback_overdue_days(datetime.date(2026, 5, 9)) == 8
    assert flagged() == 1
    assert Notification.objects.filter(event_name="referral.feedback_overdue", recipient=world["auditor"]).count() == 1
    # Fed back late: no longer overdue.
    with on(datetime.date(2026, 5, 10)):
        services.conclude_referral(
            world["discipline"], referral, outcome_date=datetime.date(2026, 5, 10), text="处理完毕", persons=[]
        )
        assert not services.overdue_feedback().exists()
