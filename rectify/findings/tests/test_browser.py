"""The whole life of a finding in a real browser (Debian's Chromium), across roles.

Every page is checked for browser console errors (a Content Security Policy violation is one);
screenshots of the workbench, ledger, finding page and dashboard are saved under artifacts/.
"""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from rectify.findings.models import Finding
from rectify.testing import PASSWORD, PDF_BYTES, PNG_BYTES, build_world, make_finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Console:
    """Collects the browser's console errors and uncaught exceptions."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.expected: list[str] = []
        page.on("console", lambda m: self.errors.append(f"{m.text} @ {m.location}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(x in e for x in self.expected)]


@pytest.fixture(autouse=True)
def _settle(page: Page):
    """Leaves no request in flight when the test ends: the database is flushed right after, and a
    session saved by a late request (an image, the favicon) would break the flush."""
    yield
    page.goto("about:blank")
    page.wait_for_timeout(300)


@pytest.fixture
def world_live(live_server):
    return build_world()


def login(page: Page, base: str, username: str) -> None:
    # No request of the old session still in flight (a lazy thumbnail): its answer would set the old
    # session's cookie again after it is cleared, and the next sign-in would then end that session
    # under a request still using it.
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")  # ends any navigation still under way before the session is dropped
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/workbench/$"))


def test_lifecycle_across_roles_in_the_browser(page: Page, live_server, world_live, screenshots, tmp_path):
    world = world_live
    base = live_server.url
    console = Console(page)
    # A thumbnail still loading when the test signs in as someone else is answered 400 (its session has
    # just been ended by that sign-in): the browser's race, not the page's. Any other failure still counts.
    console.expected.append("status of 400 (Bad Request) @ {'url': '" + base + "/evidence/")
    project = world.project
    other_units_finding = make_finding(world, state="issued", unit=world.sibling_unit)
    steps = screenshots / "lifecycle"
    steps.mkdir(exist_ok=True)
    for old in steps.glob("*.png"):
        old.unlink()
    taken: list[str] = []

    def step(name: str) -> None:
        """A screenshot of every step of the life cycle, numbered in order (README: 截图)."""
        taken.append(name)
        page.screenshot(path=steps / f"{len(taken):02d}-{name}.png", full_page=True)

    # The auditor records a finding during fieldwork, from the project page.
    login(page, base, "auditor")
    page.goto(f"{base}{project.get_absolute_url()}")
    page.get_by_test_id("record-finding").click()
    page.get_by_label("整改责任单位").select_option(label=world.unit.name)
    page.get_by_label("问题摘要").fill("往来款长期挂账清理不及时")
    page.get_by_label("问题描述").fill("其他应收款中3笔共计12.5万元挂账超过三年未清理。")
    page.get_by_label("问题类别").select_option(str(world.category.pk))
    page.get_by_label("涉及金额（元）").fill("125000.00")
    page.get_by_label("整改要求").fill("清理长期挂账的往来款项\n建立往来款定期清理制度")
    step("auditor-records-a-finding")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("finding-state")).to_have_text("草稿")
    step("auditor-sees-the-draft")
    finding = Finding.objects.get(title="往来款长期挂账清理不及时")

    # … and issues the report with its number.
    page.goto(f"{base}{project.get_absolute_url()}")
    page.get_by_test_id("issue-project").click()
    page.get_by_label("审计报告文号").fill("甲审报〔2025〕7号")
    page.get_by_label("报告出具日期").fill("2025-06-30")
    step("auditor-issues-the-report")
    page.get_by_role("button", name="出具审计报告并下达问题").click()
    expect(page.get_by_text("已下达 1 个问题")).to_be_visible()
    step("auditor-sees-it-issued")

    # The unit plans and reports with two evidence files.
    login(page, base, "unit")
    page.screenshot(path=screenshots / "workbench-unit.png", full_page=True)
    expect(page.get_by_test_id("unread-count")).to_have_text("1")  # the issue reached the unit's inbox
    step("unit-workbench-with-a-new-finding")
    page.goto(f"{base}{finding.get_absolute_url()}")
    page.get_by_role("link", name="制定整改方案").click()
    page.get_by_label("整改措施").fill("逐笔核对挂账款项，联系债务人收回或按规定核销")
    page.locator("#id_responsible_person").fill("王五")
    page.get_by_label("计划完成时间").fill("2099-12-31")  # after the deadline: warned at once
    expect(page.get_by_test_id("plan-late-warning")).to_be_visible()
    step("unit-plan-warned-past-the-deadline")
    page.get_by_label("计划完成时间").fill("2025-07-25")
    expect(page.get_by_test_id("plan-late-warning")).to_be_hidden()
    page.get_by_role("button", name="制定整改方案").click()
    expect(page.get_by_test_id("finding-state")).to_have_text("整改中")
    step("unit-plan-submitted")

    evidence_png = tmp_path / "收款凭证.png"
    evidence_png.write_bytes(PNG_BYTES)
    evidence_pdf = tmp_path / "清理情况说明.pdf"
    evidence_pdf.write_bytes(PDF_BYTES)

    def report(amount: str, refused_first: bool = False) -> None:
        page.goto(f"{base}{finding.get_absolute_url()}")
        page.get_by_role("link", name="报送整改情况").click()
        page.get_by_label("整改措施").fill("已清理挂账款项")
        page.get_by_label("整改进展").fill("已收回 2 笔，核销 1 笔")
        if refused_first:  # more than the amount involved, unexplained: refused, the files are kept
            page.get_by_label("调整账务（元）").fill("999999.00")
            page.locator("input[type=file][data-upload]").set_input_files([evidence_png, evidence_pdf])
            page.get_by_role("button", name="报送整改情况").click()
            expect(page.get_by_text("超过问题涉及金额")).to_be_visible()
            expect(page.get_by_test_id("files-notice")).to_contain_text("已保留")
            step("unit-report-refused-files-kept")
        else:
            page.locator("input[type=file][data-upload]").set_input_files([evidence_png, evidence_pdf])
        page.get_by_label("调整账务（元）").fill(amount)
        expect(page.locator(".upload-list li")).to_have_count(2)
        step(f"unit-reports-{amount}")
        page.get_by_role("button", name="报送整改情况").click()
        expect(page.get_by_test_id("finding-state")).to_have_text("待核实")
        # Sent in the background with its files, it still ends on a page with its confirmation.
        expect(page.get_by_text("整改情况已报送，等待审计机关核实。")).to_be_visible()
        step(f"unit-report-{amount}-confirmed")

    report("50000.00", refused_first=True)
    expect(page.get_by_test_id("evidence")).to_have_count(2)
    thumbnail = page.locator("img.evidence-thumb").first
    expect(thumbnail).to_be_visible()
    # The image preview loads (lazily: wait for it rather than read it at once).
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())

    # The auditor returns it once.
    login(page, base, "auditor2")
    page.goto(f"{base}{finding.get_absolute_url()}")
    page.get_by_role("link", name="核实认定").click()
    page.get_by_label("部分整改").check()
    page.get_by_label("认定整改金额（元）").fill("50000.00")
    page.get_by_label("认定理由").fill("尚有 1 笔挂账未清理")
    step("auditor-verifies-partly-rectified")
    page.get_by_role("button", name="核实认定").click()
    expect(page.get_by_test_id("finding-state")).to_have_text("整改中")
    step("auditor-returned-it")

    # The unit sees it returned, with the reasons, at the top of its workbench; reports again; the
    # auditor verifies and closes out.
    login(page, base, "unit")
    expect(page.get_by_text("尚有 1 笔挂账未清理").first).to_be_visible()
    step("unit-workbench-returned-first")
    report("75000.00")
    login(page, base, "auditor2")
    page.goto(f"{base}{finding.get_absolute_url()}")
    page.get_by_role("link", name="核实认定").click()
    page.get_by_label("已整改", exact=True).check()
    page.get_by_label("认定整改金额（元）").fill("125000.00")
    page.get_by_label("认定理由").fill("挂账款项已全部清理，制度已建立")
    page.get_by_role("button", name="核实认定").click()
    expect(page.get_by_text("认定为「已整改」将对该问题销号，请勾选确认。")).to_be_visible()
    step("auditor-asked-to-confirm-the-close-out")
    expect(page.get_by_test_id("finding-state")).to_have_count(0)
    page.get_by_label("我已确认", exact=False).check()
    page.get_by_role("button", name="核实认定").click()
    expect(page.get_by_test_id("finding-state")).to_have_text("已销号")
    expect(page.get_by_test_id("timeline")).to_contain_text("待核实 → 已销号")
    page.screenshot(path=screenshots / "finding.png", full_page=True)
    step("auditor-closed-it-out")

    # The ledger and the dashboard reflect it.
    page.goto(f"{base}/ledger/")
    page.get_by_label("已销号").check()
    expect(page).to_have_url(re.compile(r"state=closed"))
    expect(page.locator("#ledger-table")).to_contain_text(finding.ledger_number)
    expect(page.get_by_test_id("ledger-count")).to_have_text("共 1 个问题")
    page.screenshot(path=screenshots / "ledger.png", full_page=True)
    step("ledger-shows-it-closed")
    page.get_by_role("link", name=finding.ledger_number).click()  # opens the finding's own page
    expect(page).to_have_url(re.compile(rf"/findings/{finding.pk}/$"))
    expect(page.locator("nav.navbar")).to_have_count(1)
    page.go_back()
    page.get_by_role("link", name="整改期限").click()  # ordering updates the table in place
    expect(page).to_have_url(re.compile(r"state=closed.*sort=deadline|sort=deadline.*state=closed"))
    expect(page.locator("nav.navbar")).to_have_count(1)
    page.goto(f"{base}/dashboard/")
    expect(page.locator('[data-testid="dashboard-figures"] [data-figure="closed"]')).to_have_text("1")
    expect(page.locator("[data-chart=by_year] canvas")).to_have_count(1)
    page.screenshot(path=screenshots / "dashboard.png", full_page=True)
    step("dashboard")
    page.goto(f"{base}/workbench/")
    page.screenshot(path=screenshots / "workbench-auditor.png", full_page=True)

    # A unit user gets 404 on another unit's finding page.
    login(page, base, "unit")
    console.expected.append("the server responded with a status of 404")
    response = page.goto(f"{base}{other_units_finding.get_absolute_url()}")
    assert response is not None and response.status == 404

    finding.refresh_from_db()
    assert finding.state == "closed" and finding.reports.count() == 2
    assert console.unexpected() == []
    assert len(list(steps.glob("*.png"))) == len(taken) >= 18


def test_dashboard_click_opens_the_ledger_filtered_to_the_point(page: Page, live_server, world_live):
    world = world_live
    console = Console(page)
    for _ in range(2):
        make_finding(world, state="closed")
    make_finding(world, state="issued", deadline=datetime.date(2099, 1, 1))
    login(page, live_server.url, "auditor")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("[data-chart=by_state] canvas")).to_have_count(1)
    page.wait_for_timeout(1500)  # let the chart's opening animation finish
    box = page.locator("[data-chart=by_state]").bounding_box()
    assert box is not None
    centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    ring = 0.25 * min(box["width"], box["height"])  # midway between the inner and outer radius
    # Click round the ring until a segment answers.
    for dx, dy in ((0, -1), (1, 0), (0, 1), (-1, 0)):
        page.mouse.click(centre_x + dx * ring, centre_y + dy * ring)
        page.wait_for_timeout(300)
        if "/ledger/" in page.url:
            break
    assert "/ledger/?" in page.url and "state=" in page.url
    state = re.search(r"state=(\w+)", page.url).group(1)
    expected = Finding.objects.filter(state=state).count()
    expect(page.get_by_test_id("ledger-count")).to_have_text(f"共 {expected} 个问题")
    assert console.unexpected() == []


def test_a_state_has_the_same_colour_on_every_roles_dashboard(page: Page, live_server, world_live, settings):
    """The state pie colours each state by its name, not by its position among the states a scope holds."""
    settings.RECTIFY_MIN_GROUP_SIZE = 1  # the government sees two findings; small groups are tested apart
    world = world_live
    make_finding(world, state="closed")
    make_finding(world, state="draft")  # the auditor sees a draft, the government does not
    make_finding(world, state="issued", deadline=datetime.date(2099, 1, 1))
    colours = {}
    for username in ("auditor", "gov"):
        login(page, live_server.url, username)
        page.goto(f"{live_server.url}/dashboard/")
        expect(page.locator("[data-chart=by_state] canvas")).to_have_count(1)
        colours[username] = page.evaluate(
            """() => {
                const chart = echarts.getInstanceByDom(document.querySelector("[data-chart=by_state]"));
                const data = chart.getOption().series[0].data;
                return Object.fromEntries(data.map((d) => [d.name, d.itemStyle && d.itemStyle.color]));
            }"""
        )
    assert "草稿" in colours["auditor"] and "草稿" not in colours["gov"]
    for state in ("已下达", "已销号"):
        assert colours["auditor"][state] and colours["auditor"][state] == colours["gov"][state], state


def test_the_repeat_picker_searches_picks_and_saves(page: Page, live_server, world_live, screenshots):
    """The auditor chooses the project, types part of an earlier finding's summary, adds it from the
    matches and saves: the new finding repeats it. Enter in the search box does not submit the form."""
    from rectify.audits.choices import AuditType
    from rectify.testing import make_project

    world = world_live
    base = live_server.url
    console = Console(page)
    earlier_project = make_project(world, world.office_a, [world.unit], AuditType.BUDGET_EXECUTION, 2024)
    earlier = make_finding(world, "closed", project=earlier_project, title="往来款长期挂账未清理")
    other = make_finding(world, "issued", project=earlier_project, title="公务接待超标准")

    login(page, base, "auditor")
    page.goto(f"{base}/findings/new/")
    page.get_by_label("审计项目").select_option(str(world.project.pk))  # the picker refreshes for it
    results = page.locator("#repeat-results")
    expect(results.locator(f"#repeat-found-{earlier.pk}")).to_be_visible()
    search = page.get_by_label("屡审屡犯：重复以往问题")
    search.fill("往来款")
    expect(results.locator(f"#repeat-found-{other.pk}")).to_have_count(0)
    search.press("Enter")  # searches, does not submit the half-filled form
    expect(page).to_have_url(re.compile(r"/findings/new/$"))
    expect(page.get_by_test_id("form-errors")).to_have_count(0)
    results.locator(f"#repeat-found-{earlier.pk}").get_by_role("button", name="添加").click()
    chosen = page.get_by_test_id("repeat-chosen")
    expect(chosen).to_contain_text(earlier.ledger_number)
    expect(results.locator(f"#repeat-found-{earlier.pk}")).to_have_count(0)  # taken out of the matches
    expect(chosen.get_by_role("checkbox")).to_be_checked()

    page.get_by_label("整改责任单位").select_option(label=world.unit.name)
    page.get_by_label("问题摘要").fill("往来款再次长期挂账")
    page.get_by_label("问题描述").fill("其他应收款2笔共计8万元挂账超过三年未清理，上次审计已指出。")
    page.get_by_label("问题类别").select_option(str(world.category.pk))
    page.get_by_label("整改要求").fill("清理挂账")
    page.screenshot(path=screenshots / "repeat-picker.png", full_page=True)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("finding-state")).to_have_text("草稿")
    repeat = Finding.objects.get(title="往来款再次长期挂账")
    assert list(repeat.repeats.all()) == [earlier]
    assert console.unexpected() == []
