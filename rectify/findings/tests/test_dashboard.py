import pytest
from django.http import QueryDict

from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db


def ledger_count(client, query: dict) -> int:
    params = QueryDict(mutable=True)
    for key, value in query.items():
        params.setlist(key, [str(v) for v in (value if isinstance(value, list) else [value])])
    return client.get("/ledger/", params).context["table"].page.paginator.count


def test_every_chart_point_matches_the_ledger_it_opens(client, world):
    for state in ("draft", "issued", "rectifying", "submitted", "closed", "closed", "long_term"):
        make_finding(world, state=state)
    make_finding(world, state="issued", unit=world.other_unit)
    make_finding(world, state="issued", category=world.fiscal_category)
    client.login(username="auditor", password=PASSWORD)
    response = client.get("/dashboard/", {"audit_type": "budget_execution"})
    assert response.status_code == 200
    data = response.context["data"]
    base = {"audit_type": "budget_execution"}
    assert data["figures"]["total"] == ledger_count(client, base) == 9
    for series in ("by_year", "by_category", "by_unit", "by_department"):
        for point in data[series]:
            assert point["total"] == ledger_count(client, {**base, **point["filter"]}), (series, point)
    for series in ("by_state", "by_colour"):
        for point in data[series]:
            assert point["value"] == ledger_count(client, {**base, **point["filter"]}), (series, point)
    assert sum(p["value"] for p in data["by_state"]) == 9


def test_dashboard_page_loads_charts_from_local_assets_without_inline_script(client, world):
    make_finding(world, state="closed")
    client.login(username="auditor", password=PASSWORD)
    html = client.get("/dashboard/").content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/rectify/dashboard.js" in html
    assert 'id="dashboard-data" type="application/json"' in html
    assert "<script>" not in html and " onclick=" not in html


def test_a_unit_sees_only_its_own_figures(client, world):
    make_finding(world, state="closed")
    make_finding(world, state="issued", unit=world.sibling_unit)
    client.login(username="unit", password=PASSWORD)
    data = client.get("/dashboard/").context["data"]
    assert data["figures"]["total"] == 1 and [p["label"] for p in data["by_unit"]] == [world.unit.name]
