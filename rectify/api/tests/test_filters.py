"""The API filters with the web's names and gets the web's answers: the one FindingFilterSet decides."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from rectify.findings.filters import FindingFilterSet
from rectify.findings.models import Finding

pytestmark = pytest.mark.django_db


def ids_from_api(client, query: str) -> list[int]:
    response = client.get(f"/api/findings/?page_size=500&{query}")
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def ids_from_filterset(user, query: str) -> set[int]:
    filterset = FindingFilterSet(QueryDict(query), queryset=Finding.objects.restrict(user))
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))


QUERIES = [
    "state=issued",
    "state=rectifying&state=submitted",
    "colour=red",
    "colour=green&colour=yellow",
    "year=2025",
    "year=2024",
    "q=公务接待",
    "q=JA-2025",
    "kind=long_term",
    "disclosure=public",
    "repeat=false",
    "amount_min=100000&amount_max=200000",
    "state=issued&colour=yellow",
]


@pytest.mark.parametrize("username", ["auditor", "unit", "dept", "finance"])
def test_filters_answer_what_the_ledgers_filterset_answers(api, world, ledger, username):
    client = api(username)
    user = world[username]
    queries = [*QUERIES, f"unit={world.unit.pk}", f"unit={world.sibling_unit.pk}", f"project={world.project.pk}"]
    queries.append(f"category={world.fiscal_category.parent_id}")
    for query in queries:
        assert set(ids_from_api(client, query)) == ids_from_filterset(user, query), (username, query)


def test_filters_pick_the_expected_rows(api, world, ledger):
    client = api("auditor")
    ids = {name: f.pk for name, f in ledger.items()}
    assert set(ids_from_api(client, "colour=red")) == {ids["rectifying_red"]}
    assert set(ids_from_api(client, "colour=yellow")) == {ids["issued_yellow"], ids["sibling"]}
    assert set(ids_from_api(client, f"unit={world.sibling_unit.pk}")) == {ids["sibling"]}
    assert set(ids_from_api(client, "q=公务接待")) == {ids["issued_yellow"]}
    assert set(ids_from_api(client, "state=draft")) == {ids["draft"]}
    # a unit's filter on a finding state it cannot see finds nothing, rather than an error
    assert ids_from_api(api("unit"), "state=draft") == []


def test_rows_carry_derived_colour_and_days_left(api, ledger):
    rows = {row["id"]: row for row in api("auditor").get("/api/findings/?page_size=500").json()["results"]}
    red = rows[ledger["rectifying_red"].pk]
    assert (red["colour"], red["days_left"], red["is_overdue"]) == ("red", -10, True)
    yellow = rows[ledger["issued_yellow"].pk]
    assert (yellow["colour"], yellow["days_left"], yellow["is_overdue"]) == ("yellow", 3, False)
    assert rows[ledger["draft"].pk]["colour"] is None and rows[ledger["closed"].pk]["colour"] is None
    assert rows[ledger["submitted"].pk]["colour"] == "green"


def test_a_finding_reads_as_the_contract_says(api, world, ledger):
    finding = ledger["issued_green"]
    body = api("auditor").get(f"/api/findings/{finding.pk}/").json()
    for key in (
        "id", "ledger_number", "year", "project", "unit", "category", "title", "description", "amount_involved",
        "kind", "deadline", "state", "colour", "disclosure", "repeats", "days_left", "is_overdue", "legal_basis",
        "requirements", "rectified_during_audit", "created", "last_updated",
    ):  # fmt: skip
        assert key in body, key
    assert body["amount_involved"] == "125000.00"
    assert body["year"] == 2025 and body["unit"] == world.unit.pk and body["project"] == world.project.pk
    assert body["requirements"] == ["清理长期挂账的往来款项", "建立往来款定期清理制度"]
    assert body["state"] == "issued" and body["disclosure"] == "public" and body["repeats"] == []


def test_bad_filter_values_are_field_errors(api, ledger):
    response = api("auditor", "en").get("/api/findings/", {"state": "nonsense", "year": "abc"})
    assert response.status_code == 400
    assert set(response.json()) == {"state", "year"}
    assert "valid choice" in response.json()["state"][0]
    # ids are whole numbers within the database's range; others are refused before any query
    response = api("auditor").get("/api/findings/", {"unit": "-4.3e133", "project": str(2**70), "department": "1.5"})
    assert response.status_code == 400 and set(response.json()) == {"unit", "project", "department"}
    assert api("auditor").get("/api/evidence/", {"finding": "1e300"}).status_code == 400


def test_ordering_and_page_size(api, ledger):
    client = api("auditor")
    by_deadline = client.get("/api/findings/?ordering=deadline&page_size=500").json()["results"]
    deadlines = [row["deadline"] for row in by_deadline]
    assert deadlines == sorted(deadlines)
    by_number_desc = client.get("/api/findings/?ordering=-year,-ledger_number&page_size=500").json()["results"]
    numbers = [row["ledger_number"] for row in by_number_desc]
    assert numbers == sorted(numbers, reverse=True)
    by_colour = [
        row["colour"] or "" for row in client.get("/api/findings/?ordering=colour&page_size=500").json()["results"]
    ]
    assert by_colour == sorted(by_colour)
    page = client.get("/api/findings/?page_size=2").json()
    assert len(page["results"]) == 2 and page["count"] == 11 and page["next"] and page["previous"] is None
    second = client.get(page["next"]).json()
    assert not {r["id"] for r in second["results"]} & {r["id"] for r in page["results"]}
    capped = client.get("/api/findings/?page_size=100000")
    assert capped.status_code == 200 and len(capped.json()["results"]) == 11
    # an unknown ordering field is ignored, as DRF does
    assert client.get("/api/findings/?ordering=password").status_code == 200


def test_other_collections_filter_by_finding(api, world, ledger):
    client = api("auditor")
    finding = ledger["closed"]
    for url in ("/api/requirements/", "/api/finding-events/", "/api/progress-reports/", "/api/verifications/"):
        rows = client.get(url, {"finding": finding.pk}).json()["results"]
        assert rows and {row["finding"] for row in rows} == {finding.pk}, url
    evidence = client.get("/api/evidence/", {"finding": finding.pk}).json()["results"]
    assert [row["original_name"] for row in evidence] == ["凭证.png"]
    # a finding outside the caller's scope filters to nothing, exactly like one that does not exist
    hidden = ledger["district_b"]
    assert client.get("/api/requirements/", {"finding": hidden.pk}).json()["count"] == 0
    assert client.get("/api/requirements/", {"finding": 999999}).json()["count"] == 0
    projects = client.get("/api/audit-projects/", {"unit": world.unit.pk}).json()["results"]
    assert {row["id"] for row in projects} == {world.project.pk, world.cadre_project.pk}
    units = client.get("/api/organizations/", {"kind": "audited_unit", "q": "中学"}).json()["results"]
    assert {row["id"] for row in units} == {world.unit.pk, world.sibling_unit.pk}
