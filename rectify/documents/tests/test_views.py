"""Downloads from the web pages and the API: content type, Chinese file name, scope (404) and refusals."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from rectify.documents.services import DOCX_CONTENT_TYPE
from rectify.documents.tests.helpers import all_text, open_docx
from rectify.testing import PASSWORD, api_token, make_finding

pytestmark = [pytest.mark.django_db, pytest.mark.urls("rectify.documents.tests.urls")]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def assert_docx(response, filename: str):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith(
        ".docx\"; filename*=UTF-8''" + quote(filename)
    )
    assert f"filename*=UTF-8''{quote(filename)}" in disposition
    assert response["Cache-Control"] == "private, no-store"
    content = b"".join(response) if response.streaming else response.content
    assert content[:2] == b"PK"
    return open_docx(content)


def test_urls_are_the_agreed_ones(world):
    assert reverse("documents:notice", args=[7]) == "/projects/7/documents/notice.docx"
    assert reverse("documents:close-out-sheet", args=[7]) == "/findings/7/documents/close-out-sheet.docx"
    assert reverse("documents:unit-report", args=[7]) == "/organizations/7/documents/rectification-report.docx"
    assert reverse("documents-api-notice", args=[7]) == "/api/documents/notice/7/"
    assert reverse("documents-api-close-out-sheet", args=[7]) == "/api/documents/close-out-sheet/7/"
    assert reverse("documents-api-unit-report", args=[7]) == "/api/documents/unit-report/7/"


def test_web_downloads_of_the_three_documents(client, world):
    finding = make_finding(world, state="closed")
    login(client, world["auditor"])
    notice = assert_docx(
        client.get(reverse("documents:notice", args=[world.project.pk])), f"{world.project.name}审计整改通知书.docx"
    )
    assert finding.ledger_number in all_text(notice)
    sheet = assert_docx(
        client.get(reverse("documents:close-out-sheet", args=[finding.pk])), f"{finding.ledger_number}对账销号单.docx"
    )
    assert "125,000.00" in all_text(sheet)
    client.logout()
    login(client, world["unit"])
    report = assert_docx(
        client.get(reverse("documents:unit-report", args=[world.unit.pk])), "甲区第一中学整改情况报告.docx"
    )
    assert "甲区第一中学" in all_text(report) and finding.ledger_number in all_text(report)


def test_notice_limited_to_one_unit(client, world):
    mine = make_finding(world, state="issued")
    theirs = make_finding(world, state="issued", unit=world.sibling_unit)
    login(client, world["auditor"])
    url = reverse("documents:notice", args=[world.project.pk])
    docx = assert_docx(
        client.get(url, {"unit": world.sibling_unit.pk}), f"{world.project.name}审计整改通知书（甲区第二中学）.docx"
    )
    assert theirs.ledger_number in all_text(docx) and mine.ledger_number not in all_text(docx)
    assert client.get(url, {"unit": "abc"}).status_code == 404
    assert client.get(url, {"unit": world.unit_b.pk}).status_code == 404  # another district's unit
    refused = client.get(url, {"unit": world.other_unit.pk})  # a unit of the project without problems
    assert refused.status_code == 400 and "没有可列入审计整改通知书的已下达问题" in refused.content.decode()


def test_a_unit_user_gets_404_for_another_units_documents(client, world):
    theirs = make_finding(world, state="closed", unit=world.sibling_unit)
    make_finding(world, state="closed")
    login(client, world["unit"])
    assert client.get(reverse("documents:close-out-sheet", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("documents:unit-report", args=[world.sibling_unit.pk])).status_code == 404
    assert client.get(reverse("documents:unit-report", args=[world.other_unit.pk])).status_code == 404
    assert client.get(reverse("documents:notice", args=[world.project_b.pk])).status_code == 404
    assert (
        client.get(reverse("documents:notice", args=[world.project.pk]), {"unit": world.sibling_unit.pk}).status_code
        == 404
    )
    # Its own project's notice lists only its own problems.
    text = all_text(
        assert_docx(
            client.get(reverse("documents:notice", args=[world.project.pk])), f"{world.project.name}审计整改通知书.docx"
        )
    )
    assert theirs.ledger_number not in text
    # An auditor of another district sees none of it either.
    client.logout()
    login(client, world["auditor_b"])
    assert client.get(reverse("documents:close-out-sheet", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("documents:notice", args=[world.project.pk])).status_code == 404
    assert client.get(reverse("documents:unit-report", args=[world.unit.pk])).status_code == 404


def test_close_out_sheet_of_an_unverified_finding_is_refused_with_400(client, world):
    finding = make_finding(world, state="submitted")
    login(client, world["auditor"])
    response = client.get(reverse("documents:close-out-sheet", args=[finding.pk]))
    assert response.status_code == 400
    html = response.content.decode()
    assert f"问题 {finding.ledger_number} 尚未经审计机关核实认定，不能生成对账销号单。" in html
    assert reverse("ledger:finding", args=[finding.pk]) in html  # a way back to the finding


def test_anonymous_users_are_sent_to_log_in(client, world):
    finding = make_finding(world, state="closed")
    response = client.get(reverse("documents:close-out-sheet", args=[finding.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert APIClient().get(reverse("documents-api-close-out-sheet", args=[finding.pk])).status_code in (401, 403)


def test_api_returns_the_same_files(world):
    finding = make_finding(world, state="closed")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world['auditor'])}")
    notice = assert_docx(
        api.get(reverse("documents-api-notice", args=[world.project.pk])), f"{world.project.name}审计整改通知书.docx"
    )
    assert finding.ledger_number in all_text(notice)
    assert_docx(
        api.get(reverse("documents-api-close-out-sheet", args=[finding.pk]), HTTP_ACCEPT=DOCX_CONTENT_TYPE),
        f"{finding.ledger_number}对账销号单.docx",
    )
    assert_docx(api.get(reverse("documents-api-unit-report", args=[world.unit.pk])), "甲区第一中学整改情况报告.docx")


def test_api_answers_404_out_of_scope_and_400_with_detail_when_refused(world):
    theirs = make_finding(world, state="closed", unit=world.sibling_unit)
    unverified = make_finding(world, state="submitted")
    api = APIClient()
    api.force_authenticate(world["unit"])
    assert api.get(reverse("documents-api-close-out-sheet", args=[theirs.pk])).status_code == 404
    assert api.get(reverse("documents-api-unit-report", args=[world.sibling_unit.pk])).status_code == 404
    assert api.get(reverse("documents-api-notice", args=[world.project_b.pk])).status_code == 404
    assert (
        api.get(reverse("documents-api-notice", args=[world.project.pk]), {"unit": theirs.unit_id}).status_code == 404
    )
    response = api.get(reverse("documents-api-close-out-sheet", args=[unverified.pk]))
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"问题 {unverified.ledger_number} 尚未经审计机关核实认定，不能生成对账销号单。"
    }
    # A client that accepts only .docx still gets the reason, as JSON.
    response = api.get(reverse("documents-api-close-out-sheet", args=[unverified.pk]), HTTP_ACCEPT=DOCX_CONTENT_TYPE)
    assert response.status_code == 400 and "尚未经审计机关核实认定" in response.content.decode()


def test_api_schema_describes_the_downloads(world):
    from drf_spectacular.generators import SchemaGenerator

    from rectify.documents.api.urls import urlpatterns

    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    paths = schema["paths"]
    assert set(paths) == {"/notice/{id}/", "/close-out-sheet/{id}/", "/unit-report/{id}/"}
    for operation in (p["get"] for p in paths.values()):
        assert list(operation["responses"]["200"]["content"]) == [DOCX_CONTENT_TYPE]
        assert list(operation["responses"]["400"]["content"]) == ["application/json"]
        assert list(operation["responses"]["404"]["content"]) == ["application/json"]
    assert {"id", "unit"} <= {p["name"] for p in paths["/notice/{id}/"]["get"]["parameters"]}


def test_render_document_command(world, tmp_path):
    from django.core.management import CommandError, call_command

    finding = make_finding(world, state="closed")
    target = tmp_path / "sheet.docx"
    call_command("render_document", "close-out-sheet", str(finding.pk), "--user", "auditor", "--output", str(target))
    assert finding.ledger_number in all_text(open_docx(target.read_bytes()))
    with pytest.raises(CommandError, match="不在用户「unit_b」的职责范围内"):
        call_command("render_document", "close-out-sheet", str(finding.pk), "--user", "unit_b", "--output", str(target))
    unverified = make_finding(world, state="submitted")
    with pytest.raises(CommandError, match="尚未经审计机关核实认定"):
        call_command("render_document", "close-out-sheet", str(unverified.pk), "--user", "auditor")


def test_unit_report_period_from_the_query_on_the_web_and_the_api(client, world):
    closed = make_finding(world, state="closed")
    open_ = make_finding(world, state="rectifying")
    login(client, world["auditor"])
    url = reverse("documents:unit-report", args=[world.unit.pk])
    only_open = all_text(assert_docx(client.get(url, {"period": "open"}), "甲区第一中学整改情况报告.docx"))
    assert open_.ledger_number in only_open and closed.ledger_number not in only_open
    assert client.get(url, {"from": "2025-13-01"}).status_code == 400

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world['auditor'])}")
    api_url = reverse("documents-api-unit-report", args=[world.unit.pk])
    text = all_text(assert_docx(api.get(api_url, {"period": "open"}), "甲区第一中学整改情况报告.docx"))
    assert open_.ledger_number in text and closed.ledger_number not in text
    response = api.get(api_url, {"from": "2025-04-01", "to": "2025-03-31"})
    assert response.status_code == 400 and "开始日期晚于结束日期" in response.json()["detail"]


def test_render_document_command_takes_the_reports_period(world, tmp_path):
    from django.core.management import CommandError, call_command

    closed = make_finding(world, state="closed")
    open_ = make_finding(world, state="rectifying")
    target = tmp_path / "report.docx"
    call_command(
        "render_document",
        "unit-report",
        str(world.unit.pk),
        "--user",
        "unit",
        "--period",
        "open",
        "--output",
        str(target),
    )
    text = all_text(open_docx(target.read_bytes()))
    assert open_.ledger_number in text and closed.ledger_number not in text
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("render_document", "unit-report", str(world.unit.pk), "--user", "unit", "--from", "x")


def test_the_organization_page_offers_the_report_of_the_open_findings(client, world):
    closed = make_finding(world, state="closed")
    open_ = make_finding(world, state="rectifying")
    login(client, world["auditor"])
    html = client.get(world.unit.get_absolute_url()).content.decode()
    href = html.split('data-testid="unit-report-open-docx"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert href.endswith("?period=open")
    text = all_text(assert_docx(client.get(href), "甲区第一中学整改情况报告.docx"))
    assert open_.ledger_number in text and closed.ledger_number not in text


def test_the_organization_page_offers_a_report_for_a_chosen_period(client, world):
    make_finding(world, state="rectifying")
    login(client, world["auditor"])
    html = client.get(world.unit.get_absolute_url()).content.decode()
    form = html.split('data-testid="unit-report-period"')[1].split("</form>")[0]
    assert 'name="from"' in form and 'name="to"' in form and 'type="date"' in form
    action = html.split('data-testid="unit-report-period"')[0].rsplit('action="', 1)[1].split('"')[0]
    assert action == reverse("documents:unit-report", args=[world.unit.pk])
    text = all_text(
        assert_docx(client.get(action, {"from": "2025-01-01", "to": "2025-12-31"}), "甲区第一中学整改情况报告.docx")
    )
    assert "2025年1月1日至2025年12月31日期间已销号的问题" in text
