"""A ledger picker in Chromium: the auditor types part of a unit's name, picks it from what the search
offers, and the ledger shows that unit's findings only, with the unit kept in the address."""

import re

import pytest
from playwright.sync_api import Page, expect

from rectify.testing import PASSWORD, build_world, make_finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _settle(page: Page):
    yield
    page.goto("about:blank")
    page.wait_for_timeout(300)


def sign_in(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("auditor")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/workbench/$"))


def test_typing_in_the_unit_picker_and_choosing_filters_the_ledger(page: Page, live_server, screenshots):
    world = build_world()
    make_finding(world, "issued", title="本单位的问题")
    make_finding(world, "issued", unit=world.sibling_unit, title="二中的问题")
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/ledger/")
    expect(page.locator("tr.ledger-row")).to_have_count(2)

    picker = page.get_by_test_id("picker-unit")
    picker.get_by_role("searchbox").fill("二中")
    select = picker.locator("select")
    expect(select.locator("option", has_text=world.sibling_unit.name)).to_have_count(1)
    expect(select.locator("option", has_text=world.unit.name)).to_have_count(0)
    select.select_option(str(world.sibling_unit.pk))
    expect(page).to_have_url(re.compile(rf"unit={world.sibling_unit.pk}"))
    expect(page.locator("tr.ledger-row")).to_have_count(1)
    expect(page.locator("tr.ledger-row")).to_contain_text("二中的问题")
    page.screenshot(path=str(screenshots / "ledger-unit-picker.png"), full_page=True)

    page.reload()  # the chosen unit is kept, named, in the picker
    expect(page.get_by_test_id("picker-unit").locator("select option:checked")).to_have_text(world.sibling_unit.name)


def test_the_dashboard_department_picker_searches_and_filters_the_charts(page: Page, live_server, screenshots):
    world = build_world()
    make_finding(world, "issued", title="部门下属单位的问题")
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/dashboard/")

    picker = page.get_by_test_id("picker-department")
    picker.get_by_role("searchbox").fill(world.dept.name[-4:])
    select = picker.locator("select")
    expect(select.locator("option", has_text=world.dept.name)).to_have_count(1)
    select.select_option(str(world.dept.pk))
    page.get_by_test_id("dashboard-filters").get_by_role("button", name="统计").click()
    expect(page).to_have_url(re.compile(rf"department={world.dept.pk}"))
    expect(page.locator('[data-testid="dashboard-figures"] [data-figure="total"]')).to_have_text("1")
    expect(page.get_by_test_id("picker-department").locator("select option:checked")).to_have_text(world.dept.name)
    page.screenshot(path=str(screenshots / "dashboard-department-picker.png"), full_page=True)
