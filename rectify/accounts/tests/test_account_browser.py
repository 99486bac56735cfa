"""A new colleague's account, from nothing to a first sign-in, in a real browser, through the three
administrators' pages: the system administrator creates the account (a mistake first, kept and
explained), the security administrator grants the role and asks for a password reset, the system
administrator approves it and reads the one-time password once, and the colleague signs in with it
and must set a password of their own before anything else."""

import re

import pytest
from playwright.sync_api import Page, expect

from rectify.accounts.models import User
from rectify.findings.tests.test_browser import Console, _settle, login  # noqa: F401 (fixture)
from rectify.testing import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_colleague_is_onboarded_by_two_administrators(page: Page, live_server, screenshots):
    world = build_world()
    base = live_server.url
    console = Console(page)

    login(page, base, "sysadmin")
    page.get_by_test_id("nav-accounts").click()
    expect(page).to_have_url(re.compile(r"/manage/accounts/$"))
    page.get_by_test_id("create-account").click()
    page.get_by_label("用户名").fill("newcomer")
    page.get_by_label("姓名").fill("新同事")
    page.get_by_role("button", name="保存").click()  # no organization chosen yet
    expect(page.locator(".invalid-feedback")).to_be_visible()
    expect(page.get_by_label("姓名")).to_have_value("新同事")  # what was typed is kept
    page.get_by_label("所属单位").select_option(label=str(world.unit))
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已新建账号「newcomer」")
    page.screenshot(path=screenshots / "account-created.png", full_page=True)

    login(page, base, "secadmin")
    page.get_by_test_id("nav-accounts").click()
    page.get_by_placeholder("用户名、姓名、单位").fill("newcomer")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name="newcomer").click()
    page.get_by_test_id("grant-roles").click()
    page.get_by_label("整改联络员").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("角色已保存")
    expect(page.get_by_test_id("roles")).to_contain_text("整改联络员")
    page.get_by_test_id("request-reset").click()
    expect(page.get_by_label("用户名")).to_have_value("newcomer")
    page.get_by_label("重置原因").fill("新入职，首次设置密码。")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".alert-success")).to_contain_text("须由另一名管理员批准")

    login(page, base, "sysadmin")
    page.get_by_test_id("nav-password-resets").click()
    page.get_by_test_id("pending-resets").get_by_role("button", name="批准").click()
    one_time = page.get_by_test_id("one-time-password").inner_text().strip()
    assert len(one_time) >= 16

    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("newcomer")
    page.get_by_label("密码").fill(one_time)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/change/"))
    page.goto(f"{base}/ledger/")  # nothing else before a password of one's own
    expect(page).to_have_url(re.compile(r"/accounts/password/change/"))
    page.locator("#id_old_password").fill(one_time)
    page.locator("#id_new_password1").fill("Rectify-Newcomer-2026")
    page.locator("#id_new_password2").fill("Rectify-Newcomer-2026")
    page.get_by_role("button", name="保存新密码").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/password/change/"))
    page.goto(f"{base}/workbench/")
    expect(page.get_by_test_id("current-user")).to_contain_text("新同事")
    newcomer = User.objects.get(username="newcomer")
    assert not newcomer.must_change_password and newcomer.role_codes == {"unit_contact"}
    assert console.unexpected() == []
