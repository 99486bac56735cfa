"""The pages and the API of referrals: the whole flow on the web and over the API, what was typed kept
on a refusal, 404 and 403 where due, and the evidence package's content."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from docx import Document
from rest_framework.test import APIClient

from rectify.findings.choices import EventKind
from rectify.referrals import services
from rectify.referrals.choices import ReferralState
from rectify.referrals.models import Referral
from rectify.referrals.tests.helpers import drafted, falsified, sent
from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_whole_flow_on_the_web(client, world, django_capture_on_commit_callbacks):
    finding = falsified(world)
    login(client, "auditor")
    assert f"/referrals/new/?finding={finding.pk}" in client.get(f"/findings/{finding.pk}/").content.decode()
    page = client.get(f"/referrals/new/?finding={finding.pk}").content.decode()
    assert finding.ledger_number in page
    data = {"recipient": world.discipline.pk, "ground": "false_rectification", "ledger_numbers": finding.ledger_number,
            "facts": "佐证材料系事后补制。", "request": "建议追责。", "title": ""}  # fmt: skip
    response = client.post("/referrals/new/", data)
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == referral.get_absolute_url()
    assert client.get(referral.get_absolute_url()).status_code == 200
    assert client.get(f"/referrals/{referral.pk}/approve/").status_code == 403  # the auditor does not approve
    login(client, "auditlead")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/referrals/{referral.pk}/approve/", {"comment": "同意"}, follow=True)
    assert "已审批同意" in response.content.decode()
    response = client.post(f"/referrals/{referral.pk}/send/", {"comment": ""}, follow=True)
    assert "已移送" in response.content.decode()
    login(client, "discipline")
    workbench = client.get("/workbench/").content.decode()
    assert 'data-testid="referrals-awaiting"' in workbench and referral.title in workbench
    page = client.get(referral.get_absolute_url()).content.decode()
    assert 'data-testid="step-acknowledge"' in page and 'data-testid="download-package"' in page
    client.post(f"/referrals/{referral.pk}/acknowledge/", {"comment": ""})
    bad = {"outcome_date": datetime.date.today().isoformat(), "text": "已处理", "persons": "王某，科长，罚款"}
    response = client.post(f"/referrals/{referral.pk}/conclude/", bad)
    body = response.content.decode()
    assert response.status_code == 200 and "罚款" in body and "不在可选范围内" in body
    assert Referral.objects.get().state == ReferralState.ACKNOWLEDGED
    good = {**bad, "persons": "王某，财务科科长，党纪政务处分\n李某, 副局长, 诫勉"}
    response = client.post(f"/referrals/{referral.pk}/conclude/", good, follow=True)
    body = response.content.decode()
    assert "已反馈处理结果" in body and "王某" in body and "诫勉" in body
    referral.refresh_from_db()
    assert referral.state == ReferralState.CONCLUDED and referral.persons.count() == 2
    assert finding.events.filter(kind=EventKind.REFERRAL).count() == 5
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert 'data-testid="finding-referrals"' in page
    assert "refer-finding" not in page and "已反馈结果" in page


def test_the_letter_numbers_itself_once_and_drafting_keeps_what_was_typed(client, world):
    finding = falsified(world)
    login(client, "auditor")
    data = {"recipient": world.discipline.pk, "ground": "refusal", "ledger_numbers": "NO-SUCH-1",
            "facts": "我的事实", "title": ""}  # fmt: skip
    response = client.post("/referrals/new/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "NO-SUCH-1" in body and "我的事实" in body and not Referral.objects.exists()
    referral = drafted(world, finding)
    draft_letter = client.get(f"/referrals/{referral.pk}/letter.docx")
    assert draft_letter.status_code == 200
    assert "草稿" in "\n".join(p.text for p in Document(io.BytesIO(draft_letter.content)).paragraphs)
    sent(world, referral)
    texts = []
    for _ in range(2):
        letter = Document(io.BytesIO(client.get(f"/referrals/{referral.pk}/letter.docx").content))
        texts.append("\n".join(p.text for p in letter.paragraphs))
    referral.refresh_from_db()
    assert referral.number.startswith("甲审追〔") and referral.number in texts[0] and texts[0] == texts[1]
    assert world.discipline.name in texts[0] and finding.ledger_number in texts[0]


def test_the_evidence_package_holds_the_letter_the_ledger_the_records_and_the_evidence(
    client, world, django_capture_on_commit_callbacks
):
    finding = falsified(world)
    referral = drafted(world, finding)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_referral(world["auditlead"], referral)
    services.send_referral(world["auditlead"], referral)
    login(client, "discipline")
    response = client.get(f"/referrals/{referral.pk}/package.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    number = finding.ledger_number
    assert {"提请追责函.docx", "问题台账.xlsx", f"问题办理记录/{number}.docx", f"佐证材料/{number}/1-凭证.png"} <= names
    record = Document(io.BytesIO(archive.read(f"问题办理记录/{number}.docx")))
    text = "\n".join(p.text for p in record.paragraphs)
    assert "虚假整改" in text and "佐证材料系事后补制" in text and "提请追责" in text
    assert archive.read("问题台账.xlsx")[:2] == b"PK"
    login(client, "unit")
    assert client.get(f"/referrals/{referral.pk}/package.zip").status_code == 404
    assert client.get(f"/referrals/{referral.pk}/letter.docx").status_code == 404


def test_the_whole_flow_over_the_api(world, django_capture_on_commit_callbacks):
    finding = falsified(world)
    api = APIClient()
    api.force_authenticate(world["auditor"])
    data = {"recipient": world.discipline.pk, "ground": "false_rectification", "findings": [finding.pk],
            "facts": "虚假整改的事实"}  # fmt: skip
    response = api.post("/api/referrals/", data, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["findings"] == [finding.pk] and response.json()["state"] == "draft"
    assert api.post(f"/api/referrals/{pk}/approve/", {}, format="json").status_code == 403
    api.force_authenticate(world["auditlead"])
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/referrals/{pk}/approve/", {}, format="json").json()["state"] == "approved"
    assert api.get(f"/api/referrals/{pk}/").json()["package_status"] == "done"
    assert api.post(f"/api/referrals/{pk}/return/", {"reason": "补充事实"}, format="json").json()["state"] == "draft"
    api.post(f"/api/referrals/{pk}/approve/", {}, format="json")
    assert api.post(f"/api/referrals/{pk}/send/", {}, format="json").json()["state"] == "sent"
    api.force_authenticate(world["unit"])
    assert api.get(f"/api/referrals/{pk}/").status_code == 404
    api.force_authenticate(world["discipline"])
    assert api.get("/api/referrals/").json()["count"] == 1
    assert api.post(f"/api/referrals/{pk}/send/", {}, format="json").status_code == 403
    assert api.post(f"/api/referrals/{pk}/acknowledge/", {}, format="json").json()["state"] == "acknowledged"
    outcome = {"outcome_date": datetime.date.today().isoformat(), "text": "立案审查",
               "persons": [{"name": "王某", "position": "科长", "outcome": "judicial"}]}  # fmt: skip
    bad = api.post(
        f"/api/referrals/{pk}/conclude/", {**outcome, "persons": [{"name": "王某", "outcome": "x"}]}, format="json"
    )
    assert bad.status_code == 400 and "persons" in bad.json()
    body = api.post(f"/api/referrals/{pk}/conclude/", outcome, format="json").json()
    assert body["state"] == "concluded" and body["persons"] == [
        {"name": "王某", "position": "科长", "outcome": "judicial"}
    ]
    assert api.post(f"/api/referrals/{pk}/conclude/", outcome, format="json").status_code == 409  # concluded
    assert api.get("/api/referrals/?overdue=true").json()["count"] == 0
    assert api.get(f"/api/referrals/?finding={finding.pk}").json()["count"] == 1


def test_the_audit_office_sees_overdue_feedback_on_its_workbench(client, world, on):
    with on(datetime.date(2026, 1, 5)):
        referral = sent(world)
    with on(datetime.date(2026, 3, 20)):
        login(client, "auditlead")
        page = client.get("/workbench/").content.decode()
        assert 'data-testid="referrals-overdue"' in page and referral.title in page
        detail = client.get(referral.get_absolute_url()).content.decode()
        assert 'data-testid="feedback-overdue"' in detail
        assert client.get("/referrals/?overdue=true").content.decode().count(referral.title) >= 1


def test_a_draft_is_edited_and_a_stale_edit_keeps_the_text(client, world):
    referral = drafted(world)
    services.update_referral(world["auditor2"], referral, facts="他人的修改")
    login(client, "auditor")
    data = {"title": referral.title, "facts": "我的事实", "request": "", "version": "1"}
    response = client.post(f"/referrals/{referral.pk}/edit/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in body and "我的事实" in body
    response = client.post(f"/referrals/{referral.pk}/edit/", {**data, "version": "2"}, follow=True)
    assert "已保存" in response.content.decode() and Referral.objects.get().facts == "我的事实"
    login(client, "discipline")
    assert client.get(f"/referrals/{referral.pk}/edit/").status_code == 404


def test_the_discipline_commission_is_offered_the_ledger_once_a_referral_reaches_it(client, world):
    login(client, "discipline")
    assert 'data-testid="nav-ledger"' not in client.get("/workbench/").content.decode()
    referral = sent(world)
    login(client, "discipline")
    page = client.get("/workbench/").content.decode()
    assert 'data-testid="nav-ledger"' in page and 'data-testid="nav-referrals"' in page and referral.title in page
