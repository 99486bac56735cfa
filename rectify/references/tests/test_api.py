"""The references over the API: scoped, paginated, filtered like the pages, 404 to every other role."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from rectify.testing import api_token

pytestmark = pytest.mark.django_db


def api(world, username) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world[username])}")
    return client


def test_cadre_references(world, refs):
    client = api(world, "orgdept")
    body = client.get("/api/cadre-references/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert {row["id"] for row in body["results"]} == {world.cadre_project.pk, refs["nature"].pk, refs["empty"].pk}
    row = next(r for r in body["results"] if r["id"] == world.cadre_project.pk)
    assert row["figures"]["amount_involved"] == "185000.00" and row["figures"]["referrals"] == 1
    assert {r["id"] for r in client.get("/api/cadre-references/", {"year": 2024}).json()["results"]} == {
        refs["nature"].pk
    }
    assert {r["id"] for r in client.get("/api/cadre-references/", {"unit": world.other_unit.pk}).json()["results"]} == {
        refs["nature"].pk
    }
    detail = client.get(f"/api/cadre-references/{world.cadre_project.pk}/").json()
    assert {f["ledger_number"] for f in detail["findings"]} == {refs["c1"].ledger_number, refs["c2"].ledger_number}
    assert detail["referrals"][0]["persons"] == [{"name": "张建华", "position": "原校长", "outcome": "admonishment"}]
    assert client.get(f"/api/cadre-references/{world.project.pk}/").status_code == 404
    assert client.get(f"/api/cadre-references/{refs['cadre_b'].pk}/").status_code == 404


def test_budget_references(world, refs):
    client = api(world, "finance")
    body = client.get("/api/budget-references/").json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 2
    first = body["results"][0]
    assert first["id"] == world.unit.pk and first["figures"]["amount_unrectified"] == "119999.50"
    assert client.get("/api/budget-references/", {"year": 2025}).json()["count"] == 1
    assert client.get("/api/budget-references/", {"unit": world.sibling_unit.pk}).json()["count"] == 1
    assert client.get("/api/budget-references/", {"year": "x"}).status_code == 400
    unit = client.get(f"/api/budget-references/{world.unit.pk}/").json()
    assert [h["year"] for h in unit["history"]] == [2025, 2024, 2023, 2022, 2021]
    assert Decimal(unit["history"][1]["figures"]["amount_rectified"]) == Decimal("30000.50")
    assert {f["ledger_number"] for f in unit["findings"]} == {
        refs["f1"].ledger_number,
        refs["f2"].ledger_number,
        refs["f5"].ledger_number,
    }
    assert client.get(f"/api/budget-references/{world.other_unit.pk}/").status_code == 404


@pytest.mark.parametrize("username", ["unit", "unithead", "dept", "committee", "gov", "congress", "discipline"])
def test_other_roles_get_404(world, refs, username):
    client = api(world, username)
    assert client.get("/api/cadre-references/").status_code == 404
    assert client.get(f"/api/cadre-references/{world.cadre_project.pk}/").status_code == 404
    assert client.get("/api/budget-references/").status_code == 404
    assert client.get(f"/api/budget-references/{world.unit.pk}/").status_code == 404


def test_each_reader_reads_only_its_own_reference(world, refs):
    assert api(world, "finance").get("/api/cadre-references/").status_code == 404
    assert api(world, "orgdept").get("/api/budget-references/").status_code == 404
    assert api(world, "auditor").get("/api/budget-references/").json()["count"] == 2


@pytest.mark.parametrize(
    ("username", "url"),
    [("finance", "/api/budget-references/"), ("orgdept", "/api/cadre-references/"),
     ("auditor", "/api/reference-deliveries/")],
)  # fmt: skip
def test_api_query_counts_do_not_grow_with_the_data(world, refs, username, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rectify.references.tests.test_views import _more_data

    client = api(world, username)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    count()
    before = count()
    _more_data(world)
    assert count() == before <= 15, before
