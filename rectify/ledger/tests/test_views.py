import datetime

import pytest
import time_machine
from django.urls import reverse

from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_login_page_is_chinese_and_logs_in(client, world):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "登录审计整改管理系统" in page.content.decode()
    response = client.post("/accounts/login/", {"username": "auditor", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/workbench/"
    client.logout()
    bad = client.post("/accounts/login/", {"username": "auditor", "password": "wrong"})
    assert "用户名或密码不正确" in bad.content.decode()


@time_machine.travel(datetime.datetime(2025, 9, 25, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_ledger_rows_carry_their_warning_colour(client, world):
    red = make_finding(world, state="rectifying", deadline=datetime.date(2025, 9, 1))
    yellow = make_finding(world, state="issued", deadline=datetime.date(2025, 9, 30))
    green = make_finding(world, state="issued", deadline=datetime.date(2025, 12, 31))
    html = login(client, world["auditor"]).get("/ledger/").content.decode()
    for finding, colour in ((red, "red"), (yellow, "yellow"), (green, "green")):
        row = html.split(finding.ledger_number)[0].rsplit("<tr", 1)[1]
        assert f"colour-{colour}" in row, (finding.ledger_number, colour)


@time_machine.travel(datetime.datetime(2025, 9, 25, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_the_ledger_says_how_long_a_finding_is_overdue_not_a_bare_date(client, world):
    overdue = make_finding(world, state="rectifying", deadline=datetime.date(2025, 9, 1))
    on_time = make_finding(world, state="issued", deadline=datetime.date(2025, 12, 31))
    html = login(client, world["auditor"]).get("/ledger/").content.decode()
    row = html.split(overdue.ledger_number, 1)[1].split("</tr>")[0]
    assert "2025-09-01" in row and 'class="text-danger fw-semibold" data-overdue-days="24">已逾期 24 天' in row
    row = html.split(on_time.ledger_number, 1)[1].split("</tr>")[0]
    assert "2025-12-31" in row and "已逾期" not in row


def test_ledger_filters_by_state_and_text(client, world):
    closed = make_finding(world, state="closed", title="公务接待超标准")
    draft = make_finding(world, state="draft", title="会计核算不规范")
    login(client, world["auditor"])
    html = client.get("/ledger/", {"state": "closed"}).content.decode()
    assert closed.ledger_number in html and draft.ledger_number not in html
    html = client.get("/ledger/", {"q": "会计核算"}).content.decode()
    assert draft.ledger_number in html and closed.ledger_number not in html


def test_finding_page_shows_facts_requirements_reports_and_timeline(client, world):
    finding = make_finding(world, state="closed")
    html = login(client, world["unit"]).get(reverse("ledger:finding", args=[finding.pk])).content.decode()
    assert finding.title in html
    assert "清理长期挂账的往来款项" in html  # a requirement
    assert "第 1 轮" in html and "凭证.png" in html  # the report round and its evidence
    assert "已整改" in html and "核实无误" in html  # the verification
    for step in ("登记问题", "草稿 → 已下达", "已下达 → 整改中", "整改中 → 待核实", "待核实 → 已销号"):
        assert step in html, step


def test_finding_page_offers_only_the_actions_the_user_may_take(client, world):
    finding = make_finding(world, state="issued")
    html = login(client, world["unit"]).get(reverse("ledger:finding", args=[finding.pk])).content.decode()
    assert 'data-testid="action">报送整改情况' in html and 'data-testid="action">制定整改方案' in html
    assert 'data-testid="action">下达' not in html
    client.logout()
    html = login(client, world["auditor"]).get(reverse("ledger:finding", args=[finding.pk])).content.decode()
    assert 'data-testid="action">修改问题' in html
    assert 'data-testid="action">报送整改情况' not in html and 'data-testid="action">核实认定' not in html


def test_sysadmin_manages_reference_data_in_chinese_admin(client, world):
    from django.contrib.auth.models import Permission

    admin = world["sysadmin"]
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(Permission.objects.filter(codename__in=["view_organization", "change_organization"]))
    html = login(client, admin).get("/admin/organizations/organization/").content.decode()
    assert "单位" in html and "甲区第一中学" in html


def test_htmx_filter_change_returns_only_the_table(client, world):
    closed = make_finding(world, state="closed")
    issued = make_finding(world, state="issued")
    login(client, world["auditor"])
    response = client.get("/ledger/", {"state": "closed"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ledger-table")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ledger-table"') and "<html" not in html
    assert closed.ledger_number in html and issued.ledger_number not in html
    assert "/ledger/export.xlsx?state=closed" in html  # export follows the filters


def test_column_choice_is_remembered(client, world):
    finding = make_finding(world, state="issued")
    login(client, world["auditor"])

    def headers(html: str) -> str:
        return html.split("<thead")[1].split("</thead>")[0]

    assert "审计项目" not in headers(client.get("/ledger/").content.decode())
    client.post("/ledger/columns/", {"columns": ["ledger_number", "project", "state"], "query": ""})
    html = client.get("/ledger/").content.decode()
    assert "审计项目" in headers(html) and "涉及金额" not in headers(html)
    assert finding.project.name in html.split("<tbody")[1]


def test_saved_views_are_private_and_reopen_their_filters(client, world):
    login(client, world["auditor"])
    client.post("/ledger/saved/", {"name": "逾期问题", "query": "colour=red&year=2025"})
    from rectify.findings.models import SavedView

    saved = SavedView.objects.get(name="逾期问题")
    response = client.get(f"/ledger/saved/{saved.pk}/")
    assert response["Location"] == "/ledger/?colour=red&year=2025"
    client.logout()
    login(client, world["auditor2"])
    assert client.get(f"/ledger/saved/{saved.pk}/").status_code == 404
    assert 'data-testid="saved-views"' not in client.get("/ledger/").content.decode()


def test_print_view_lists_every_filtered_row_on_a4(client, world):
    findings = [make_finding(world, state="issued") for _ in range(3)]
    login(client, world["auditor"])
    html = client.get("/ledger/print/", {"state": "issued"}).content.decode()
    assert "print.css" in html and all(f.ledger_number in html for f in findings)
    assert "共 3 个问题" in html


def test_finding_print_view_holds_the_whole_record(client, world):
    finding = make_finding(world, state="closed")
    login(client, world["unit"])
    html = client.get(f"/findings/{finding.pk}/print/").content.decode()
    assert "print.css" in html and finding.title in html and "核实无误" in html and "第 1 轮整改情况" in html
    client.logout()
    login(client, world["sibling"])
    assert client.get(f"/findings/{finding.pk}/print/").status_code == 404


def test_pages_forbid_inline_script_by_policy(client, world):
    login(client, world["auditor"])
    policy = client.get("/ledger/")["Content-Security-Policy"]
    script_policy = policy.split("script-src")[1].split(";")[0]
    assert script_policy.strip() == "'self'" and "default-src 'self'" in policy


def test_pages_offer_their_word_documents(client, world):
    finding = make_finding(world, state="closed")
    login(client, world["auditor"])
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def follow(page_url: str, testid: str):
        html = client.get(page_url).content.decode()
        href = html.split(f'data-testid="{testid}"')[0].rsplit('href="', 1)[1].split('"')[0]
        response = client.get(href)
        assert response.status_code == 200 and response["Content-Type"] == docx, (page_url, testid)

    follow(finding.get_absolute_url(), "close-out-sheet")
    finding.project.refresh_from_db()
    follow(finding.project.get_absolute_url(), "notice-docx")
    follow(world.unit.get_absolute_url(), "unit-report-docx")
    issued = make_finding(world, state="issued")
    assert 'data-testid="close-out-sheet"' not in client.get(issued.get_absolute_url()).content.decode()


def test_ledger_offers_excel_export_of_the_view_template_and_import(client, world):
    make_finding(world, state="closed")
    login(client, world["auditor"])
    html = client.get("/ledger/", {"state": "closed"}).content.decode()
    assert 'href="/ledger/export.xlsx?state=closed"' in html
    assert 'data-testid="template-xlsx"' in html and 'data-testid="import-xlsx"' in html
    export = client.get("/ledger/export.xlsx", {"state": "closed"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.logout()
    login(client, world["unit"])
    assert 'data-testid="import-xlsx"' not in client.get("/ledger/").content.decode()


def test_language_switch_changes_the_interface_to_english_and_back(client, world):
    login(client, world["auditor"])
    assert "整改台账" in client.get("/ledger/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/ledger/"})
    html = client.get("/ledger/").content.decode()
    assert '<html lang="en">' in html and "Rectification ledger" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/ledger/"})
    assert '<html lang="zh-hans">' in client.get("/ledger/").content.decode()


def test_pages_are_chinese_whatever_the_browser_asks_until_the_user_switches(client, world):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()


def test_the_api_answers_in_the_requests_language(client, world):
    response = client.get("/api/findings/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (401, 403) and "credentials" in response.json()["detail"].lower()
    response = client.get("/api/findings/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "身份" in response.json()["detail"] or "认证" in response.json()["detail"]


def test_a_unit_reaches_its_own_page_and_report_from_the_navigation(client, world):
    make_finding(world, state="closed")
    login(client, world["unit"])
    html = client.get("/workbench/").content.decode()
    href = html.split('data-testid="my-organization"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert href == world.unit.get_absolute_url()
    page = client.get(href).content.decode()
    assert 'data-testid="unit-report-docx"' in page
    assert client.get(world.sibling_unit.get_absolute_url()).status_code == 404


def test_the_change_log_shows_labels_display_names_and_the_reason(client, world):
    from rectify.findings import services as findings_services
    from rectify.testing import PASSWORD, make_finding

    finding = make_finding(world, state="draft")
    findings_services.issue_finding(world["auditor"], finding, comment="审计报告已出具")
    findings_services.update_finding(
        world["auditor"], finding, reason="复核后调整涉及金额", amount_involved="130000.50", disclosure="limited"
    )
    assert client.login(username="auditor", password=PASSWORD)
    html = client.get(finding.get_absolute_url()).content.decode()
    log = html.split("变更记录")[1]
    assert "状态：草稿 → 已下达" in log and "原因：下达：审计报告已出具" in log
    assert "涉及金额（元）：125000.00 → 130000.50" in log and "公开范围：公开 → 限定范围" in log
    assert "原因：复核后调整涉及金额" in log
    for raw in ("state：", "amount_involved", "draft →", "issue:"):
        assert raw not in log, raw


def test_the_ledger_counts_its_rows_up_to_a_cap_and_a_keyword_search_up_to_a_lower_one(client, world, monkeypatch):
    from rectify.ledger import views

    for n in range(6):
        make_finding(world, title=f"专项资金问题{n}")
    seen = views.Finding.objects.restrict(world["auditor"]).count()
    login(client, world["auditor"])

    def count_text(url: str) -> str:
        html = client.get(url, headers={"HX-Request": "true", "HX-Target": "ledger-table"}).content.decode()
        return html.split('data-testid="ledger-count">')[1].split("</span>")[0]

    assert count_text("/ledger/") == f"共 {seen} 个问题"
    monkeypatch.setattr(views, "COUNT_CAP", seen - 1)
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 3)
    assert count_text("/ledger/") == f"超过 {seen - 1} 个问题"
    assert count_text("/ledger/?q=专项资金") == "超过 3 个问题"
    assert count_text("/ledger/?q=专项资金问题5") == "共 1 个问题"


def test_the_ledger_offers_the_years_that_have_findings_at_once(client, world):
    """The year list is read from the summary rows by year, brought up to date before it is read."""
    from rectify.audits.models import AuditProject

    login(client, world["auditor"])
    assert 'value="2019"' not in client.get("/ledger/").content.decode()
    older = AuditProject.objects.create(
        jurisdiction=world.project.jurisdiction, audit_office=world.project.audit_office, year=2019,
        sequence=99, type=world.project.type, name="2019年度审计项目",
    )  # fmt: skip
    older.units.add(world.unit)
    make_finding(world, state="issued", project=older)
    assert 'value="2019"' in client.get("/ledger/").content.decode()
