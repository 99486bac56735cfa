"""Every collection shows exactly what the visibility scope allows, for every kind of caller."""

from __future__ import annotations

import datetime

import pytest

from rectify.audits.models import AuditProject
from rectify.findings.models import Category, Finding, FindingEvent, Requirement
from rectify.organizations.models import Organization
from rectify.rectification.models import DelayExplanation, Evidence, Plan, ProgressReport, Verification
from rectify.testing import ADMINISTRATORS

pytestmark = pytest.mark.django_db

COLLECTIONS = {
    "/api/findings/": Finding,
    "/api/requirements/": Requirement,
    "/api/finding-events/": FindingEvent,
    "/api/audit-projects/": AuditProject,
    "/api/organizations/": Organization,
    "/api/plans/": Plan,
    "/api/progress-reports/": ProgressReport,
    "/api/evidence/": Evidence,
    "/api/verifications/": Verification,
    "/api/delay-explanations/": DelayExplanation,
}

ROLES = [
    "auditor",
    "auditlead",
    "auditor_b",
    "city_auditor",
    "unit",
    "unithead",
    "sibling",
    "dept",
    "finance",
    "orgdept",
    "other",
    "unit_b",
    "discipline",
    "committee",
    "gov",
    "congress",
    "sysadmin",
    "secadmin",
    "logaudit",
]


def listed_ids(client, url: str) -> set[int]:
    response = client.get(url, {"page_size": 500})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(body["results"])
    return {row["id"] for row in body["results"]}


@pytest.mark.parametrize("username", ROLES)
def test_every_collection_lists_exactly_the_callers_scope(api, world, ledger, username):
    client = api(username)
    user = world[username]
    for url, model in COLLECTIONS.items():
        expected = set(model.objects.restrict(user).values_list("pk", flat=True))
        if username in ADMINISTRATORS and url != "/api/organizations/":  # no business endpoint, as out of scope
            assert not expected and client.get(url).status_code == 404, (username, url)
            continue
        assert listed_ids(client, url) == expected, (username, url)


def test_the_scopes_differ_as_section_4_says(api, world, ledger):
    """Not a tautology: the ids compared above are the ones the design promises."""
    ids = {name: finding.pk for name, finding in ledger.items()}
    seen = {username: listed_ids(api(username), "/api/findings/") for username in ("auditor", "unit", "sibling")}
    assert seen["auditor"] == {pk for name, pk in ids.items() if name != "district_b"}
    assert ids["draft"] not in seen["unit"] and ids["sibling"] not in seen["unit"]
    assert seen["sibling"] == {ids["sibling"]}
    assert listed_ids(api("city_auditor"), "/api/findings/") == set(ids.values())
    assert listed_ids(api("finance"), "/api/findings/") == {ids["fiscal"]}
    assert listed_ids(api("orgdept"), "/api/findings/") == {ids["cadre"]}
    assert ids["sibling"] in listed_ids(api("dept"), "/api/findings/")
    for nobody in ("discipline", "committee", "gov", "congress"):
        assert listed_ids(api(nobody), "/api/findings/") == set()
    for administrator in ADMINISTRATORS:
        assert api(administrator).get("/api/findings/").status_code == 404


@pytest.mark.parametrize("username", ["unit", "sibling", "dept", "finance", "orgdept", "auditor_b", "sysadmin"])
def test_an_object_outside_the_scope_answers_404(api, world, ledger, username):
    client = api(username)
    user = world[username]
    checked = 0
    for url, model in COLLECTIONS.items():
        hidden = model.objects.exclude(pk__in=model.objects.restrict(user).values("pk")).first()
        if hidden is None:
            continue
        response = client.get(f"{url}{hidden.pk}/")
        assert response.status_code == 404, (username, url)
        assert set(response.json()) == {"detail"}
        checked += 1
    assert checked >= 3
    # and actions on a hidden finding are 404 as well, before any role or state is looked at
    hidden = Finding.objects.exclude(pk__in=Finding.objects.restrict(user).values("pk")).first()
    for name in ("issue", "start", "return", "to_long_term", "resume", "plan", "reports", "verify", "delay"):
        assert client.post(f"/api/findings/{hidden.pk}/{name}/", {}, format="json").status_code == 404, name


def test_visible_objects_answer_200_with_their_own_id(api, world, ledger):
    client = api("unit")
    for url, model in COLLECTIONS.items():
        for obj in model.objects.restrict(world["unit"])[:3]:
            response = client.get(f"{url}{obj.pk}/")
            assert response.status_code == 200 and response.json()["id"] == obj.pk, url


def test_categories_are_reference_data_for_every_signed_in_user(api, world):
    expected = set(Category.objects.values_list("pk", flat=True))
    assert expected
    for username in ("auditor", "unit", "sysadmin"):
        assert listed_ids(api(username), "/api/categories/") == expected


@pytest.mark.parametrize("url", [*COLLECTIONS, "/api/categories/", "/api/auth/me/"])
def test_anonymous_callers_are_told_to_authenticate(api, ledger, url):
    response = api(None).get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_a_repeat_lists_only_earlier_findings_the_caller_may_see(api, world, ledger):
    from rectify.audits.choices import AuditType
    from rectify.findings import services
    from rectify.testing import make_finding, make_project

    world.project = make_project(
        world, world.office_a, [world.unit, world.sibling_unit], AuditType.BUDGET_EXECUTION, 2024
    )
    own = make_finding(world, state="closed", deadline=datetime.date(2024, 12, 31))
    siblings = make_finding(world, state="issued", unit=world.sibling_unit, deadline=datetime.date(2024, 12, 31))
    later = ledger["issued_green"]
    services.link_repeats(world["auditor"], later, [own, siblings])
    assert api("auditor").get(f"/api/findings/{later.pk}/").json()["repeats"] == sorted([own.pk, siblings.pk])
    assert api("unit").get(f"/api/findings/{later.pk}/").json()["repeats"] == [own.pk]
    listed = api("unit").get("/api/findings/", {"repeat": "true"}).json()["results"]
    assert [(row["id"], row["repeats"]) for row in listed] == [(later.pk, [own.pk])]
