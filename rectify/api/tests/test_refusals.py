"""Refused requests answer with the right status and a located message, and change nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rectify.findings.models import Finding, FindingEvent
from rectify.rectification.models import Evidence, Plan, ProgressReport, Verification

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    """Everything an action could have changed."""
    return (
        sorted(Finding.objects.values_list("pk", "state", "amount_involved", "title", "deadline")),
        FindingEvent.objects.count(),
        Plan.objects.count(),
        ProgressReport.objects.count(),
        Verification.objects.count(),
        Evidence.objects.count(),
    )


@pytest.fixture
def unchanged(ledger):
    before = snapshot()
    yield
    assert snapshot() == before


def test_a_role_that_may_not_act_gets_403_in_chinese(api, world, ledger, unchanged):
    submitted = ledger["submitted"]
    response = api("unit").post(f"/api/findings/{submitted.pk}/return/", {"comment": "x"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "您的角色无权对该问题执行「退回重新整改」。"}
    response = api("unit").post(
        f"/api/findings/{submitted.pk}/verify/", {"verdict": "rectified", "reasons": "自己认定"}, format="json"
    )
    assert response.status_code == 403 and response.json() == {"detail": "只有审计机关的审计人员可以核实认定。"}
    rectifying = ledger["rectifying_red"]
    response = api("auditor").post(
        f"/api/findings/{rectifying.pk}/plan/",
        {"measures": "代写", "responsible_person": "审计员", "planned_completion": "2025-12-01"},
        format="json",
    )
    assert response.status_code == 403 and response.json() == {"detail": "只有整改责任单位可以制定整改方案。"}
    # the department sees its units' findings but does not rectify them
    response = api("dept").post(
        f"/api/findings/{rectifying.pk}/delay/", {"reason": "x", "expected_completion": "2025-12-01"}, format="json"
    )
    assert response.status_code == 403
    # only auditors record findings, even in a project the unit sees
    response = api("unit").post(
        "/api/findings/",
        {
            "project": world.project.pk,
            "unit": world.unit.pk,
            "title": "自行登记",
            "description": "自行登记",
            "category": world.category.pk,
            "requirements": ["整改"],
        },
        format="json",
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "只有本项目所属审计机关的审计人员可以登记或修改问题。"}


def test_a_wrong_state_gets_409(api, ledger, unchanged):
    issued = ledger["issued_green"]
    response = api("auditor").post(f"/api/findings/{issued.pk}/issue/", {}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "问题当前状态为「已下达」，不能执行「下达」。"}
    closed = ledger["closed"]
    response = api("unit").post(
        f"/api/findings/{closed.pk}/reports/", {"measures": "再报", "progress": "再报"}, format="json"
    )
    assert response.status_code == 409 and "不能报送整改情况" in response.json()["detail"]
    response = api("auditor").post(
        f"/api/findings/{closed.pk}/verify/", {"verdict": "rectified", "reasons": "再认定"}, format="json"
    )
    assert response.status_code == 409
    response = api("auditor").post(
        f"/api/findings/{ledger['issued_yellow'].pk}/verify/",
        {"verdict": "rectified", "reasons": "无报告"},
        format="json",
    )
    assert response.status_code == 409 and response.json() == {"detail": "该问题尚无整改情况报告，无从核实认定。"}


def test_out_of_scope_gets_404_and_changes_nothing(api, world, ledger, unchanged):
    own = ledger["rectifying_red"]
    response = api("sibling").post(
        f"/api/findings/{own.pk}/plan/",
        {"measures": "越权", "responsible_person": "某", "planned_completion": "2025-12-01"},
        format="json",
    )
    assert response.status_code == 404
    assert api("auditor_b").patch(f"/api/findings/{own.pk}/", {"title": "越权修改"}, format="json").status_code == 404
    assert api("auditor_b").post(f"/api/audit-projects/{world.project.pk}/issue/", {}, format="json").status_code == 404
    # evidence for a report round outside the scope: the report "does not exist"
    report = ProgressReport.objects.filter(finding=ledger["submitted"]).get()
    response = api("sibling").post(
        "/api/evidence/", {"report": report.pk, "file": SimpleUploadedFile("a.png", b"x")}, format="multipart"
    )
    assert response.status_code == 400 and set(response.json()) == {"report"}


def test_bad_amounts_are_refused_with_their_field(api, world, ledger, unchanged):
    auditor = api("auditor")
    base = {
        "project": world.project.pk,
        "unit": world.unit.pk,
        "title": "金额有误",
        "description": "金额有误",
        "category": world.category.pk,
        "requirements": ["整改"],
    }
    for amount in ("12.345", "-5", "abc", "1e20", "NaN"):
        response = auditor.post("/api/findings/", {**base, "amount_involved": amount}, format="json")
        assert response.status_code == 400, amount
        assert set(response.json()) == {"amount_involved"}, amount
    report_round = api("unit").post(
        f"/api/findings/{ledger['rectifying_red'].pk}/reports/",
        {"measures": "m", "progress": "p", "amount_to_treasury": "1.001"},
        format="json",
    )
    assert report_round.status_code == 400 and set(report_round.json()) == {"amount_to_treasury"}
    # a sum beyond the amount involved needs an explanation: the service says so
    excess = api("unit").post(
        f"/api/findings/{ledger['rectifying_red'].pk}/reports/",
        {"measures": "m", "progress": "p", "amount_to_treasury": "999999.00"},
        format="json",
    )
    assert excess.status_code == 400 and "请说明原因" in excess.json()["detail"]


def test_a_json_number_is_taken_exactly_not_as_a_float(api, world):
    response = api("auditor").post(
        "/api/findings/",
        {
            "project": world.project.pk,
            "unit": world.unit.pk,
            "title": "精确金额",
            "description": "精确金额",
            "category": world.category.pk,
            "requirements": ["整改"],
            "amount_involved": 0.1,
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["amount_involved"] == "0.10"


def test_missing_and_unknown_fields_are_keyed_by_field(api, ledger, unchanged):
    response = api("auditor").post("/api/findings/", {}, format="json")
    assert response.status_code == 400
    assert {"project", "unit", "title", "description", "category", "requirements"} <= set(response.json())
    finding = ledger["issued_green"]
    response = api("auditor").patch(f"/api/findings/{finding.pk}/", {"state": "closed", "reason": "x"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"state"}
    response = api("auditor").patch(f"/api/findings/{finding.pk}/", {"reason": "只有理由"}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    response = api("unit").post(
        f"/api/findings/{ledger['rectifying_red'].pk}/reports/",
        {"measures": "m", "progress": "p", "rules": "not json"},
        format="multipart",
    )
    assert response.status_code == 400 and set(response.json()) == {"rules"}


def test_evidence_is_checked_by_content(api, ledger, unchanged):
    response = api("unit").post(
        f"/api/findings/{ledger['rectifying_red'].pk}/reports/",
        {"measures": "m", "progress": "p", "evidence": [SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00 not a pdf")]},
        format="multipart",
    )
    assert response.status_code == 400 and "内容不是允许的类型" in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/findings/{finding}/",
        "/api/findings/",
        "/api/audit-projects/{project}/",
        "/api/organizations/{unit}/",
        "/api/requirements/",
        "/api/progress-reports/",
        "/api/evidence/",
        "/api/verifications/",
        "/api/plans/",
        "/api/finding-events/",
        "/api/categories/",
    ],
)
def test_nothing_is_deleted_through_the_api(api, world, ledger, unchanged, url):
    url = url.format(finding=ledger["issued_green"].pk, project=world.project.pk, unit=world.unit.pk)
    response = api("auditor").delete(url)
    assert response.status_code == 405


def test_put_is_not_offered_patch_is(api, ledger, unchanged):
    finding = ledger["issued_green"]
    assert api("auditor").put(f"/api/findings/{finding.pk}/", {"title": "x"}, format="json").status_code == 405
    assert api("auditor").post("/api/requirements/", {}, format="json").status_code == 405
