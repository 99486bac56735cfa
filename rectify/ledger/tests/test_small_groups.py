"""Small groups in figures (issue 11, defect 12): the committee's dashboard filtered to one year, one
department and one kind showed a single finding's unit and amount. Figures-only roles now get no group
smaller than RECTIFY_MIN_GROUP_SIZE; a note says what was left out."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import override_settings

from rectify.ledger.small_groups import suppress_small_groups
from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db

SINGLE_AMOUNT = Decimal("987654.32")


@pytest.fixture
def findings(world):
    """Four findings at the department's first school, one phased one (with a telling amount) at its
    second school, and three at the transport bureau (no department)."""
    for i in range(4):
        make_finding(world, "issued", title=f"第一中学问题{i}", kind="immediate")
    lonely = make_finding(world, "issued", unit=world.sibling_unit, kind="phased", amount_involved=SINGLE_AMOUNT,
                          title="第二中学的唯一问题")  # fmt: skip
    for i in range(3):
        make_finding(world, "issued", unit=world.other_unit, kind="immediate", title=f"交通局问题{i}")
    return lonely


def dashboard(client, username, **filters):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    response = client.get("/dashboard/", filters)
    assert response.status_code == 200
    return response


def test_the_issues_example_one_year_one_department_one_kind_shows_nothing_of_the_single_finding(
    client, world, findings
):
    filters = {"year": 2025, "department": world.dept.pk, "kind": "phased"}
    for username in ("committee", "gov", "congress"):
        response = dashboard(client, username, **filters)
        data = response.context["data"]
        html = response.content.decode()
        assert data["suppressed_all"] is True
        assert data["figures"]["total"] is None and data["figures"]["amount_involved"] is None
        shown = json.dumps(data, ensure_ascii=False)
        assert world.sibling_unit.name not in shown and world.sibling_unit.name not in html.split("<select")[0]
        assert "987654" not in html and "98.77" not in html  # neither in yuan nor in 万元
        assert "少于3条，不予显示" in html and 'data-testid="small-group-note"' in html
    # Those who see the rows see the finding itself anyway: their dashboard is not suppressed.
    data = dashboard(client, "auditor", **filters).context["data"]
    assert data["figures"]["total"] == 1 and Decimal(data["figures"]["amount_involved"]) == SINGLE_AMOUNT


def test_small_groups_are_left_out_of_each_breakdown_with_a_note(client, world, findings):
    data = dashboard(client, "committee").context["data"]
    assert data["figures"]["total"] == 8  # the whole selection is large enough
    units = {row["label"]: row["total"] for row in data["by_unit"]}
    # The second school's one finding is left out, and with it the next smallest unit (3): otherwise the
    # total minus the units shown would give the one.
    assert units == {world.unit.name: 4}
    assert all(row["total"] >= 3 for name in ("by_year", "by_category", "by_department") for row in data[name])
    assert "少于3条，不予显示" in data["suppressed_note"]
    assert "第二中学" not in json.dumps(data["by_unit"], ensure_ascii=False)


def test_the_threshold_is_configurable(client, world, findings, settings):
    settings.RECTIFY_MIN_GROUP_SIZE = 1
    data = dashboard(client, "committee", year=2025, department=world.dept.pk, kind="phased").context["data"]
    assert data["figures"]["total"] == 1 and not data["suppressed_note"]
    settings.RECTIFY_MIN_GROUP_SIZE = 10
    data = dashboard(client, "committee").context["data"]
    assert data["suppressed_all"] is True and "少于10条，不予显示" in data["suppressed_note"]


def test_the_workbench_of_a_figures_only_role_shows_no_figures_of_too_few_findings(client, world):
    make_finding(world, "issued", amount_involved=SINGLE_AMOUNT)
    client.login(username="committee", password=PASSWORD)
    response = client.get("/workbench/")
    html = response.content.decode()
    assert response.context["figures"] is None and "少于3条，不予显示" in html and "987654" not in html


def test_groups_left_out_never_add_up_to_a_small_group_that_the_total_would_reveal():
    data = {
        "figures": {"total": 9},
        "by_year": [{"total": 5}, {"total": 3}, {"total": 1}],  # 9 - 5 - 3 would reveal the 1
        "by_category": [{"total": 4}, {"total": 4}, {"total": 1}],
        "by_unit": [], "by_department": [], "by_state": [{"value": 9}],
        "by_colour": [{"value": 7}, {"value": 2}, {"value": 0}],
        "amounts": {}, "top_overdue": [],
    }  # fmt: skip
    out = suppress_small_groups(data, 3)
    assert out["by_year"] == [{"total": 5}]  # the 1, then the smallest other (3), so 4 are left out
    assert out["by_category"] == [{"total": 4}]  # the 1 and one 4
    assert [c["value"] for c in out["by_colour"]] == [0, 0, 0]  # 2 left out, then 7 to cover it
    assert out["by_state"] == [{"value": 9}]


def test_the_workbench_overview_shows_no_small_group_to_figures_only_roles(client, world, findings):
    """The committee's workbench lists overdue findings by unit: the second school's one overdue finding
    is not shown, nor (so that it cannot be worked out from the total) the next smallest group."""
    client.logout()
    assert client.login(username="committee", password=PASSWORD)
    response = client.get("/workbench/")
    overview = response.context["overview"]
    by_unit = {row["label"]: row["overdue"] for row in overview["by_unit"]}
    assert by_unit == {world.unit.name: 4}
    html = response.content.decode()
    assert world.sibling_unit.name not in html.split('data-testid="overview"')[1]
    assert 'data-testid="overview-suppressed-note"' in html and "少于3条，不予显示" in html
    # With groups of one allowed, the same page shows every unit's count.
    with override_settings(RECTIFY_MIN_GROUP_SIZE=1):
        by_unit = {row["label"]: row["overdue"] for row in client.get("/workbench/").context["overview"]["by_unit"]}
    assert by_unit == {world.unit.name: 4, world.sibling_unit.name: 1, world.other_unit.name: 3}
