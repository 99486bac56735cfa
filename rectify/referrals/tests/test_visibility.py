"""Who sees a referral and what it cites (DESIGN.md section 4), for every role of the test world: the
audit offices of the jurisdiction and above; the receiving body, once sent, and the findings it cites
and nothing else of the ledger (the ledger, the finding pages, the API and the downloads agree); the
organization department also the referrals naming cadres; never the referred unit nor the administrators."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rectify.findings.models import Finding
from rectify.referrals import services
from rectify.referrals.models import Referral
from rectify.referrals.tests.helpers import drafted, falsified, sent
from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db

SEES_THE_REFERRAL = {"auditor", "auditor2", "auditlead", "city_auditor", "discipline"}
EVERYONE = (
    "auditor", "auditor2", "auditlead", "auditor_b", "city_auditor", "unit", "unithead", "sibling", "other",
    "unit_b", "dept", "orgdept", "finance", "discipline", "committee", "gov", "congress", "sysadmin", "secadmin",
    "logaudit",
)  # fmt: skip


@pytest.fixture
def case(world):
    cited = falsified(world)
    other = make_finding(world, "rectifying")  # same unit, not cited
    referral = sent(world, drafted(world, cited))
    draft = drafted(world, make_finding(world, "rectifying"), ground="refusal")  # not yet sent
    return {"cited": cited, "other": other, "referral": referral, "draft": draft}


@pytest.mark.parametrize("username", EVERYONE)
def test_each_role_sees_the_referral_or_not(world, case, username, client):
    user = world[username]
    referral = case["referral"]
    sees = username in SEES_THE_REFERRAL
    assert Referral.objects.restrict(user).filter(pk=referral.pk).exists() == sees
    assert client.login(username=username, password=PASSWORD)
    assert client.get(referral.get_absolute_url()).status_code == (200 if sees else 404)
    assert client.get(f"/referrals/{referral.pk}/letter.docx").status_code == (200 if sees else 404)
    api = APIClient()
    api.force_authenticate(user)
    assert api.get(f"/api/referrals/{referral.pk}/").status_code == (200 if sees else 404)
    # The draft is the audit office's working paper.
    sees_draft = username in SEES_THE_REFERRAL - {"discipline"}
    assert Referral.objects.restrict(user).filter(pk=case["draft"].pk).exists() == sees_draft


def test_the_discipline_commission_sees_exactly_the_cited_findings(world, case, client):
    user = world["discipline"]
    cited, other = case["cited"], case["other"]
    assert list(Finding.objects.restrict(user).values_list("pk", flat=True)) == [cited.pk]
    assert not Finding.objects.restrict(user, "act").exists()
    assert client.login(username="discipline", password=PASSWORD)
    ledger = client.get("/ledger/").content.decode()
    assert cited.ledger_number in ledger and other.ledger_number not in ledger
    assert client.get(f"/findings/{cited.pk}/").status_code == 200
    assert client.get(f"/findings/{other.pk}/").status_code == 404
    assert client.get(f"/findings/{case['draft'].findings.get().pk}/").status_code == 404
    api = APIClient()
    api.force_authenticate(user)
    assert [row["id"] for row in api.get("/api/findings/").json()["results"]] == [cited.pk]
    assert api.get(f"/api/findings/{other.pk}/").status_code == 404
    events = api.get(f"/api/finding-events/?finding={cited.pk}").json()["results"]
    assert events and all(row["finding"] == cited.pk for row in events)
    # What hangs off the cited finding follows it: its reports and evidence.
    assert api.get("/api/progress-reports/").json()["count"] == cited.reports.count()


def test_the_discipline_commission_sees_nothing_before_anything_is_sent(world):
    drafted(world)
    assert not Finding.objects.restrict(world["discipline"]).exists()
    assert not Referral.objects.restrict(world["discipline"]).exists()


def test_the_organization_department_sees_referrals_sent_to_it_and_those_naming_cadres(world):
    orgdept = world["orgdept"]
    to_discipline = sent(
        world, drafted(world, make_finding(world, "rectifying", project=world.cadre_project), ground="refusal")
    )
    plain = make_finding(world, "rectifying")
    to_orgdept = sent(world, drafted(world, plain, recipient=world.orgdept, ground="obstruction"))
    seen = set(Referral.objects.restrict(orgdept).values_list("pk", flat=True))
    assert seen == {to_discipline.pk, to_orgdept.pk}
    assert Finding.objects.restrict(orgdept).filter(pk=plain.pk).exists()  # cited by a referral to it
    # The discipline commission does not see the one sent to the organization department, nor its finding.
    assert not Referral.objects.restrict(world["discipline"]).filter(pk=to_orgdept.pk).exists()
    assert not Finding.objects.restrict(world["discipline"]).filter(pk=plain.pk).exists()
    # Only the recipient acts on it.
    services.acknowledge_referral(orgdept, to_orgdept)
    with pytest.raises(Exception):  # noqa: B017 - ActionRefused, not found or forbidden
        services.acknowledge_referral(orgdept, to_discipline)


def test_a_competent_department_receives_a_referral_about_its_unit(world):
    finding = make_finding(world, "rectifying")
    referral = sent(world, drafted(world, finding, recipient=world.dept, ground="refusal"))
    assert Referral.objects.restrict(world["dept"]).filter(pk=referral.pk).exists()
    assert services.acknowledge_referral(world["dept"], referral).state == "acknowledged"
    for username in ("unit", "unithead", "sibling"):
        assert not Referral.objects.restrict(world[username]).exists(), username
