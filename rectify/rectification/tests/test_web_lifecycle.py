"""The whole life of a finding through the web forms, across roles (the browser test does it in Chromium)."""

import datetime

import pytest
from django.urls import reverse

from rectify.findings.models import Finding
from rectify.testing import PASSWORD, PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def report_data(**overrides):
    data = {
        "measures": "已将挂账款项逐笔核对并清理",
        "progress": "已清理 2 笔",
        "unfinished_reason": "",
        "next_steps": "",
        "next_steps_due": "",
        "excess_reason": "",
        "rules": "《往来款项管理办法》｜一中发〔2025〕3号",
        "amount_adjusted_in_accounts": "50000.00",
        "rows-TOTAL_FORMS": "2",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "50",
        "rows-0-person_name": "李四",
        "rows-0-position": "财务科长",
        "rows-0-outcome": "criticism",
    }
    data.update(overrides)
    return data


def test_lifecycle_across_roles_with_one_return(client, world):
    auditor, auditor2, unit = world["auditor"], world["auditor2"], world["unit"]
    project = world.project

    # The auditor records a finding during fieldwork.
    as_user(client, auditor)
    response = client.post(
        reverse("findings:finding-create"),
        {
            "project": project.pk, "unit": world.unit.pk, "title": "往来款长期挂账",
            "description": "其他应收款3笔共12.5万元挂账超过三年。", "category": world.category.pk,
            "amount_involved": "125000.00", "requirements": "清理挂账\n建立定期清理制度", "kind": "immediate",
            "disclosure": "public", "legal_basis": "《行政事业单位会计制度》",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    finding = Finding.objects.get(title="往来款长期挂账")
    assert finding.state == "draft" and finding.requirements.count() == 2

    # The unit cannot see the draft yet.
    as_user(client, unit)
    assert client.get(finding.get_absolute_url()).status_code == 404

    # The auditor issues the report with its number; the deadline follows the rule for the kind.
    as_user(client, auditor)
    response = client.post(
        reverse("audits:project-issue", args=[project.pk]),
        {"report_number": "甲审报〔2025〕7号", "report_date": "2025-06-30"},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.state == "issued" and finding.deadline == datetime.date(2025, 7, 30)

    # The unit writes its plan (starts rectifying) and reports round 1 with two evidence files.
    as_user(client, unit)
    response = client.post(
        reverse("rectification:plan", args=[finding.pk]),
        {
            "measures": "逐笔核对清理", "responsible_person": "王五", "responsible_department": "财务科",
            "planned_completion": "2025-07-25", "rows-TOTAL_FORMS": "3", "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "20", "rows-0-title": "完成核对",
            "rows-0-due_date": "2025-07-15",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    finding.refresh_from_db()
    assert finding.state == "rectifying" and finding.plan.milestones.count() == 1
    response = client.post(
        reverse("rectification:report", args=[finding.pk]),
        report_data(evidence=[upload("凭证.png"), upload("清理报告.pdf", PDF_BYTES)]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    finding.refresh_from_db()
    assert finding.state == "submitted"
    report = finding.reports.get()
    assert report.evidence.count() == 2 and report.rules.get().title == "往来款项管理办法"
    assert report.accountability.get().person_name == "李四"

    # The auditor returns it once (partly rectified).
    as_user(client, auditor2)
    response = client.post(
        reverse("rectification:verify", args=[finding.pk]),
        {"verdict": "partly_rectified", "verified_amount": "50000.00", "reasons": "尚有1笔未清理"},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.state == "rectifying"

    # The unit reports again; the auditor verifies and closes out.
    as_user(client, unit)
    response = client.post(
        reverse("rectification:report", args=[finding.pk]),
        report_data(rules="", **{"rows-0-person_name": "", "amount_adjusted_in_accounts": "75000.00"}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    as_user(client, auditor2)
    response = client.post(
        reverse("rectification:verify", args=[finding.pk]),
        {
            "verdict": "rectified",
            "verified_amount": "125000.00",
            "reasons": "全部清理完毕",
            "complete": "on",
            "compliant": "on",
            "confirm_close": "on",  # rectified closes the finding: the auditor confirms it
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.state == "closed" and finding.reports.count() == 2

    # The ledger reflects it and the unit sees the verdict.
    html = client.get(reverse("ledger:ledger"), {"state": "closed"}).content.decode()
    assert finding.ledger_number in html
    as_user(client, unit)
    html = client.get(finding.get_absolute_url()).content.decode()
    assert "全部清理完毕" in html and "待核实 → 已销号" in html


def test_a_refused_report_shows_the_reason_and_saves_nothing(client, world):
    from rectify.testing import make_finding

    finding = make_finding(world, state="rectifying")
    as_user(client, world["unit"])
    response = client.post(
        reverse("rectification:report", args=[finding.pk]),
        report_data(amount_adjusted_in_accounts="200000.00"),
    )
    assert response.status_code == 200
    assert "超过问题涉及金额" in response.content.decode()
    assert finding.reports.count() == 0


def test_evidence_download_is_permission_checked(client, world):
    from rectify.testing import make_finding

    finding = make_finding(world, state="submitted")
    evidence = finding.reports.get().evidence.get()
    as_user(client, world["unit"])
    response = client.get(reverse("rectification:evidence-download", args=[evidence.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "attachment" in response["Content-Disposition"]
    preview = client.get(reverse("rectification:evidence-preview", args=[evidence.pk]))
    assert "inline" in preview["Content-Disposition"]
    as_user(client, world["sibling"])
    assert client.get(reverse("rectification:evidence-download", args=[evidence.pk])).status_code == 404


def test_project_page_lists_the_units_earlier_open_findings(client, world):
    from rectify.audits.choices import AuditType
    from rectify.testing import make_finding, make_project

    earlier = make_finding(world, state="rectifying")
    new_project = make_project(world, world.office_a, [world.unit], AuditType.SPECIAL_FUND, year=2026)
    as_user(client, world["auditor"])
    html = client.get(new_project.get_absolute_url()).content.decode()
    section = html.split('data-testid="earlier-open"')[1]
    assert earlier.ledger_number in section


def test_report_form_renders_each_amount_input_once(client, world):
    from rectify.testing import make_finding

    finding = make_finding(world, state="rectifying")
    as_user(client, world["unit"])
    html = client.get(reverse("rectification:report", args=[finding.pk])).content.decode()
    for field in ("amount_to_treasury", "amount_adjusted_in_accounts", "amount_other"):
        assert html.count(f'name="{field}"') == 1, field


def test_a_report_sent_in_the_background_ends_on_the_finding_page_with_its_confirmation(client, world):
    """The upload script sends the report in the background: the answer names the page to open (a
    redirect would be followed by the background request itself, which would take the confirmation)."""
    from rectify.testing import make_finding

    finding = make_finding(world, state="rectifying")
    as_user(client, world["unit"])
    response = client.post(
        reverse("rectification:report", args=[finding.pk]),
        report_data(evidence=[upload()]),
        headers={"X-Rectify-Background": "1"},
    )
    assert response.status_code == 204 and response["X-Rectify-Location"] == finding.get_absolute_url()
    page = client.get(response["X-Rectify-Location"]).content.decode()
    assert "整改情况已报送，等待审计机关核实。" in page


def test_a_report_not_accepted_says_which_chosen_files_must_be_chosen_again(client, world):
    from rectify.testing import make_finding

    finding = make_finding(world, state="rectifying")
    as_user(client, world["unit"])
    response = client.post(
        reverse("rectification:report", args=[finding.pk]),
        report_data(amount_adjusted_in_accounts="200000.00", evidence=[upload("收款凭证.png")]),
    )
    assert response.status_code == 200 and finding.reports.count() == 0
    notice = response.content.decode().split('data-testid="files-notice"')[1].split("</div>")[0]
    assert "收款凭证.png" in notice and "重新选择" in notice


def test_the_plan_form_warns_of_a_date_after_the_deadline_and_asks_why(client, world):
    from rectify.rectification.models import DelayExplanation
    from rectify.testing import make_finding

    finding = make_finding(world, state="issued", deadline=datetime.date(2099, 6, 30))
    as_user(client, world["unit"])
    url = reverse("rectification:plan", args=[finding.pk])
    form = client.get(url).content.decode()
    assert 'data-deadline="2099-06-30"' in form and "rectify/plan.js" in form and 'name="delay_reason"' in form
    data = {
        "measures": "逐笔清理",
        "responsible_person": "王五",
        "planned_completion": "2099-12-31",
        "rows-TOTAL_FORMS": "0",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "20",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "晚于整改期限 2099-06-30" in refused.content.decode()
    assert not DelayExplanation.objects.exists()
    accepted = client.post(url, {**data, "delay_reason": "涉及诉讼，需待法院判决"})
    assert accepted.status_code == 302
    assert DelayExplanation.objects.get(finding=finding).expected_completion == datetime.date(2099, 12, 31)


def test_the_verification_form_shows_what_the_verdict_weighs_and_asks_to_confirm_a_close_out(client, world):
    from rectify.rectification.services import submit_plan, submit_report
    from rectify.testing import make_finding

    finding = make_finding(world, state="rectifying", deadline=datetime.date(2099, 12, 31))
    submit_plan(
        world["unit"], finding, measures="逐笔核对挂账", responsible_person="王五",
        planned_completion=datetime.date(2099, 11, 30),
    )  # fmt: skip
    submit_report(
        world["unit"], finding, measures="已清理2笔", progress="尚余1笔", unfinished_reason="债务人失联",
        amounts={"amount_to_treasury": "30000.00", "amount_returned_to_source": "20000.00"},
    )  # fmt: skip
    as_user(client, world["auditor"])
    url = reverse("rectification:verify", args=[finding.pk])
    html = client.get(url).content.decode()
    requirements = html.split('data-testid="verify-requirements"')[1].split("</section>")[0]
    assert all(r.text in requirements for r in finding.requirements.all())
    assert "逐笔核对挂账" in html.split('data-testid="verify-plan"')[1].split("</section>")[0]
    report = html.split('data-testid="report-under-review"')[1].split("</section>")[0]
    assert "未完成原因" in report and "债务人失联" in report
    assert "整改措施" in report and "整改进展" in report
    amounts = report.split('data-testid="report-amounts"')[1]
    assert "上缴财政" in amounts and "30,000.00" in amounts and "归还原资金渠道" in amounts
    assert "「已整改」将对该问题销号（关闭）" in html and 'name="confirm_close"' in html

    data = {
        "verdict": "rectified",
        "verified_amount": "50000.00",
        "reasons": "核实无误",
        "complete": "on",
        "compliant": "on",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "请勾选确认" in refused.content.decode()
    finding.refresh_from_db()
    assert finding.state == "submitted" and not finding.verifications.exists()
    assert client.post(url, {**data, "confirm_close": "on"}).status_code == 302
    finding.refresh_from_db()
    assert finding.state == "closed"


def test_the_finding_form_pickers_are_scoped_to_the_project(client, world):
    from rectify.audits.choices import AuditType
    from rectify.testing import make_finding, make_project

    earlier_project = make_project(world, world.office_a, [world.unit, world.other_unit], AuditType.SPECIAL_FUND, 2024)
    own_earlier = make_finding(world, state="issued", project=earlier_project, deadline=datetime.date(2024, 12, 31))
    others_earlier = make_finding(
        world, state="issued", project=earlier_project, unit=world.other_unit, deadline=datetime.date(2024, 12, 31)
    )
    project = make_project(world, world.office_a, [world.unit], AuditType.INVESTMENT, report_number="甲审报〔2025〕7号")
    as_user(client, world["auditor"])
    form = client.get(reverse("findings:finding-create"), {"project": project.pk}).context["form"]
    # The repeat picker offers a bounded search, the project's own unit first (not thousands in a list).
    offered = form.fields["repeats"].widget.found
    assert offered == [own_earlier, others_earlier]
    assert form.fields["unit"].queryset.first() == world.unit  # the project's own unit first
    label = form.fields["project"].label_from_instance(project)
    assert "2025年" in label and "甲审报〔2025〕7号" in label
    blank = client.get(reverse("findings:finding-create")).context["form"]
    assert len(blank.fields["repeats"].widget.found) <= 20
