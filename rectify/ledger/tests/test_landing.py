"""Every role lands somewhere useful (issue 8): the bodies that use the results see what they may use
now, at the detail they may see; the administrators get their own page without business data; the
header offers the ledger only to those who see its rows."""

import datetime

import pytest
import time_machine

from rectify.audits.choices import AuditType
from rectify.testing import PASSWORD, make_finding, make_project

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 10, 15, 9, 0, tzinfo=datetime.UTC)


def landing(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    response = client.get("/workbench/")
    assert response.status_code == 200
    return response, response.content.decode()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("username", ["committee", "gov", "congress"])
def test_figure_only_roles_see_overdue_and_repeats_by_unit_and_category_without_rows(client, world, username, settings):
    settings.RECTIFY_MIN_GROUP_SIZE = 1  # groups of one shown here; their suppression: test_small_groups.py
    last_year = make_project(world, world.office_a, [world.unit], AuditType.BUDGET_EXECUTION, year=2024)
    earlier = make_finding(world, state="closed", project=last_year, title="以往问题")
    make_finding(world, state="rectifying", deadline=datetime.date(2025, 10, 1), title="逾期未整改的问题")
    make_finding(world, state="issued", deadline=datetime.date(2025, 12, 31), repeats=[earlier], title="再次发生")
    response, html = landing(client, username)
    overview = response.context["overview"]
    assert overview["by_unit"] == [{"label": world.unit.name, "overdue": 1, "repeat": 1}]
    assert overview["by_category"][0]["overdue"] == 1 and overview["by_category"][0]["repeat"] == 1
    assert 'data-testid="role-guide"' in html
    # Counts, not rows: no finding's summary, no link to a finding or to the ledger.
    assert "逾期未整改的问题" not in html and "再次发生" not in html
    assert "/findings/" not in html and "/ledger/" not in html
    assert "上方" not in html


@time_machine.travel(NOW, tick=False)
def test_the_organization_department_lands_on_its_cadre_audits_with_links_to_the_ledger(client, world):
    make_finding(world, state="rectifying", project=world.cadre_project, deadline=datetime.date(2025, 10, 1))
    make_finding(world, state="rectifying", deadline=datetime.date(2025, 10, 1))  # budget audit: not its own
    response, html = landing(client, "orgdept")
    rows = response.context["overview"]["by_unit"]
    assert [(row["label"], row["overdue"]) for row in rows] == [(world.unit.name, 1)]
    assert f"/ledger/?unit={world.unit.pk}&amp;colour=red" in html
    assert 'data-testid="nav-ledger"' in html and 'data-testid="role-guide"' in html


def test_the_discipline_commission_is_told_what_it_will_see_and_pointed_to_nothing_absent(client, world):
    make_finding(world, state="issued")
    response, html = landing(client, "discipline")
    assert "纪委监委" in html and "移送" in html
    assert "上方" not in html
    assert response.context["overview"] is None and response.context["figures"] is None
    assert 'data-testid="nav-ledger"' not in html and 'data-testid="nav-dashboard"' not in html


@pytest.mark.parametrize(
    ("username", "link"),
    [("sysadmin", "/manage/accounts/"), ("secadmin", "/manage/accounts/"), ("logaudit", "/security-log/")],
)
def test_each_administrator_has_a_page_of_its_own_without_business_data(client, world, username, link):
    make_finding(world, state="issued", title="往来款长期挂账未清理")
    if username in ("sysadmin", "secadmin"):  # staff, as the demo makes them
        world[username].is_staff = True
        world[username].save(update_fields=["is_staff"])
    _response, html = landing(client, username)
    assert 'data-testid="role-guide"' in html and "不查看整改业务数据" in html
    assert "往来款" not in html and 'data-testid="figures"' not in html
    assert 'data-testid="nav-ledger"' not in html and 'data-testid="nav-dashboard"' not in html
    assert "上方" not in html
    if link:
        assert f'href="{link}" data-testid="admin-link"' in html


@pytest.mark.parametrize(("username", "ledger", "dashboard"), [
    ("auditor", True, True), ("unit", True, True), ("dept", True, True), ("gov", False, True),
    ("discipline", False, False), ("logaudit", False, False),
])  # fmt: skip
def test_the_header_offers_the_ledger_only_to_those_who_see_its_rows(client, world, username, ledger, dashboard):
    _response, html = landing(client, username)
    assert ('data-testid="nav-ledger"' in html) is ledger
    assert ('data-testid="nav-dashboard"' in html) is dashboard


# The administrators are refused the ledger outright (403; rectify/accounts/tests/test_separation.py).
@pytest.mark.parametrize("username", ["gov", "committee", "congress", "discipline"])
def test_a_role_that_sees_no_rows_is_sent_from_the_ledger_to_its_workbench(client, world, username):
    from rectify.testing import PASSWORD

    assert client.login(username=username, password=PASSWORD)
    response = client.get("/ledger/", follow=True)
    assert response.redirect_chain == [("/workbench/", 302)]
    assert "整改台账对您为空" in response.content.decode()


def test_a_role_that_sees_rows_keeps_its_ledger(client, world):
    from rectify.testing import PASSWORD

    for username in ("auditor", "unit", "dept", "orgdept", "finance"):
        assert client.login(username=username, password=PASSWORD)
        assert client.get("/ledger/").status_code == 200, username


@time_machine.travel(NOW, tick=False)
def test_the_overview_lists_the_units_with_most_overdue_findings_and_says_how_many_more(
    client, world, settings, monkeypatch
):
    """A province has thousands of units with an overdue finding: the overview lists the first few."""
    from rectify.ledger import landing as landing_module

    settings.RECTIFY_MIN_GROUP_SIZE = 1
    monkeypatch.setattr(landing_module, "OVERVIEW_UNITS", 1)
    for _ in range(2):
        make_finding(world, state="rectifying", deadline=datetime.date(2025, 10, 1))
    make_finding(world, state="rectifying", deadline=datetime.date(2025, 10, 1), unit=world.sibling_unit)
    response, html = landing(client, "gov")
    assert response.context["overview"]["by_unit"] == [{"label": world.unit.name, "overdue": 2, "repeat": 0}]
    assert response.context["overview"]["more_units"] == 1
    assert "另有 1 个单位有逾期或屡审屡犯问题，未列出" in html
