"""The reporting collections over the API, scoped as the web is."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from rectify.reporting.models import EscalationProposal, ReportingRules
from rectify.reporting.sweep import sweep
from rectify.testing import make_finding

pytestmark = pytest.mark.django_db
D = datetime.date


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def overdue(world, on):
    with on(D(2025, 7, 1)):
        finding = make_finding(world, state="rectifying", deadline=D(2025, 7, 31))
    with on(D(2025, 9, 15)):
        sweep()
    return finding


def test_obligations_are_listed_as_their_finding_is_seen(world, overdue):
    mine = api(world["unit"]).get("/api/reporting-obligations/", {"finding": overdue.pk}).json()
    assert mine["count"] == 1 and mine["results"][0]["kind"] == "first_report"
    assert mine["results"][0]["status"] == "missed"
    assert api(world["sibling"]).get("/api/reporting-obligations/").json()["count"] == 0
    assert api(world["auditor_b"]).get(f"/api/reporting-obligations/{mine['results'][0]['id']}/").status_code == 404


def test_escalation_proposals_are_the_audit_offices_and_decided_through_the_api(world, overdue):
    proposal = EscalationProposal.objects.get(finding=overdue)
    assert api(world["unit"]).get("/api/escalation-proposals/").json()["count"] == 0
    assert api(world["unit"]).post(f"/api/escalation-proposals/{proposal.pk}/decide/", {}).status_code == 404
    lead = api(world["auditlead"])
    assert lead.get("/api/escalation-proposals/", {"state": "open"}).json()["count"] == 1
    missing = lead.post(f"/api/escalation-proposals/{proposal.pk}/decide/", {"take_up": True}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    done = lead.post(
        f"/api/escalation-proposals/{proposal.pk}/decide/", {"take_up": False, "reason": "已说明"}, format="json"
    )
    assert done.status_code == 200 and done.json()["state"] == "dismissed"
    again = lead.post(
        f"/api/escalation-proposals/{proposal.pk}/decide/", {"take_up": True, "reason": "x"}, format="json"
    )
    assert again.status_code == 409


def test_a_delay_is_decided_through_the_api(world, on, overdue):
    from rectify.rectification import services as rectification

    with on(D(2025, 9, 16)):
        rectification.explain_delay(world["unit"], overdue, reason="涉及诉讼", expected_completion=D(2025, 12, 31))
        assert (
            api(world["unit"])
            .post(f"/api/findings/{overdue.pk}/decide-delay/", {"accept": True}, format="json")
            .status_code
            == 403
        )
        rejected = api(world["auditor"]).post(
            f"/api/findings/{overdue.pk}/decide-delay/", {"accept": False}, format="json"
        )
        assert rejected.status_code == 400
        accepted = api(world["auditor"]).post(
            f"/api/findings/{overdue.pk}/decide-delay/", {"accept": True, "note": "同意"}, format="json"
        )
    assert accepted.status_code == 200 and accepted.json()["decision"] == "accepted"


def test_reminder_lead_days_must_be_a_list_of_days(world):
    rules = ReportingRules(jurisdiction=world.district_a, reminder_lead_days=["七"])
    with pytest.raises(ValidationError) as refused:
        rules.full_clean()
    assert "reminder_lead_days" in refused.value.message_dict
