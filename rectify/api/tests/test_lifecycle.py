"""A finding's whole life through the API: record, issue, plan, report with evidence, verify partly
(returned), report again, verify rectified, closed."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rectify.findings.models import Finding
from rectify.rectification.models import Evidence, ProgressReport
from rectify.testing import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.content.decode())
    return response.json()


def test_full_lifecycle(api, world):
    auditor, unit, auditor2 = api("auditor"), api("unit"), api("auditor2")

    # 1. an auditor records a finding during fieldwork: a draft, invisible to the unit
    created = ok(
        auditor.post(
            "/api/findings/",
            {
                "project": world.project.pk,
                "unit": world.unit.pk,
                "title": "专项资金结余未上缴",
                "description": "2024年度专项资金结余12.5万元未按规定上缴财政。",
                "category": world.category.pk,
                "requirements": ["上缴结余资金", "完善专项资金管理办法"],
                "amount_involved": "125000.00",
                "kind": "phased",
            },
            format="json",
        ),
        201,
    )
    pk = created["id"]
    assert created["state"] == "draft" and created["colour"] is None and created["deadline"] is None
    assert created["ledger_number"].startswith("JA-2025-001-")
    assert unit.get(f"/api/findings/{pk}/").status_code == 404

    # 2. the audit report is issued: the project's drafts are issued, each with its deadline
    issued = ok(
        auditor.post(
            f"/api/audit-projects/{world.project.pk}/issue/",
            {"report_number": "甲审报〔2025〕12号", "report_date": "2025-09-01"},
            format="json",
        )
    )
    assert issued["issued"] == [pk] and issued["project"]["report_number"] == "甲审报〔2025〕12号"
    finding = ok(unit.get(f"/api/findings/{pk}/"))
    assert finding["state"] == "issued" and finding["deadline"] == "2025-11-30"  # phased: 90 days

    # 3. the unit writes its plan, with milestones; the finding starts rectifying
    plan = ok(
        unit.post(
            f"/api/findings/{pk}/plan/",
            {
                "measures": "分两步上缴结余资金并修订制度",
                "responsible_person": "王五",
                "planned_completion": "2025-11-15",
                "milestones": [
                    {"title": "上缴一半结余", "due_date": "2025-10-15"},
                    {"title": "修订管理办法", "due_date": "2025-11-10"},
                ],
            },
            format="json",
        ),
        201,
    )
    assert [m["title"] for m in plan["milestones"]] == ["上缴一半结余", "修订管理办法"]
    assert plan["first_responsible"] == "张三"
    assert ok(unit.get(f"/api/findings/{pk}/"))["state"] == "rectifying"

    # 4. the unit reports round 1 as multipart, with two evidence files and JSON-ish lists
    report = ok(
        unit.post(
            f"/api/findings/{pk}/reports/",
            {
                "measures": "已上缴部分结余资金",
                "progress": "上缴5万元，其余待预算调整后上缴",
                "amount_to_treasury": "50000.00",
                "rules": json.dumps([{"title": "专项资金管理办法", "document_number": "甲一中〔2025〕3号"}]),
                "accountability": json.dumps([{"person_name": "赵六", "position": "财务科长", "outcome": "criticism"}]),
                "evidence": [
                    SimpleUploadedFile("缴款书.png", PNG_BYTES),
                    SimpleUploadedFile("说明.pdf", PDF_BYTES),
                ],
            },
            format="multipart",
        ),
        201,
    )
    assert report["round"] == 1 and report["amount_rectified"] == "50000.00"
    assert [e["content_type"] for e in report["evidence"]] == ["image/png", "application/pdf"]
    assert report["rules"][0]["document_number"] == "甲一中〔2025〕3号"
    assert report["accountability"][0]["outcome"] == "criticism"
    assert ok(auditor.get(f"/api/findings/{pk}/"))["state"] == "submitted"

    # 5. the auditor finds it partly rectified: the finding is returned to the unit
    verification = ok(
        auditor.post(
            f"/api/findings/{pk}/verify/",
            {"verdict": "partly_rectified", "verified_amount": "50000.00", "reasons": "尚有7.5万元未上缴"},
            format="json",
        ),
        201,
    )
    assert verification["verdict"] == "partly_rectified" and verification["verified_amount"] == "50000.00"
    assert ok(unit.get(f"/api/findings/{pk}/"))["state"] == "rectifying"

    # 6. round 2, JSON this time (no files), then a file added to it before verification
    second = ok(
        unit.post(
            f"/api/findings/{pk}/reports/",
            {"measures": "上缴剩余结余资金", "progress": "已全部上缴", "amount_to_treasury": 75000},
            format="json",
        ),
        201,
    )
    assert second["round"] == 2 and second["amount_to_treasury"] == "75000.00" and second["evidence"] == []
    added = ok(
        unit.post(
            "/api/evidence/",
            {
                "report": second["id"],
                "file": SimpleUploadedFile("第二次缴款书.png", PNG_BYTES),
                "description": "缴款书",
            },
            format="multipart",
        ),
        201,
    )
    assert added["report"] == second["id"] and added["finding"] == pk and added["content_type"] == "image/png"
    download = unit.get(added["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG_BYTES

    # 7. another auditor verifies round 2 as rectified: the finding is closed out
    ok(
        auditor2.post(
            f"/api/findings/{pk}/verify/",
            {"verdict": "rectified", "verified_amount": "125000.00", "reasons": "已全部上缴，核实无误"},
            format="json",
        ),
        201,
    )
    closed = ok(unit.get(f"/api/findings/{pk}/"))
    assert closed["state"] == "closed" and closed["colour"] is None and closed["closed_at"]

    # what the API shows of it afterwards
    rounds = ok(unit.get("/api/progress-reports/", {"finding": pk}))["results"]
    assert [(r["round"], r["verification"] is not None) for r in rounds] == [(1, True), (2, True)]
    assert ok(unit.get("/api/verifications/", {"finding": pk}))["count"] == 2
    assert ok(unit.get("/api/evidence/", {"finding": pk}))["count"] == 3
    events = ok(unit.get("/api/finding-events/", {"finding": pk, "page_size": 100}))["results"]
    assert [(e["from_state"], e["to_state"]) for e in events if e["kind"] == "transition"] == [
        ("draft", "issued"),
        ("issued", "rectifying"),
        ("rectifying", "submitted"),
        ("submitted", "rectifying"),
        ("rectifying", "submitted"),
        ("submitted", "closed"),
    ]
    assert any(e["action"] == "add_evidence" for e in events)

    # a verified round takes no more evidence
    late = unit.post(
        "/api/evidence/", {"report": second["id"], "file": SimpleUploadedFile("晚.png", PNG_BYTES)}, format="multipart"
    )
    assert late.status_code == 409 and late.json()["detail"] == "该报告已核实认定，不能再补充佐证材料。"
    assert Evidence.objects.filter(report__finding_id=pk).count() == 3


def test_transitions_long_term_and_back_and_a_delay(api, world, ledger):
    auditor, unit = api("auditor"), api("unit")
    pk = ledger["rectifying_red"].pk
    refused = auditor.post(f"/api/findings/{pk}/to_long_term/", {}, format="json")
    assert refused.status_code == 400 and "须填写说明" in refused.json()["detail"]
    moved = ok(auditor.post(f"/api/findings/{pk}/to_long_term/", {"comment": "涉及历史遗留问题"}, format="json"))
    assert moved["state"] == "long_term"
    continued = ok(
        unit.post(
            f"/api/findings/{pk}/reports/",
            {"measures": "持续推进", "progress": "完成一半", "next_steps": "完成剩余", "next_steps_due": "2025-12-31"},
            format="json",
        ),
        201,
    )
    assert continued["kind"] == "continued"
    assert (
        ok(unit.post(f"/api/findings/{pk}/resume/", {"comment": "条件已具备"}, format="json"))["state"] == "rectifying"
    )
    delay = ok(
        unit.post(
            f"/api/findings/{pk}/delay/", {"reason": "资金调度困难", "expected_completion": "2025-10-31"}, format="json"
        ),
        201,
    )
    assert delay["finding"] == pk and delay["submitted_by"] == world["unit"].pk
    # starting through the API: an issued finding, by its unit
    issued = ledger["issued_green"].pk
    assert ok(unit.post(f"/api/findings/{issued}/start/", format="json"))["state"] == "rectifying"


def test_single_issue_and_return_as_actions(api, world, ledger):
    auditor = api("auditor")
    draft = ledger["draft"]
    assert (
        ok(auditor.post(f"/api/findings/{draft.pk}/issue/", {"comment": "先行下达"}, format="json"))["state"]
        == "issued"
    )
    submitted = ledger["submitted"]
    returned = ok(auditor.post(f"/api/findings/{submitted.pk}/return/", {"comment": "佐证不足"}, format="json"))
    assert returned["state"] == "rectifying"
    assert ProgressReport.objects.filter(finding=submitted).count() == 1


def test_an_auditor_corrects_a_finding_with_a_reason(api, world, ledger):
    auditor = api("auditor")
    finding = ledger["issued_green"]
    refused = auditor.patch(f"/api/findings/{finding.pk}/", {"amount_involved": "130000.00"}, format="json")
    assert refused.status_code == 400 and refused.json() == {"detail": "问题下达后修改须说明理由。"}
    changed = ok(
        auditor.patch(
            f"/api/findings/{finding.pk}/",
            {"amount_involved": "130000.00", "deadline": "2025-12-31", "reason": "复核后调整金额并延期"},
            format="json",
        )
    )
    assert changed["amount_involved"] == "130000.00" and changed["deadline"] == "2025-12-31"
    assert Finding.objects.get(pk=finding.pk).history.first().history_change_reason == "复核后调整金额并延期"
    draft = ledger["draft"]
    edited = ok(
        auditor.patch(f"/api/findings/{draft.pk}/", {"requirements": ["只有一条"], "title": "新摘要"}, format="json")
    )
    assert edited["requirements"] == ["只有一条"] and edited["title"] == "新摘要"
    assert datetime.date.fromisoformat(edited["last_updated"][:10])
