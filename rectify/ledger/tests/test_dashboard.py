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


def test_department_points_count_units_at_any_depth_like_the_ledger(client, world):
    from rectify.organizations.choices import OrganizationKind
    from rectify.testing import OrganizationFactory

    sub_department = OrganizationFactory(
        name="甲区教育考试院", kind=OrganizationKind.COMPETENT_DEPARTMENT,
        jurisdiction=world.district_a, competent_department=world.dept,
    )  # fmt: skip
    school = OrganizationFactory(
        name="甲区第三中学", jurisdiction=world.district_a, competent_department=sub_department
    )
    world.project.units.add(school)
    make_finding(world, state="issued", unit=school)
    make_finding(world, state="issued")  # world.unit, directly under the department
    client.login(username="auditor", password=PASSWORD)
    data = client.get("/dashboard/").context["data"]
    points = {p["label"]: p for p in data["by_department"]}
    assert points[world.dept.name]["total"] == 2 and points[sub_department.name]["total"] == 1
    for point in data["by_department"]:
        assert point["total"] == ledger_count(client, point["filter"]), point


def test_figures_only_roles_get_no_rows_and_no_text_filter(client, world, settings):
    settings.RECTIFY_MIN_GROUP_SIZE = 1  # two findings: small groups are test_small_groups' concern
    finding = make_finding(world, state="rectifying", title="挂账款项清理不及时")
    make_finding(world, state="closed")
    for username in ("gov", "committee", "congress"):
        client.logout()
        client.login(username=username, password=PASSWORD)
        response = client.get("/dashboard/", {"q": "不存在的词"})
        data = response.context["data"]
        assert data["figures"]["total"] == 2, username  # the text filter is not applied
        assert data["top_overdue"] == [] and response.context["clickable"] is False
        html = response.content.decode()
        assert finding.ledger_number not in html and finding.title not in html


def test_the_dashboard_lists_no_department_and_keeps_the_one_chosen(client, world):
    """A province holds thousands of competent departments: the filter is a picker that searches as one
    types, its select holding the chosen department only (the page's size does not grow with the data)."""
    from rectify.organizations.choices import OrganizationKind
    from rectify.testing import OrganizationFactory

    other = OrganizationFactory(
        name="甲区另一主管部门", kind=OrganizationKind.COMPETENT_DEPARTMENT, jurisdiction=world.district_a
    )
    client.login(username="auditor", password=PASSWORD)
    html = client.get("/dashboard/").content.decode()
    assert 'data-testid="picker-department"' in html and other.name not in html
    chosen = client.get(f"/dashboard/?department={world.dept.pk}").content.decode()
    assert f'<option value="{world.dept.pk}" selected>{world.dept.name}</option>' in chosen
    assert other.name not in chosen
