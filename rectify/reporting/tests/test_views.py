"""The audit office's decisions through the web: delay explanations and escalation proposals."""

import datetime

import pytest

from rectify.rectification import services as rectification
from rectify.rectification.choices import DelayDecision
from rectify.reporting.choices import EscalationState
from rectify.reporting.models import EscalationProposal
from rectify.reporting.sweep import sweep
from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def explained(world, on):
    with on(D(2025, 7, 1)):
        finding = make_finding(world, state="rectifying", deadline=D(2025, 7, 31))
    with on(D(2025, 8, 5)):
        rectification.explain_delay(world["unit"], finding, reason="涉及诉讼", expected_completion=D(2025, 10, 31))
    return finding


def login(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)


def test_the_auditor_decides_a_delay_explanation_from_the_finding_page(client, world, on, explained):
    url = f"/findings/{explained.pk}/delay/decide/"
    with on(D(2025, 8, 6)):
        login(client, "auditor")
        page = client.get(f"/findings/{explained.pk}/").content.decode()
        assert url in page  # offered as a step
        form = client.get(url)
        assert "涉及诉讼" in form.content.decode()
        refused = client.post(url, {"accept": "0", "note": ""})  # a rejection needs a reason
        assert refused.status_code == 200 and "不同意延期时请填写审核意见" in refused.content.decode()
        done = client.post(url, {"accept": "1", "note": "同意延至10月底"}, follow=True)
    assert "已审核延期说明" in done.content.decode()
    explanation = explained.delay_explanations.get()
    assert explanation.decision == DelayDecision.ACCEPTED and explanation.decided_by == world["auditor"]
    with on(D(2025, 8, 7)):
        login(client, "auditor")
        again = client.post(url, {"accept": "1", "note": ""})
    assert again.status_code == 200, again
    assert "没有待审核的延期说明" in again.content.decode()


@pytest.mark.parametrize(("username", "status"), [("unit", 403), ("dept", 403), ("gov", 404)])
def test_other_roles_cannot_decide_a_delay(client, world, explained, username, status):
    """Those who see the finding are told why (403); the government does not see it (404)."""
    login(client, username)
    assert client.get(f"/findings/{explained.pk}/delay/decide/").status_code == status
    assert f"/findings/{explained.pk}/delay/decide/" not in client.get(f"/findings/{explained.pk}/").content.decode()


def test_an_auditor_of_another_office_gets_not_found(client, world, explained):
    login(client, "auditor_b")
    assert client.get(f"/findings/{explained.pk}/delay/decide/").status_code == 404


@pytest.fixture
def proposal(world, on):
    with on(D(2025, 7, 1)):
        finding = make_finding(world, state="rectifying", deadline=D(2025, 7, 31))
    with on(D(2025, 9, 15)):
        sweep()
    return EscalationProposal.objects.get(finding=finding)


def test_the_audit_office_takes_up_or_dismisses_a_proposal_with_a_reason(client, world, on, proposal):
    url = f"/reporting/escalations/{proposal.pk}/decide/"
    with on(D(2025, 9, 16)):
        login(client, "auditlead")
        assert str(proposal.finding.ledger_number) in client.get("/reporting/escalations/").content.decode()
        refused = client.post(url, {"take_up": "1", "reason": ""})
        assert refused.status_code == 200
        done = client.post(url, {"take_up": "1", "reason": "拟约谈单位主要负责人"}, follow=True)
        assert "问责建议已处理" in done.content.decode()
        proposal.refresh_from_db()
        assert proposal.state == EscalationState.TAKEN_UP and proposal.decided_by == world["auditlead"]
        again = client.post(url, {"take_up": "0", "reason": "重复"})
        assert "已处理" in again.content.decode()
        assert "拟约谈单位主要负责人" in client.get("/reporting/escalations/?state=taken_up").content.decode()


@pytest.mark.parametrize(("username", "status"), [("unit", 403), ("dept", 403), ("auditor_b", 404)])
def test_proposals_are_the_audit_offices_own(client, world, proposal, username, status):
    login(client, username)
    # a proposal is outside every scope but the audit office's: 404, whatever the role
    assert client.get(f"/reporting/escalations/{proposal.pk}/decide/").status_code == 404
    listing = client.get("/reporting/escalations/")
    assert listing.status_code == (200 if status == 404 else 403)
    if listing.status_code == 200:
        assert proposal.finding.ledger_number not in listing.content.decode()
