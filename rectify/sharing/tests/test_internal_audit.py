"""Internal audit (source 四(三)): a unit's internal auditors record and work their own unit's findings
in the same ledger, numbered apart; the audit office reads them; nobody else acts on them."""

import datetime

import pytest

from rectify.audits import services as audits
from rectify.audits.choices import AuditType
from rectify.core.exceptions import ActionRefused
from rectify.findings import services as findings
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.rectification import services as rectification
from rectify.testing import finding_data, make_finding, upload


def internal_project(world, actor=None):
    return audits.create_project(
        actor or world["internal"],
        name="2025年度内部审计",
        year=2025,
        type=AuditType.INTERNAL_AUDIT,
        units=[world.unit],
        started_on=datetime.date(2025, 3, 1),
    )


def test_internal_auditor_works_the_whole_life_cycle(sharing):
    world = sharing
    internal = world["internal"]
    project = internal_project(world)
    assert project.audit_office == world.unit and project.sequence == 1
    finding = findings.create_finding(
        internal, allow_past_deadline=True, **finding_data(world, project=project, title="食堂账务未单独核算")
    )
    assert finding.ledger_number == f"NB-{world.unit.code}-2025-001-001"
    # The audit office does not see the internal auditors' draft (their working paper), the unit neither.
    assert not Finding.objects.restrict(world["auditor"]).filter(pk=finding.pk).exists()
    assert not Finding.objects.restrict(world["unit"]).filter(pk=finding.pk).exists()
    findings.issue_finding(internal, finding)
    findings.start_rectification(world["unit"], finding)  # the unit's contact works it as a unit
    report = rectification.submit_report(
        world["unit"], finding, measures="已单独建账", progress="全部完成", evidence=[upload()]
    )
    rectification.verify(internal, report, verdict="rectified", reasons="核实无误")
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED
    # The audit office reads it and its rectification, and cannot act on it.
    assert Finding.objects.restrict(world["auditor"]).filter(pk=finding.pk).exists()
    assert not Finding.objects.restrict(world["auditor"], "act").filter(pk=finding.pk).exists()
    assert Finding.objects.restrict(world["city_auditor"]).filter(pk=finding.pk).exists()
    for outsider in ("auditor_b", "sibling", "internal_sibling", "discipline", "committee", "inspector"):
        assert not Finding.objects.restrict(world[outsider]).filter(pk=finding.pk).exists(), outsider


def test_internal_auditor_cannot_act_on_the_audit_offices_findings_or_another_units(sharing):
    world = sharing
    internal = world["internal"]
    office_finding = make_finding(world, "submitted")
    assert not Finding.objects.restrict(internal).filter(pk=office_finding.pk).exists()
    with pytest.raises(ActionRefused):
        rectification.return_for_rework(internal, office_finding, comment="重做")
    sibling_project = audits.create_project(
        world["internal_sibling"], name="二中内审", year=2025, type=AuditType.INTERNAL_AUDIT, units=[world.sibling_unit]
    )
    sibling = findings.create_finding(
        world["internal_sibling"],
        allow_past_deadline=True,
        **finding_data(world, project=sibling_project, unit=world.sibling_unit),
    )
    with pytest.raises(ActionRefused):
        findings.issue_finding(internal, sibling)
    with pytest.raises(ActionRefused):
        findings.create_finding(internal, allow_past_deadline=True, **finding_data(world, project=sibling_project))
    with pytest.raises(ActionRefused):
        findings.create_finding(internal, allow_past_deadline=True, **finding_data(world))
    sibling.refresh_from_db()
    office_finding.refresh_from_db()
    assert sibling.state == FindingState.DRAFT and office_finding.state == FindingState.SUBMITTED


def test_projects_refused_outside_the_own_unit(sharing):
    world = sharing
    with pytest.raises(ActionRefused):
        audits.create_project(
            world["internal"], name="x", year=2025, type=AuditType.BUDGET_EXECUTION, units=[world.unit]
        )
    with pytest.raises(ActionRefused):
        audits.create_project(
            world["internal"], name="x", year=2025, type=AuditType.INTERNAL_AUDIT, units=[world.sibling_unit]
        )
    # An audit office's own follow-up of units' internal audits is its project, like any other.
    followed = audits.create_project(
        world["auditor"], name="x", year=2025, type=AuditType.INTERNAL_AUDIT, units=[world.unit]
    )
    finding = findings.create_finding(
        world["auditor"], allow_past_deadline=True, **finding_data(world, project=followed)
    )
    assert not finding.ledger_number.startswith("NB-")
    assert not Finding.objects.restrict(world["internal"]).filter(pk=finding.pk).exists()


def test_audit_office_cannot_work_an_internal_audit(sharing):
    world = sharing
    project = internal_project(world)
    finding = findings.create_finding(
        world["internal"], allow_past_deadline=True, **finding_data(world, project=project)
    )
    findings.issue_finding(world["internal"], finding)
    with pytest.raises(ActionRefused):
        findings.move_to_long_term(world["auditor"], finding, comment="x")
    with pytest.raises(ActionRefused):
        findings.create_finding(world["auditor"], allow_past_deadline=True, **finding_data(world, project=project))


def test_ledger_filters_internal_audits(sharing, client):
    world = sharing
    project = internal_project(world)
    finding = findings.create_finding(
        world["internal"], allow_past_deadline=True, **finding_data(world, project=project)
    )
    findings.issue_finding(world["internal"], finding)
    office = make_finding(world, "issued")
    client.force_login(world["auditor"])
    page = client.get("/ledger/", {"audit_type": AuditType.INTERNAL_AUDIT})
    assert page.status_code == 200
    body = page.content.decode()
    assert finding.ledger_number in body and office.ledger_number not in body


def test_internal_auditor_opens_a_project_and_records_on_the_web(sharing, client):
    world = sharing
    client.force_login(world["internal"])
    form = client.get("/projects/new/")
    assert form.status_code == 200
    answer = client.post(
        "/projects/new/",
        {"name": "2025年度内部审计", "year": 2025, "type": AuditType.INTERNAL_AUDIT, "units": [world.unit.pk],
         "leader": world["internal"].pk},
    )  # fmt: skip
    assert answer.status_code == 302, answer.context["form"].errors
    from rectify.audits.models import AuditProject

    project = AuditProject.objects.get(type=AuditType.INTERNAL_AUDIT, audit_office=world.unit)
    assert client.get(f"/projects/{project.pk}/").status_code == 200


def test_the_internal_auditors_workbench_shows_its_tasks(sharing, client):
    world = sharing
    project = internal_project(world)
    draft = findings.create_finding(
        world["internal"], allow_past_deadline=True, **finding_data(world, project=project, title="内审草稿问题")
    )
    make_finding(world, "draft", title="审计局草稿问题")
    client.force_login(world["internal"])
    page = client.get("/workbench/").content.decode()
    assert "待下达的问题" in page and draft.title in page and "审计局草稿问题" not in page
