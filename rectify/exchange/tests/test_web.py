"""The Excel ledger on the web: export with the ledger's filters, the template, upload → preview → confirm."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rectify.exchange.columns import HEADERS, LEDGER_SHEET
from rectify.exchange.tests.helpers import new_row, snapshot, workbook
from rectify.findings.models import Finding
from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db

TOKEN = "0123456789abcdef0123456789abcdef"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def downloaded(response) -> list[tuple]:
    body = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(body), read_only=True)
    return [tuple(row) for row in book[LEDGER_SHEET].iter_rows(values_only=True)]


def test_the_export_follows_the_ledger_filters_and_scope(client, world):
    closed = make_finding(world, state="closed")
    issued = make_finding(world, state="issued")
    make_finding(world, state="issued", unit=world.sibling_unit)
    login(client, world["auditor"])
    response = client.get(reverse("exchange:ledger-export"), {"state": "closed"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    rows = downloaded(response)
    assert rows[0] == HEADERS and [row[0] for row in rows[1:]] == [closed.ledger_number]
    assert len(downloaded(client.get("/ledger/export.xlsx"))) == 4
    client.logout()
    login(client, world["unit"])
    assert [row[0] for row in downloaded(client.get("/ledger/export.xlsx"))[1:]] == sorted(
        [closed.ledger_number, issued.ledger_number]
    )


def test_the_export_and_template_need_a_login(client, world):
    assert client.get("/ledger/export.xlsx").status_code == 302
    assert client.get("/ledger/template.xlsx").status_code == 302


def test_the_template_downloads(client, world):
    login(client, world["unit"])
    response = client.get(reverse("exchange:ledger-template"))
    assert response.status_code == 200
    assert downloaded(response) == [HEADERS]


def test_upload_preview_then_confirm(client, world):
    finding = make_finding(world, state="draft")
    login(client, world["auditor"])
    page = client.get(reverse("exchange:ledger-import"))
    html = page.content.decode()
    assert page.status_code == 200 and "导入整改台账" in html
    assert 'data-progress-url="/ledger/import/progress/' in html and "exchange/import.js" in html
    assert "onclick" not in html and "<script>" not in html  # no inline script (CSP)
    rows = [
        new_row(world),
        new_row(world, 问题编号=finding.ledger_number, 问题摘要="改过的摘要", 问题描述=finding.description),
    ]
    rows[1]["整改要求"] = "1. 清理长期挂账的往来款项\n2. 建立往来款定期清理制度"
    rows[1]["问题类别"] = "0601"
    rows[1]["涉及金额（元）"] = 125000
    rows[1]["整改期限"] = finding.deadline
    counts = snapshot()
    preview = client.post(reverse("exchange:ledger-import"), {"file": workbook(rows), "token": TOKEN})
    html = preview.content.decode()
    assert preview.status_code == 200, html
    assert "将新建 1 个问题（草稿），修改 1 个问题" in html
    assert "专项经费结余未及时上缴" in html  # the row to create
    assert "往来款长期挂账未清理" in html and "改过的摘要" in html  # the change, before → after
    assert snapshot() == counts  # the preview saved nothing
    progress = client.get(reverse("exchange:ledger-import-progress", args=[TOKEN]))
    assert "完成" in progress.content.decode() and "data-finished" in progress.content.decode()
    confirm_url = re.search(r'action="(/ledger/import/[0-9a-f]+/confirm/)"', html).group(1)
    # Confirming queues the import as a job and answers with the import's page (the queue runs jobs
    # at once in tests), which ends on the ledger with the confirmation.
    done = client.post(confirm_url, {"token": TOKEN})
    job_url = reverse("exchange:ledger-import-job", args=[TOKEN])
    assert done.status_code == 302 and done["Location"] == job_url
    end = client.get(job_url)
    assert end.status_code == 302 and end["Location"] == reverse("ledger:ledger")
    ledger = client.get(end["Location"]).content.decode()
    assert "台账已导入：新建 1 个问题（草稿），修改 1 个问题，0 个问题无变化。" in ledger
    assert Finding.objects.filter(title="专项经费结余未及时上缴").count() == 1
    finding.refresh_from_db()
    assert finding.title == "改过的摘要"
    # The kept upload is gone: confirming again finds nothing.
    assert client.post(confirm_url, {"token": TOKEN}).status_code == 404


def test_an_upload_with_errors_lists_them_and_saves_nothing(client, world):
    login(client, world["auditor"])
    rows = [new_row(world, 责任单位="查无此单位"), new_row(world, 问题摘要="二", 整改期限="不是日期")]
    counts = snapshot()
    response = client.post(reverse("exchange:ledger-import"), {"file": workbook(rows), "token": TOKEN})
    html = response.content.decode()
    assert response.status_code == 400
    assert "共 2 处错误，数据未作任何修改" in html
    assert "<td>整改台账</td><td>2</td><td>L（责任单位）</td>" in html
    assert "<td>整改台账</td><td>3</td><td>K（整改期限）</td>" in html
    assert snapshot() == counts


def test_a_renamed_file_is_refused_on_the_web(client, world):
    login(client, world["auditor"])
    fake = io.BytesIO(b"%PDF-1.4 not a workbook")
    fake.name = "台账.xlsx"
    response = client.post(reverse("exchange:ledger-import"), {"file": fake, "token": TOKEN})
    assert response.status_code == 400 and "不是 Excel 工作簿" in response.content.decode()


def test_only_auditors_reach_the_import(client, world):
    login(client, world["unit"])
    assert client.get(reverse("exchange:ledger-import")).status_code == 403
    assert client.post(reverse("exchange:ledger-import"), {"token": TOKEN}).status_code == 403


def test_progress_is_read_by_its_token_without_a_session(client, world):
    """The bar is polled without cookies, so that it never waits on a session save while the import
    holds the database; the token (128 random bits, from the form) is all it needs."""
    other = "f" * 32
    login(client, world["auditor"])
    client.post(reverse("exchange:ledger-import"), {"file": workbook([new_row(world)]), "token": TOKEN})
    client.logout()
    done = client.get(reverse("exchange:ledger-import-progress", args=[TOKEN]))
    assert done.status_code == 200 and "data-finished" in done.content.decode()
    assert done["Cache-Control"] == "no-store" and "sessionid" not in done.cookies
    waiting = client.get(reverse("exchange:ledger-import-progress", args=[other])).content.decode()
    assert "正在上传文件" in waiting and "data-finished" not in waiting
    assert client.get("/ledger/import/progress/not-a-token/").status_code == 404


def test_progress_counts_rows_as_they_go(world, settings):
    from rectify.exchange import progress

    tracker = progress.Progress(TOKEN, interval=0)
    tracker.step("read", 120, 0)
    assert (progress.read(TOKEN)["done"], progress.read(TOKEN)["total"]) == (120, 0)  # rows read, total unknown
    tracker.step("apply", 25, 100)
    record = progress.read(TOKEN)
    assert (record["percent"], str(record["label"]), record["finished"]) == (25, "逐行写入（全部成功才保存）", False)
    tracker.finish()
    assert progress.read(TOKEN)["finished"] and progress.read(TOKEN)["percent"] == 100


def test_the_ledger_links_offer_the_import_to_auditors_only(rf, world):
    from django.template.loader import render_to_string

    for username, offered in (("auditor", True), ("unit", False)):
        request = rf.get("/ledger/")
        request.user = world[username]
        html = render_to_string("exchange/ledger_links.html", {"user": world[username]}, request=request)
        assert "/ledger/template.xlsx" in html
        assert ("/ledger/import/" in html) is offered


def _preview(client, world, rows):
    html = client.post(reverse("exchange:ledger-import"), {"file": workbook(rows), "token": TOKEN}).content.decode()
    return re.search(r'action="(/ledger/import/[0-9a-f]+/confirm/)"', html).group(1)


def test_the_confirmation_checks_the_file_again(client, world):
    from rectify.findings import services as findings

    finding = make_finding(world, state="draft")
    login(client, world["auditor"])
    row = new_row(world, 问题编号=finding.ledger_number, 问题摘要=finding.title, 问题描述=finding.description)
    row.update({"问题类别": "0601", "涉及金额（元）": 125000, "整改期限": finding.deadline, "整改要求": "新的要求"})
    confirm_url = _preview(client, world, [row])
    findings.issue_finding(world["auditor"], finding)  # meanwhile, the finding is issued
    counts = snapshot()
    response = client.post(confirm_url, {"token": TOKEN}, follow=True)
    assert response.redirect_chain == [(reverse("exchange:ledger-import-job", args=[TOKEN]), 302)]
    html = response.content.decode()
    assert "共 1 处错误，数据未作任何修改" in html
    assert "<td>整改台账</td><td>2</td><td>I（整改要求）</td>" in html and "已下达，不能更改整改要求" in html
    assert snapshot() == counts


def test_a_kept_upload_that_changed_is_not_imported(client, world):
    from django.core.files.storage import default_storage

    login(client, world["auditor"])
    confirm_url = _preview(client, world, [new_row(world)])
    (pending,) = client.session["exchange_imports"].values()
    with default_storage.open(pending["path"], "wb") as handle:
        handle.write(workbook([new_row(world, 问题摘要="偷换的内容")]).getvalue())
    counts = snapshot()
    response = client.post(confirm_url, {"token": TOKEN}, follow=True)
    assert "待导入的文件已失效，请重新上传" in response.content.decode()
    assert snapshot() == counts
