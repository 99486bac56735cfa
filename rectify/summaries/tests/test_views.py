"""The pages and the API of summary reports: drafting, editing (what was typed is kept on a refusal),
the steps, the list's scope, and /api/summary-reports/ with its actions."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rectify.summaries import services
from rectify.summaries.choices import SummaryState
from rectify.summaries.models import SummaryReport
from rectify.summaries.tests.helpers import ledger
from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def test_drafting_on_the_web_then_each_step_ends_on_the_report(client, world):
    ledger(world)
    login(client, "auditor")
    assert client.get("/summaries/new/").status_code == 200
    response = client.post("/summaries/new/", {"kind": "committee", "year": "2025"})
    report = SummaryReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    page = client.get(report.get_absolute_url()).content.decode()
    assert report.title in page and 'data-figure="count">5<' in page
    assert 'data-testid="unit-items"' not in page and 'data-testid="unrectified"' in page
    response = client.post(f"/summaries/{report.pk}/submit/", {"comment": ""}, follow=True)
    assert "已报请审批" in response.content.decode()
    client.logout()
    login(client, "auditlead")
    client.post(f"/summaries/{report.pk}/approve/", {"comment": "同意"})
    client.post(f"/summaries/{report.pk}/send/", {"comment": ""})
    assert SummaryReport.objects.get().state == SummaryState.SENT


def test_a_refused_draft_keeps_what_was_typed(client, world):
    ledger(world)
    login(client, "auditor")
    response = client.post("/summaries/new/", {"kind": "committee", "year": "2010", "title": "我的标题"})
    body = response.content.decode()
    assert response.status_code == 200 and "没有已下达的审计查出问题" in body and 'value="我的标题"' in body


def test_a_stale_edit_is_refused_and_keeps_the_text(client, world):
    ledger(world)
    report = services.create_report(world["auditor"], kind="committee", year=2025)
    services.update_report(world["auditor2"], report, sections={"work": "他人的修改"})
    login(client, "auditor")
    data = {"title": report.title, "report_date": report.report_date.isoformat(), "version": "1",
            "recipients": [world.committee.pk], "section_work": "我的正文"}  # fmt: skip
    response = client.post(f"/summaries/{report.pk}/edit/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in body and "我的正文" in body


def test_a_role_that_cannot_draft_is_told_why(client, world):
    login(client, "congress")
    assert client.get("/summaries/new/").status_code == 403
    assert client.get("/summaries/").status_code == 200


def test_the_list_shows_only_what_the_user_sees(client, world):
    ledger(world)
    report = services.create_report(world["auditor"], kind="committee", year=2025)
    login(client, "auditor")
    assert report.title in client.get("/summaries/").content.decode()
    client.logout()
    login(client, "committee")
    assert report.title not in client.get("/summaries/").content.decode()


def test_the_api_drafts_lists_and_steps(world):
    ledger(world)
    api = APIClient()
    api.force_authenticate(world["auditor"])
    created = api.post("/api/summary-reports/", {"kind": "government", "year": 2025}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["figures"]["totals"]["count"] == 5
    listed = api.get("/api/summary-reports/").json()
    assert set(listed) == {"count", "next", "previous", "results"} and listed["count"] == 1
    edited = api.post(f"/api/summary-reports/{pk}/narrative/", {"sections": {"work": "接口修改"}}, format="json")
    assert edited.status_code == 200
    assert api.post(f"/api/summary-reports/{pk}/submit/", {}, format="json").status_code == 200
    refused = api.post(f"/api/summary-reports/{pk}/approve/", {}, format="json")
    assert refused.status_code == 403 and "detail" in refused.json()
    lead = APIClient()
    lead.force_authenticate(world["auditlead"])
    assert lead.post(f"/api/summary-reports/{pk}/return/", {"reason": "补充"}, format="json").json()["state"] == "draft"
    api.post(f"/api/summary-reports/{pk}/submit/", {}, format="json")
    lead.post(f"/api/summary-reports/{pk}/approve/", {}, format="json")
    assert lead.post(f"/api/summary-reports/{pk}/send/", {}, format="json").json()["state"] == "sent"
    document = api.get(f"/api/summary-reports/{pk}/document/")
    assert document.status_code == 200 and document.content[:2] == b"PK"
    annex = api.get(f"/api/summary-reports/{pk}/annex/")
    assert annex.status_code == 200 and annex.content[:2] == b"PK"
    gov = APIClient()
    gov.force_authenticate(world["gov"])
    assert gov.get(f"/api/summary-reports/{pk}/").status_code == 200  # sent to the government
    committee = APIClient()
    committee.force_authenticate(world["committee"])
    assert committee.get(f"/api/summary-reports/{pk}/").status_code == 404
    assert committee.get(f"/api/summary-reports/{pk}/document/").status_code == 404
    assert committee.get("/api/summary-reports/").json()["count"] == 0
