"""Who sees supervised matters, their parts and circulars, for every role of the test world (the demo's
roles, and auditors of another district and of the city): on the pages (404 outside the scope) and in
the API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rectify.supervision.models import Assignment, Circular, SupervisedMatter
from rectify.supervision.tests.helpers import issued_circular, make_circular, make_matter
from rectify.testing import ADMINISTRATORS, PASSWORD

pytestmark = pytest.mark.django_db

EVERY_ROLE = (
    "auditor", "auditor2", "auditlead", "auditor_b", "city_auditor", "unit", "unithead", "sibling", "other",
    "unit_b", "dept", "orgdept", "finance", "discipline", "committee", "gov", "congress", "sysadmin", "secadmin",
    "logaudit",
)  # fmt: skip
# The matter is assigned to the demo unit and its department.
SEES_MATTER = {"auditor", "auditor2", "auditlead", "city_auditor", "unit", "unithead", "dept", "committee", "gov"}
SEES_BOTH_PARTS = {"auditor", "auditor2", "auditlead", "city_auditor", "committee", "gov"}
# The circular is issued to the demo unit and its department.
SEES_ISSUED_CIRCULAR = {"committee", "unit", "unithead", "dept"}


@pytest.mark.parametrize("username", EVERY_ROLE)
def test_supervised_matters_and_their_parts(world, username, client):
    matter = make_matter(world)
    user = world[username]
    assert SupervisedMatter.objects.restrict(user).filter(pk=matter.pk).exists() == (username in SEES_MATTER)
    parts = set(Assignment.objects.restrict(user).values_list("organization_id", flat=True))
    if username in SEES_BOTH_PARTS:
        assert parts == {world.unit.pk, world.dept.pk}
    elif username in SEES_MATTER:
        assert parts == {user.organization_id}
    else:
        assert parts == set()
    assert client.login(username=username, password=PASSWORD)
    response = client.get(matter.get_absolute_url())
    assert response.status_code == (200 if username in SEES_MATTER else 404)
    if username in ("unit", "unithead"):
        assert world.dept.name not in response.content.decode()  # the other part is not theirs to see
    api = APIClient()
    api.force_authenticate(user)
    answer = api.get("/api/supervised-matters/")
    if username in ADMINISTRATORS:  # no business endpoint at all
        assert answer.status_code == 404
        return
    assert answer.status_code == 200 and answer.json()["count"] == (1 if username in SEES_MATTER else 0)
    assert api.get(f"/api/supervised-matters/{matter.pk}/").status_code == (200 if username in SEES_MATTER else 404)


@pytest.mark.parametrize("username", EVERY_ROLE)
def test_circulars(world, username, client):
    draft = make_circular(world)
    issued = issued_circular(world)
    user = world[username]
    seen = set(Circular.objects.restrict(user).values_list("pk", flat=True))
    expected = set()
    if username == "committee":
        expected = {draft.pk, issued.pk}
    elif username in SEES_ISSUED_CIRCULAR:
        expected = {issued.pk}
    assert seen == expected
    assert client.login(username=username, password=PASSWORD)
    for circular in (draft, issued):
        wanted = 200 if circular.pk in expected else 404
        assert client.get(circular.get_absolute_url()).status_code == wanted
        assert client.get(f"/circulars/{circular.pk}/document.docx").status_code == wanted


def test_the_committee_office_reads_exactly_the_findings_its_matters_and_circulars_cite(world, client):
    from rectify.findings.models import Finding
    from rectify.supervision import services
    from rectify.testing import make_finding

    committee = world["committee"]
    by_matter, by_draft, by_issued, uncited = (make_finding(world, "rectifying") for _ in range(4))
    # Before anything is cited the committee office sees no ledger rows at all.
    assert not Finding.objects.restrict(committee).exists()
    make_matter(world, findings=[by_matter])
    make_circular(world, findings=[by_draft])
    issued_circular(world, findings=[by_issued])
    cited = {by_matter.pk, by_draft.pk, by_issued.pk}
    for username in ("committee", "committee2"):
        user = world.fresh()[username]
        assert set(Finding.objects.restrict(user).values_list("pk", flat=True)) == cited
        assert not Finding.objects.restrict(user, "act").exists()  # read-only
    # A circular or matter of another body does not open anything to it; nor to the other roles without rows.
    for username in ("gov", "congress", "discipline", "sysadmin"):
        assert not Finding.objects.restrict(world.fresh()[username]).filter(pk__in=cited).exists()
    assert client.login(username="committee", password=PASSWORD)
    assert client.get(f"/findings/{by_issued.pk}/").status_code == 200
    assert client.get(f"/findings/{uncited.pk}/").status_code == 404
    page = client.get(SupervisedMatter.objects.get().get_absolute_url()).content.decode()
    assert f'href="{by_matter.get_absolute_url()}"' in page
    api = APIClient()
    api.force_authenticate(world.fresh()["committee"])
    assert api.get(f"/api/findings/{by_matter.pk}/").status_code == 200
    assert api.get(f"/api/findings/{uncited.pk}/").status_code == 404
    assert {row["id"] for row in api.get("/api/findings/").json()["results"]} == cited
    assert api.post(f"/api/findings/{by_matter.pk}/issue/", {}, format="json").status_code in (403, 404)
    # Another district's committee office sees none of them.
    from rectify.accounts.choices import RoleCode
    from rectify.organizations.choices import OrganizationKind
    from rectify.testing import OrganizationFactory, make_user

    other_office = OrganizationFactory(
        name="乙区委审计委员会办公室", kind=OrganizationKind.COMMITTEE_OFFICE, jurisdiction=world.district_b
    )
    other = make_user("committee_b", other_office, RoleCode.COMMITTEE_OFFICER)
    assert not Finding.objects.restrict(other).exists()
    assert services.is_committee_officer(other)
