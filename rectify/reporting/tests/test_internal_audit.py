"""A unit's internal auditors follow the reporting of their own internal audits' findings as the audit
office follows its own: the obligations and escalation proposals on the finding page and on their
workbench, and they decide those proposals (web and API); nobody else's are theirs."""

import datetime

import pytest
from rest_framework.test import APIClient

from rectify.accounts.choices import RoleCode
from rectify.audits import services as audits
from rectify.audits.choices import AuditType
from rectify.core.panels import FINDING, WORKBENCH, panels_for
from rectify.findings import services as findings
from rectify.reporting.choices import EscalationState
from rectify.reporting.models import EscalationProposal
from rectify.reporting.sweep import sweep
from rectify.testing import PASSWORD, finding_data, make_finding, make_user

pytestmark = pytest.mark.django_db
D = datetime.date
DUE = D(2025, 7, 31)


@pytest.fixture
def internal(world, on):
    """The unit's internal auditor, an internal-audit finding of its unit and one of the audit office, both
    overdue past the grace period and escalated by the sweep; and an internal auditor of the sibling unit."""
    world.users["internal"] = make_user("internal", world.unit, RoleCode.INTERNAL_AUDITOR)
    world.users["internal_sibling"] = make_user("internal_sibling", world.sibling_unit, RoleCode.INTERNAL_AUDITOR)
    with on(D(2025, 7, 1)):
        project = audits.create_project(
            world["internal"], name="2025年度内部审计", year=2025, type=AuditType.INTERNAL_AUDIT, units=[world.unit],
            started_on=D(2025, 3, 1),
        )  # fmt: skip
        own = findings.create_finding(
            world["internal"], allow_past_deadline=True, **finding_data(world, project=project, deadline=DUE)
        )
        findings.issue_finding(world["internal"], own)
        findings.start_rectification(world["unit"], own)
        office = make_finding(world, state="rectifying", deadline=DUE)
    with on(DUE + datetime.timedelta(days=31)):
        sweep()
    world.own, world.office = own, office
    return world


def panel(page, user, key, obj=None) -> dict | None:
    """The context of one panel of a page as the user sees it (None when left out)."""
    shown = [p for position in panels_for(page, user, obj).values() for p in position if p["key"] == key]
    return shown[0]["context"] if shown else None


def test_the_internal_auditor_sees_and_decides_the_escalations_of_its_own_internal_audits(internal, client):
    world = internal.fresh()
    own = EscalationProposal.objects.get(finding=internal.own)
    office = EscalationProposal.objects.get(finding=internal.office)
    me = world["internal"]
    assert set(EscalationProposal.objects.restrict(me).values_list("pk", flat=True)) == {own.pk}
    assert set(EscalationProposal.objects.restrict(me, "act").values_list("pk", flat=True)) == {own.pk}
    for other in ("internal_sibling", "unit", "unithead"):
        assert not EscalationProposal.objects.restrict(world[other]).exists(), other
    # The district's audit office reads the unit's internal escalation and does not decide it.
    assert EscalationProposal.objects.restrict(world["auditlead"]).filter(pk=own.pk).exists()
    assert not EscalationProposal.objects.restrict(world["auditlead"], "act").filter(pk=own.pk).exists()

    # The workbench: the reporting of its internal audits, with the proposal to decide.
    mine = panel(WORKBENCH, me, "reporting.internal")
    assert [p.pk for p in mine["escalations"]] == [own.pk]
    assert [row["obligation"].finding_id for row in mine["missed"]] == [internal.own.pk]
    assert mine["figures"]["missed"] == 1
    for other in ("auditor", "unit", "internal_sibling"):
        assert panel(WORKBENCH, world[other], "reporting.internal") is None, other
    # The finding page: its obligations and escalation, with the decision offered to the internal auditor only.
    mine = panel(FINDING, me, "reporting.finding", internal.own)
    assert [p.pk for p in mine["escalations"]] == [own.pk] and mine["decides"]
    assert [row["obligation"].finding_id for row in mine["rows"]] == [internal.own.pk]
    auditor = panel(FINDING, world["auditor"], "reporting.finding", internal.own)
    assert [p.pk for p in auditor["escalations"]] == [own.pk] and not auditor["decides"]
    office_page = panel(FINDING, world["auditor"], "reporting.finding", internal.office)
    assert [p.pk for p in office_page["escalations"]] == [office.pk] and office_page["decides"]
    unit = panel(FINDING, world["unit"], "reporting.finding", internal.own)
    assert unit["escalations"] == []  # the audit side's working paper

    assert client.login(username="internal", password=PASSWORD)
    page = client.get("/workbench/").content.decode()
    assert 'data-testid="internal-escalation"' in page and internal.own.ledger_number in page
    page = client.get(f"/findings/{internal.own.pk}/").content.decode()
    assert 'data-testid="decide-escalation"' in page
    assert client.get(f"/reporting/escalations/{office.pk}/decide/").status_code == 404
    response = client.post(f"/reporting/escalations/{own.pk}/decide/", {"take_up": "0", "reason": "已说明"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.state == EscalationState.DISMISSED and own.decided_by == me
    api = APIClient()
    api.force_authenticate(me)
    assert api.get("/api/escalation-proposals/").json()["count"] == 1
    answer = api.post(f"/api/escalation-proposals/{office.pk}/decide/", {"take_up": True, "reason": "x"}, format="json")
    assert answer.status_code == 404
    office.refresh_from_db()
    assert office.state == EscalationState.OPEN
