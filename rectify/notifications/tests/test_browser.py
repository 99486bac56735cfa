"""The inbox in a real browser: the auditor issues a finding, the unit sees it in the header and opens it."""

import re

import pytest
from playwright.sync_api import Page, expect

from rectify.findings import services as findings
from rectify.findings.tests.test_browser import Console, _settle, login  # noqa: F401 (fixture)
from rectify.testing import build_world, make_finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_issued_finding_reaches_the_units_inbox(page: Page, live_server, screenshots):
    world = build_world()
    base = live_server.url
    console = Console(page)
    finding = make_finding(world, "draft")
    findings.issue_finding(world["auditor"], finding)  # committed: the bus notifies through the queue

    login(page, base, "unit")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.get_by_test_id("inbox-link").click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    item = page.get_by_test_id("notification")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"新下达整改问题 {finding.ledger_number}")
    page.screenshot(path=screenshots / "inbox-unit.png", full_page=True)
    item.get_by_role("button", name="查看").click()
    expect(page).to_have_url(re.compile(rf"/findings/{finding.pk}/$"))
    expect(page.get_by_test_id("unread-count")).to_have_count(0)

    # The preferences page keeps the person's choice and says so.
    page.goto(f"{base}/notifications/preferences/")
    page.get_by_label("短信").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("通知设置已保存。")).to_be_visible()
    expect(page.get_by_label("短信")).to_be_checked()
    expect(page.get_by_label("站内消息")).to_be_disabled()
    assert console.unexpected() == []
