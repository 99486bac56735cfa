"""The ledger on a 1366×768 screen (issue 8): ledger numbers, numbers, dates and states never wrap;
the summary is cut short with its full text on hover; no text column stacks one character per line."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from rectify.testing import PASSWORD, build_world, make_finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = "单位未按规定将应缴财政的非税收入及时足额上缴国库，长期滞留在单位银行账户并用于弥补公用经费缺口的问题"

# How many lines the text of each cell takes (distinct line tops of its text).
LINES = """cells => cells.map(cell => {
  const tops = new Set();
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
  }
  return [cell.className, tops.size, cell.innerText];
})"""


@pytest.fixture(autouse=True)
def _settle(page: Page):
    yield
    page.goto("about:blank")
    page.wait_for_timeout(300)


def test_the_ledger_at_1366_by_768_wraps_no_number_date_state_or_ledger_number(page: Page, live_server, screenshots):
    world = build_world()
    for n in range(6):
        make_finding(
            world, state="rectifying", title=LONG_TITLE if n % 2 else f"往来款长期挂账未清理{n}",
            amount_involved="1234567.89", deadline=datetime.date(2025, 10, 1) + datetime.timedelta(days=n),
        )  # fmt: skip
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("auditor")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/workbench/$"))
    page.goto(f"{live_server.url}/ledger/?per_page=20")
    expect(page.locator("tr.ledger-row").first).to_be_visible()
    page.screenshot(path=str(screenshots / "ledger-1366.png"), full_page=True)

    cells = page.locator("tr.ledger-row td").evaluate_all(LINES)
    kept_whole = ("ledger_number", "year", "amount", "deadline", "colour_code", "state", "kind")
    wrapped = [(cls, lines, text) for cls, lines, text in cells if any(k in cls for k in kept_whole) and lines > 1]
    assert not wrapped
    stacked = [(cls, lines, text) for cls, lines, text in cells if ("unit" in cls or "category" in cls) and lines > 3]
    assert not stacked

    summary = page.locator("td.summary .summary-text", has_text="单位未按规定").first
    assert summary.get_attribute("title") == LONG_TITLE
    assert summary.evaluate("e => e.scrollWidth > e.clientWidth")  # cut short
    assert summary.evaluate("e => e.getClientRects().length") == 1

    # Every navigation label stays on one line, however many mechanisms the role's menu holds and however
    # long the user's organization is called.
    world.office_a.name = "中共重庆市黔江区纪律检查委员会重庆市黔江区监察委员会派驻审计局纪检监察组"
    world.office_a.save()
    page.goto(f"{live_server.url}/workbench/")
    labels = page.locator(".navbar .nav-link").evaluate_all(LINES)
    assert labels and not [(text, lines) for _cls, lines, text in labels if lines > 1]
    # The auditor's menu (every mechanism) is one row: the mechanisms are grouped under a few menus.
    page.screenshot(path=str(screenshots / "header-auditor-1366.png"))
    tops = page.locator(".navbar-nav > .nav-item").evaluate_all(
        "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    page.get_by_test_id("nav-analysis-menu").click()
    page.get_by_test_id("nav-analysis").click()
    expect(page).to_have_url(re.compile(r"/analysis/$"))
    page.screenshot(path=str(screenshots / "header-auditor-1366.png"))
