"""The accountability mechanisms walked role by role on the demo district, in a real browser, through the
pages people use: the audit leader approves an interview proposal and schedules it, the unit head finds it
on the workbench; the auditor drafts a referral to the discipline commission, the leader approves and sends
it, the discipline officer finds it on the workbench, acknowledges it and reports the outcome; the
committee officer records a supervised matter assigned to the demo unit, which finds it on its workbench;
the congress officer sees the matters and the answers owed; the inspector reads its subscribed unit
without a way to change it and exports the inspection package. Each step checks the page's confirmation.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from rectify.accounts.models import User
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.interviews import services as interviews
from rectify.interviews.choices import Ground, InterviewState
from rectify.interviews.models import Interview
from rectify.referrals.models import Referral
from rectify.sharing.choices import SubscriptionState
from rectify.sharing.models import Subscription
from rectify.supervision.models import SupervisedMatter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FINDINGS = 200
ZIP = b"PK\x03\x04"  # .xlsx and .docx are zip files


@pytest.fixture(autouse=True)
def _settle(page: Page):
    """No request left in flight when the test ends: the database is flushed right after."""
    yield
    page.goto("about:blank")
    page.wait_for_timeout(300)


@pytest.fixture
def demo(live_server, settings, tmp_path):
    from rectify.accounts.reference import ensure_roles
    from rectify.demo.services import load_demo
    from rectify.findings.reference import ensure_reference_data

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RECTIFY_DEMO_MODE = True  # the demo accounts sign in with their password (make run)
    ensure_roles()  # the transactional tests before this one flushed the migrations' reference data
    ensure_reference_data()
    load_demo(findings=FINDINGS)
    return live_server.url


def login(page: Page, base: str, username: str) -> None:
    page.goto("about:blank")  # ends any navigation still under way before the session is dropped
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.RECTIFY_DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/workbench/$"))


def confirmed(page: Page, text: str) -> None:
    expect(page.locator(".alert-success")).to_contain_text(text)


def export(page: Page, link: Locator) -> bytes:
    """The file behind an export link: downloaded at once, or (a background job) from the page that says it
    is queued, once that page offers the file."""
    downloads = []

    def started(download) -> None:
        downloads.append(download)

    page.on("download", started)
    try:
        with page.expect_response(lambda r: r.request.is_navigation_request()) as answered:
            link.click()
        disposition = answered.value.headers.get("content-disposition") or ""
        if "attachment" in disposition:
            download = downloads[0] if downloads else page.wait_for_event("download")
        else:
            expect(page.locator("main, body").first).to_contain_text(re.compile("排队|队列|生成|就绪|完成|下载"))
            ready = page.get_by_role("link", name=re.compile("下载"))
            for _attempt in range(20):  # the job page shows the link once the file is made
                try:
                    expect(ready.first).to_be_visible(timeout=3000)
                    break
                except AssertionError:
                    page.reload()
            with page.expect_download() as clicked:
                ready.first.click()
            download = clicked.value
    finally:
        page.remove_listener("download", started)
    with open(download.path(), "rb") as handle:
        return handle.read()


def test_the_accountability_mechanisms_role_by_role(page: Page, demo):
    base = demo
    page.set_default_timeout(20_000)
    users = {u.username: u for u in User.objects.filter(username__in=["auditor", "unithead", "discipline", "unit"])}
    unit = users["unithead"].organization
    today = timezone.localdate()

    # --- the audit leader approves an interview proposal of the demo unit and schedules it -------------
    proposal = Interview.objects.filter(unit=unit, state=InterviewState.PROPOSED).order_by("pk").first()
    if proposal is None:  # a smaller district than the default: the rules' proposal for one of its findings
        finding = Finding.objects.filter(unit=unit, state=FindingState.RECTIFYING).exclude(interviews__isnull=False)
        proposal = interviews.propose(finding.first(), Ground.NOT_RECTIFIED, basis="核实认定未整改2次。")
    login(page, base, "auditlead")
    page.goto(f"{base}/interviews/{proposal.pk}/")
    expect(page.get_by_test_id("interview-state")).to_have_text("建议约谈")
    page.get_by_test_id("decide").click()
    page.get_by_label("同意约谈").check()
    page.get_by_label("决定意见").fill("逾期未整改且无正当理由，约谈单位主要负责人。")
    page.get_by_role("button", name="决定是否约谈").click()
    confirmed(page, "已决定：同意约谈。")
    expect(page.get_by_test_id("interview-state")).to_have_text("同意约谈")
    page.get_by_test_id("schedule").click()
    meeting = today + datetime.timedelta(days=9)
    page.get_by_label("约谈时间").fill(f"{meeting.isoformat()}T10:30")
    page.get_by_label("约谈地点").fill("区审计局五楼约谈室")
    page.get_by_label("参加人员").fill("王建国 区审计局副局长\n陈晓梅 区审计局审计一科科长")
    page.get_by_role("button", name="安排约谈").click()
    confirmed(page, "已安排约谈")
    expect(page.get_by_test_id("interview-state")).to_have_text("已安排")

    # --- the unit head sees the interview on the workbench ----------------------------------------------
    login(page, base, "unithead")
    scheduled = page.get_by_test_id("unit-interview").filter(has_text="区审计局五楼约谈室")
    expect(scheduled).to_contain_text(f"{meeting.isoformat()} 10:30")
    expect(scheduled).to_contain_text("已安排")

    # --- the auditor refers a case to the discipline commission; the leader approves and sends it -------
    cited = (
        Finding.objects.filter(project__audit_office=users["auditor"].organization, state=FindingState.RECTIFYING)
        .exclude(referrals__isnull=False)
        .order_by("ledger_number")
        .first()
    )
    commission = users["discipline"].organization
    title = f"关于提请追责{cited.unit.short_name}拒不整改问题的函（演示）"
    login(page, base, "auditor")
    page.goto(f"{base}/referrals/new/")
    page.get_by_label("受理机关").select_option(label=commission.name)
    page.get_by_label("移送事由").select_option(label="拒绝整改")
    page.get_by_label("引用的问题").fill(cited.ledger_number)
    page.get_by_label("标题").fill(title)
    page.get_by_label("主要事实").fill("该单位对审计整改通知书要求的事项拒不整改，经多次督促仍未制定整改方案。")
    page.get_by_role("button", name="起草").click()
    confirmed(page, f"已起草「{title}」")
    expect(page.get_by_test_id("referral-state")).to_have_text("起草中")
    referral = Referral.objects.get(title=title)
    login(page, base, "auditlead")
    page.goto(f"{base}/referrals/{referral.pk}/")
    page.get_by_test_id("step-approve").click()
    page.get_by_role("button", name="审批同意").click()
    confirmed(page, "已审批同意")
    page.get_by_test_id("step-send").click()
    page.get_by_role("button", name="移送").click()
    confirmed(page, "已移送")

    # --- the discipline officer finds it on the workbench, acknowledges it and reports the outcome ------
    login(page, base, "discipline")
    page.get_by_test_id("referrals-awaiting").get_by_role("link", name=title).click()
    expect(page.get_by_test_id("referral-title")).to_have_text(title)
    expect(page.get_by_test_id("cited-findings")).to_contain_text(cited.ledger_number)
    page.get_by_test_id("step-acknowledge").click()
    page.get_by_role("button", name="签收").click()
    confirmed(page, "已签收")
    expect(page.get_by_test_id("referral-state")).to_have_text("已签收")
    page.get_by_test_id("step-conclude").click()
    page.get_by_label("处理日期").fill(today.isoformat())
    page.get_by_label("处理结果").fill("经调查核实，对相关责任人员作出处理。")
    page.get_by_label("处理人员").fill("张某某，财务科科长，批评教育")
    page.get_by_role("button", name="反馈处理结果").click()
    confirmed(page, "已反馈处理结果")
    expect(page.get_by_test_id("referral-state")).to_have_text("已反馈结果")
    expect(page.locator("main, body").first).to_contain_text("张某某")

    # --- the committee officer records a supervised matter and assigns it to the demo unit --------------
    matter_title = "督促区人民医院限期完成往来款清理（演示）"
    due = today + datetime.timedelta(days=30)
    login(page, base, "committee")
    page.goto(f"{base}/supervision/new/")
    page.get_by_label("事项来源").select_option(label="审计委员会会议议定事项")
    page.get_by_label("事项名称").fill(matter_title)
    page.get_by_label("议定事项或批示内容").fill("区委审计委员会会议议定：限期完成往来款清理，整改情况报区委审计办。")
    page.get_by_label("会议名称").fill("区委审计委员会第六次会议")
    page.get_by_label("会议日期").fill((today - datetime.timedelta(days=2)).isoformat())
    page.get_by_label("承办单位").select_option(label=unit.name)
    page.get_by_label("办理期限").fill(due.isoformat())
    page.get_by_role("button", name=re.compile("登记|保存|交办")).click()
    confirmed(page, f"已登记督办事项「{matter_title}」并交办承办单位。")
    assert SupervisedMatter.objects.filter(title=matter_title, assignments__organization=unit).exists()

    # --- the assigned organization sees it --------------------------------------------------------------
    login(page, base, "unit")
    owed = page.get_by_test_id("supervision-owed").get_by_test_id("owed-part").filter(has_text=matter_title)
    expect(owed).to_have_count(1)
    expect(page.get_by_test_id("supervision-owed")).to_contain_text(due.isoformat())

    # --- the congress officer sees the matters and the answers owed --------------------------------------
    login(page, base, "congress")
    office = page.get_by_test_id("congress-office")
    expect(office.get_by_test_id("congress-question").first).to_be_visible()
    expect(office).to_contain_text("逾期")  # the demo's special inquiry has an answer owed past its date
    page.goto(f"{base}/congress/")
    expect(page.locator("main, body").first).to_contain_text("关于审计查出问题整改情况的专题询问")

    # --- the inspector reads its subscribed unit, read-only, and exports the inspection package ----------
    subscription = Subscription.objects.get(unit=unit, state=SubscriptionState.APPROVED)
    login(page, base, "inspector")
    panel = page.get_by_test_id("sharing-panel")
    expect(panel).to_contain_text("已同意")
    panel.locator(f"a[href='/sharing/{subscription.pk}/']").click()
    expect(page.get_by_test_id("subscription-state")).to_have_text("已同意")
    expect(page.get_by_test_id("approve")).to_have_count(0)
    page.get_by_test_id("subscribed-findings").click()
    expect(page.locator("tr.ledger-row").first).to_be_visible()
    expect(page.locator("tr.ledger-row").first).to_contain_text(unit.name)
    page.locator("tr.ledger-row a[href*='/findings/']").first.click()
    expect(page).to_have_url(re.compile(r"/findings/\d+/$"))
    expect(page.get_by_test_id("finding-state")).to_be_visible()
    expect(page.get_by_test_id("action")).to_have_count(0)  # sees it, and is offered nothing to do to it
    page.goto(f"{base}/sharing/{subscription.pk}/")
    page.get_by_test_id("package").click()
    page.get_by_test_id("request-package").click()  # built by a background job; the page follows it
    expect(page.get_by_test_id("package-status")).to_have_attribute("data-status", "done", timeout=30000)
    package_page = page.url
    assert export(page, page.get_by_test_id("package-xlsx")).startswith(ZIP)
    page.goto(package_page)
    assert export(page, page.get_by_test_id("package-docx")).startswith(ZIP)
