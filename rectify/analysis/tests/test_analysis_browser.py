"""The analysis page in Chromium: each ECharts chart is drawn with the same rows as the table beside it,
units' long names are cut to the axis and given whole in the tooltip, and the page raises no script error."""

import re

import pytest
from playwright.sync_api import Page, expect

from rectify.analysis import services
from rectify.findings import services as findings
from rectify.testing import PASSWORD, build_world, make_finding, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "中共重庆市黔江区纪律检查委员会重庆市黔江区监察委员会派驻机构综合保障中心"

OPTIONS = """id => {
  const option = echarts.getInstanceByDom(document.getElementById(id)).getOption();
  return {series: option.series.map(s => s.data.length), categories: option.yAxis[0].data || [],
          label: option.yAxis[0].axisLabel};
}"""


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/workbench/$"))


@pytest.fixture(autouse=True)
def _settle(page: Page):
    yield
    page.goto("about:blank")
    page.wait_for_timeout(300)


def test_the_charts_draw_what_the_tables_list(page: Page, live_server, screenshots):
    world = build_world()
    world.unit.name = LONG_NAME
    world.unit.save()
    old = make_project(world, world.office_a, [world.unit, world.sibling_unit], "budget_execution", year=2024)
    earlier = make_finding(world, "closed", project=old, title="挪用专项资金用于日常开支")
    make_finding(world, "issued", project=old, unit=world.sibling_unit, title="公务接待超标准")
    later = make_finding(world, "rectifying", title="专项资金未按规定用途使用")
    make_finding(world, "issued", unit=world.sibling_unit, title="往来款长期挂账")
    findings.link_repeats(world["auditor"], later, [earlier])
    services.rebuild()
    services.compute_clusters(world.district_a.pk)

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, "auditor")
    page.goto(f"{live_server.url}/analysis/")
    for chart in ("chart-year", "chart-unit", "chart-heat"):
        expect(page.locator(f"#{chart} canvas").first).to_be_visible()
    page.screenshot(path=str(screenshots / "analysis.png"), full_page=True)

    years = page.locator('[data-testid="by-year"] tbody tr').count()
    units = page.locator('[data-testid="by-unit"] tbody tr').all_inner_texts()
    by_year = page.evaluate(OPTIONS, "chart-year")
    assert years >= 2 and by_year["series"] == [years, years]
    by_unit = page.evaluate(OPTIONS, "chart-unit")
    assert by_unit["series"] == [len(units)]
    assert LONG_NAME in by_unit["categories"] and any(LONG_NAME in row for row in units)
    assert by_unit["label"]["overflow"] == "truncate" and by_unit["label"]["width"] <= 200
    heat = page.evaluate(OPTIONS, "chart-heat")
    assert heat["series"] and heat["series"][0] > 0
    # The district's cluster once: the competent department's restatement of it is not listed beside it.
    assert page.locator('[data-testid="top-clusters"] li').count() == 1
    assert not errors


def test_the_finding_page_loads_its_similar_findings_beside_it(page: Page, live_server):
    """The finding page holds the panel's place; the similar earlier findings arrive after it, by htmx, and
    their links open them."""
    world = build_world()
    old = make_project(world, world.office_a, [world.unit], "budget_execution", year=2024)
    earlier = make_finding(world, "closed", project=old, title="挪用专项资金用于日常开支")
    later = make_finding(world, "rectifying", title="专项资金未按规定用途使用")
    services.rebuild()

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server.url, "auditor")
    page.goto(f"{live_server.url}{later.get_absolute_url()}")
    panel = page.locator('[data-testid="finding-similar"]')
    expect(panel).to_contain_text(earlier.ledger_number)
    expect(page.locator('[data-testid="finding-similar-pending"]')).to_have_count(0)
    panel.get_by_role("link", name=earlier.ledger_number).click()
    expect(page).to_have_url(re.compile(rf"{earlier.get_absolute_url()}$"))
    assert errors == []
