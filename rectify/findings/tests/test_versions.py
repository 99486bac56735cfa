"""Optimistic locking: an edit made from a page read before someone else's edit is refused, nothing overwritten."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from rectify.core.exceptions import ActionRefused
from rectify.findings import services as findings
from rectify.findings.models import Finding
from rectify.findings.warning import local_today
from rectify.rectification import services as rectification
from rectify.rectification.models import Plan
from rectify.testing import PASSWORD, api_token, make_finding

pytestmark = pytest.mark.django_db


def edit_form_data(page_context, **changes) -> dict:
    form = page_context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["requirements"] = form.initial["requirements"]
    data["repeats"] = []
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None and v is not False}


def test_a_stale_edit_in_the_web_form_is_refused_and_overwrites_nothing(client, world):
    finding = make_finding(world, "draft")
    client.login(username="auditor", password=PASSWORD)
    url = reverse("findings:finding-edit", args=[finding.pk])
    page = client.get(url)
    assert page.context["form"].initial["version"] == 1
    # Meanwhile a colleague corrects the amount.
    findings.update_finding(world["auditor2"], finding, amount_involved="130000.00")
    response = client.post(url, edit_form_data(page.context, title="我改的摘要"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "该记录已被他人修改" in body and "第 1 版" in body and "第 2 版" in body
    assert "我改的摘要" in body  # what was typed is kept
    finding.refresh_from_db()
    assert finding.title != "我改的摘要" and finding.amount_involved == Decimal("130000.00")
    # Reloaded, the edit goes through.
    fresh = client.get(url)
    response = client.post(url, edit_form_data(fresh.context, title="我改的摘要"))
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.title == "我改的摘要" and finding.version == 3


def _api(client, user):
    token = api_token(user)
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def test_a_stale_edit_in_the_api_answers_412_and_overwrites_nothing(client, world):
    finding = make_finding(world, "draft")
    headers = _api(client, world["auditor"])
    read = client.get(f"/api/findings/{finding.pk}/", **headers)
    assert read["ETag"] == 'W/"1"' and read.json()["version"] == 1
    findings.update_finding(world["auditor2"], finding, title="同事改的摘要")
    stale = client.patch(
        f"/api/findings/{finding.pk}/",
        {"title": "我改的摘要"},
        content_type="application/json",
        HTTP_IF_MATCH=read["ETag"],
        **headers,
    )
    assert stale.status_code == 412
    assert "该记录已被他人修改" in stale.json()["detail"]
    assert Finding.objects.get(pk=finding.pk).title == "同事改的摘要"
    # The version in the body is checked the same way; the current one is accepted.
    stale_body = client.patch(
        f"/api/findings/{finding.pk}/", {"title": "x", "version": 1}, content_type="application/json", **headers
    )
    assert stale_body.status_code == 412
    current = client.patch(
        f"/api/findings/{finding.pk}/", {"title": "我改的摘要"}, content_type="application/json",
        HTTP_IF_MATCH='W/"2"', **headers,
    )  # fmt: skip
    assert current.status_code == 200 and current["ETag"] == 'W/"3"'
    assert current.json()["title"] == "我改的摘要"


def test_requirements_and_fields_are_checked_against_one_version(world):
    finding = make_finding(world, "draft")
    findings.set_requirements(world["auditor2"], finding, ["新的要求"])
    with pytest.raises(ActionRefused) as refused:
        findings.correct_finding(world["auditor"], finding, requirements=["我的要求"], title="新摘要", version=1)
    assert refused.value.code == "stale"
    finding.refresh_from_db()
    assert [r.text for r in finding.requirements.all()] == ["新的要求"] and finding.title != "新摘要"


def test_a_stale_plan_revision_is_refused(client, world):
    finding = make_finding(world, "issued")
    plan_args = {
        "measures": "清理挂账",
        "responsible_person": "李四",
        "planned_completion": datetime.date(2025, 9, 1),
    }
    rectification.submit_plan(world["unit"], finding, **plan_args)
    rectification.submit_plan(world["unithead"], finding, version=1, **{**plan_args, "measures": "负责人修订"})
    with pytest.raises(ActionRefused) as refused:
        rectification.submit_plan(world["unit"], finding, version=1, **{**plan_args, "measures": "联络员修订"})
    assert refused.value.code == "stale"
    plan = Plan.objects.get(finding=finding)
    assert plan.measures == "负责人修订" and plan.version == 2
    # Through the API, If-Match carries it.
    headers = _api(client, world["unit"])
    response = client.post(
        f"/api/findings/{finding.pk}/plan/",
        {**plan_args, "planned_completion": "2025-09-01", "measures": "再修订"},
        content_type="application/json",
        HTTP_IF_MATCH='W/"1"',
        **headers,
    )
    assert response.status_code == 412
    assert Plan.objects.get(finding=finding).measures == "负责人修订"


def test_a_report_on_a_finding_corrected_since_the_form_was_opened_is_refused(client, world):
    finding = make_finding(world, "rectifying")
    client.login(username="unit", password=PASSWORD)
    url = reverse("rectification:report", args=[finding.pk])
    page = client.get(url)
    assert page.context["form"].initial["finding_version"] == finding.version
    later = local_today() + datetime.timedelta(days=90)
    findings.update_finding(world["auditor"], finding, deadline=later, reason="延长期限")
    response = client.post(
        url,
        {"measures": "已清理", "progress": "完成", "finding_version": page.context["form"].initial["finding_version"],
         "rows-TOTAL_FORMS": "0", "rows-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "该记录已被他人修改" in response.content.decode()
    assert not finding.reports.exists()
