"""An announcement from draft to the public portal, in a real browser, on the demo district: the auditor
drafts the rectification announcement of a year's budget-execution findings, the audit leader approves
it, the auditor publishes it, and a member of the public finds it on /public/ (no sign-in), opens it,
switches to the care mode and finds nothing there that was not published."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from rectify.audits.choices import AuditType
from rectify.demo.tests.test_accountability_browser import _settle, confirmed, demo, login  # noqa: F401
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "浏览器走查：预算执行审计查出问题整改情况公告"


def test_an_announcement_goes_from_draft_to_the_public_portal(page: Page, demo: str, screenshots):  # noqa: F811
    base = demo
    year = (
        Finding.objects.filter(state=FindingState.CLOSED, disclosure="public", project__type=AuditType.BUDGET_EXECUTION)
        .order_by("-project__year")
        .values_list("project__year", flat=True)
        .first()
    )
    assert year is not None, "the demo has closed public budget-execution findings"

    login(page, base, "auditor")
    page.goto(f"{base}/announcements/")
    page.get_by_test_id("create-announcement").click()
    form = page.get_by_test_id("action-form")
    form.get_by_label("公开范围").select_option("public")
    form.get_by_label("标题").fill(TITLE)
    form.get_by_label("审计年度").fill(str(year))
    form.get_by_role("button", name="起草").click()
    confirmed(page, "已起草")
    expect(page.get_by_test_id("items")).to_be_visible()
    detail = page.url
    page.get_by_test_id("actions").get_by_role("link", name="报请审批").click()
    page.locator("main form, form[method=post]").last.get_by_role("button").first.click()
    confirmed(page, "已报请审批")

    login(page, base, "auditlead")
    page.goto(detail)
    page.get_by_test_id("actions").get_by_role("link", name="审批同意").click()
    page.locator("form[method=post]").last.get_by_role("button").first.click()
    confirmed(page, "已审批同意")

    login(page, base, "auditor")
    page.goto(detail)
    page.get_by_test_id("actions").get_by_role("link", name="发布").click()
    page.locator("form[method=post]").last.get_by_role("button").first.click()
    confirmed(page, "已发布")
    expect(page.get_by_test_id("announcement-state")).to_contain_text("已发布")
    page.screenshot(path=screenshots / "announcement-published.png", full_page=True)

    # The public: a fresh browser context, no cookie at all.
    public = page.context.browser.new_context(locale="zh-CN")
    visitor = public.new_page()
    visitor.goto(f"{base}/public/")
    listing = visitor.get_by_test_id("public-list")
    expect(listing).to_contain_text(TITLE)
    listing.get_by_role("link", name=TITLE).click()
    expect(visitor).to_have_url(re.compile(r"/public/announcements/\d+/"))
    expect(visitor.get_by_test_id("public-items")).to_be_visible()
    visitor.get_by_test_id("care-toggle").click()
    expect(visitor).to_have_url(re.compile(r"care=1"))
    expect(visitor.get_by_test_id("public-items")).to_be_visible()
    visitor.screenshot(path=screenshots / "public-announcement-care.png", full_page=True)
    text = visitor.locator("body").inner_text()
    for finding in Finding.objects.exclude(disclosure="public").only("title")[:200]:
        assert finding.title not in text
    assert public.cookies() == []  # the portal set no cookie
    public.close()
    assert settings.RECTIFY_DEMO_MODE
