"""The state machine of a summary report and who may take each step; the frozen figures; the
notifications; the scope (404 for everyone else)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from rectify.core.exceptions import ActionRefused
from rectify.notifications.models import Notification
from rectify.rectification import services as rectification
from rectify.summaries import services
from rectify.summaries.choices import SummaryState
from rectify.summaries.models import SummaryReport, SummaryStep
from rectify.summaries.tests.helpers import depthead, ledger
from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db


def committee_report(world):
    return services.create_report(world["auditor"], kind="committee", year=2025)


def test_a_report_goes_from_draft_to_sent_and_each_step_is_recorded(world):
    ledger(world)
    report = committee_report(world)
    assert report.state == SummaryState.DRAFT and report.figures["totals"]["count"] == 5
    assert [org.name for org in report.recipients.all()] == ["甲区委审计委员会办公室"]
    services.submit_report(world["auditor"], report)
    services.approve_report(world["auditlead"], report, "同意报送")
    services.send_report(world["auditor"], report)
    report.refresh_from_db()
    assert report.state == SummaryState.SENT and report.sent_by == world["auditor"]
    assert report.approved_by == world["auditlead"] and report.frozen_at is not None
    steps = list(report.steps.values_list("kind", "actor__username", "from_state", "to_state", "comment"))
    assert steps == [
        ("drafted", "auditor", "", "draft", ""),
        ("submitted", "auditor", "draft", "submitted", ""),
        ("approved", "auditlead", "submitted", "approved", "同意报送"),
        ("sent", "auditor", "approved", "sent", ""),
    ]
    with pytest.raises(PermissionError):
        SummaryStep.objects.first().delete()


@pytest.mark.parametrize(
    "username, step",
    [
        ("auditor", "approve"),  # only the audit leader approves the audit office's report
        ("auditor2", "approve"),
        ("committee", "approve"),  # a recipient does not work on it
        ("auditor_b", "approve"),  # another district's office
        ("unithead", "approve"),
    ],
)
def test_only_the_leader_of_the_issuing_body_approves(world, username, step):
    ledger(world)
    report = committee_report(world)
    services.submit_report(world["auditor"], report)
    with pytest.raises(ActionRefused) as refusal:
        services.approve_report(world[username], report)
    assert refusal.value.code in ("forbidden", "not_found")
    assert SummaryReport.objects.get(pk=report.pk).state == SummaryState.SUBMITTED


def test_steps_out_of_order_are_refused_with_the_state_named(world):
    ledger(world)
    report = committee_report(world)
    with pytest.raises(ActionRefused, match="草稿"):
        services.approve_report(world["auditlead"], report)
    with pytest.raises(ActionRefused, match="草稿"):
        services.send_report(world["auditor"], report)
    services.submit_report(world["auditor"], report)
    with pytest.raises(ActionRefused):
        services.update_report(world["auditor"], report, sections={"work": "改"})
    with pytest.raises(ActionRefused, match="退回"):
        services.return_report(world["auditlead"], report, "  ")
    services.return_report(world["auditlead"], report, "数据口径需与台账核对")
    report.refresh_from_db()
    assert report.state == SummaryState.DRAFT and report.frozen_at is None
    assert report.steps.last().comment == "数据口径需与台账核对"


def test_an_approved_report_can_be_returned_before_it_is_sent_and_not_after(world):
    ledger(world)
    report = committee_report(world)
    services.submit_report(world["auditor"], report)
    services.approve_report(world["auditlead"], report)
    services.return_report(world["auditlead"], report, "补充追责问责建议")
    assert SummaryReport.objects.get(pk=report.pk).state == SummaryState.DRAFT
    services.submit_report(world["auditor"], report)
    services.approve_report(world["auditlead"], report)
    services.send_report(world["auditlead"], report)
    with pytest.raises(ActionRefused):
        services.return_report(world["auditlead"], report, "晚了")


def test_who_drafts_and_approves_each_kind(world):
    rows = ledger(world)
    head = depthead(world)
    sector = services.create_report(world["dept"], kind="sector")
    assert sector.issuer == world.dept and sector.figures["totals"]["units"] == 2  # 一中, 二中
    services.submit_report(world["dept"], sector)
    with pytest.raises(ActionRefused):
        services.approve_report(world["dept"], sector)  # a supervisor is not the department's head
    services.approve_report(head, sector)

    congress = services.create_report(world["auditor"], kind="congress", year=2025)
    assert congress.issuer == world.government and congress.preparer == world.office_a
    assert congress.figures["totals"]["count"] == 4  # the budget-execution project only, no cadre audit
    services.submit_report(world["auditor"], congress)
    with pytest.raises(ActionRefused):
        services.approve_report(world["auditlead"], congress)  # the government approves its own report
    services.approve_report(world["gov"], congress)
    services.send_report(world["gov"], congress)
    assert list(congress.recipients.values_list("name", flat=True)) == ["甲区人大常委会"]

    unit = services.create_report(world["unit"], kind="unit", findings=[rows["closed"], rows["overdue"]])
    assert {o.name for o in unit.recipients.all()} == {"甲区审计局"}
    services.submit_report(world["unit"], unit)
    with pytest.raises(ActionRefused):
        services.approve_report(world["unit"], unit)
    services.approve_report(world["unithead"], unit)  # the head's sign-off
    assert SummaryReport.objects.get(pk=unit.pk).approved_by == world["unithead"]


@pytest.mark.parametrize(
    "username, kind",
    [("unit", "committee"), ("dept", "congress"), ("auditor", "sector"), ("gov", "committee"), ("congress", "unit"),
     ("sysadmin", "committee")],
)  # fmt: skip
def test_drafting_a_kind_outside_ones_role_is_refused(world, username, kind):
    ledger(world)
    with pytest.raises(ActionRefused) as refusal:
        services.create_report(world[username], kind=kind, year=2025)
    assert refusal.value.code == "forbidden"


def test_a_units_report_covers_only_its_own_published_findings(world):
    rows = ledger(world)
    with pytest.raises(ActionRefused, match="不属于本单位"):
        services.create_report(world["unit"], kind="unit", findings=[rows["closed"], rows["long_term"]])
    with pytest.raises(ActionRefused, match="不属于本单位"):
        services.create_report(world["unit"], kind="unit", findings=[rows["draft"]])
    with pytest.raises(ActionRefused, match="请选择"):
        services.create_report(world["unit"], kind="unit", findings=[])


def test_a_report_date_in_the_future_and_a_recipient_of_another_district_are_refused(world):
    ledger(world)
    with pytest.raises(ActionRefused, match="晚于今天"):
        services.create_report(world["auditor"], kind="committee", report_date=datetime.date(2999, 1, 1))
    with pytest.raises(ActionRefused, match="不在本区域"):
        services.create_report(world["auditor"], kind="committee", recipients=[world.office_b])


def test_the_approved_figures_are_frozen_whatever_the_ledger_does_afterwards(world):
    rows = ledger(world)
    report = committee_report(world)
    services.submit_report(world["auditor"], report)
    services.approve_report(world["auditlead"], report)
    before = SummaryReport.objects.get(pk=report.pk)
    # The ledger moves on: the overdue finding is reported and closed out.
    round_ = rectification.submit_report(
        world["unit"], rows["overdue"], measures="纳入预算", progress="完成", amounts={"amount_to_treasury": "1000.00"}
    )
    rectification.verify(world["auditor"], round_, verdict="rectified", reasons="核实", verified_amount="1000.00")
    services.send_report(world["auditor"], report)
    after = SummaryReport.objects.get(pk=report.pk)
    assert after.figures == before.figures and after.rows == before.rows
    assert after.figures["totals"]["rectified"] == 1 and after.figures["totals"]["amount_rectified"] == "580000.00"
    # A new report of the same scope counts the ledger as it is now.
    fresh = committee_report(world)
    assert fresh.figures["totals"]["rectified"] == 2
    assert Decimal(fresh.figures["totals"]["amount_rectified"]) == Decimal("581000.00")


def test_editing_a_draft_keeps_sections_and_refuses_a_stale_version(world):
    ledger(world)
    report = committee_report(world)
    services.update_report(world["auditor"], report, sections={"work": "新的正文"}, version=report.version)
    report.refresh_from_db()
    assert next(s for s in report.narrative if s["key"] == "work")["text"] == "新的正文"
    with pytest.raises(ActionRefused) as refusal:
        services.update_report(world["auditor2"], report, sections={"work": "旧版本"}, version=1)
    assert refusal.value.code == "stale"
    with pytest.raises(ActionRefused, match="没有"):
        services.update_report(world["auditor"], report, sections={"nonsense": "x"})


def test_the_approver_is_notified_when_a_report_awaits_approval_and_recipients_when_it_is_sent(
    world, django_capture_on_commit_callbacks
):
    ledger(world)
    with django_capture_on_commit_callbacks(execute=True):
        report = committee_report(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(world["auditor"], report)
    assert Notification.objects.filter(recipient=world["auditlead"], event_name="summary.submitted").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_report(world["auditlead"], report)
    assert not Notification.objects.filter(recipient=world["committee"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_report(world["auditor"], report)
    note = Notification.objects.get(recipient=world["committee"], event_name="summary.sent")
    assert report.title in note.title and note.url == report.get_absolute_url()
    assert not Notification.objects.filter(recipient=world["gov"], event_name="summary.sent").exists()
    assert not Notification.objects.filter(recipient=world["auditor"], event_name="summary.sent").exists()


# --- scope ----------------------------------------------------------------------------------------


def visible(user) -> set[int]:
    return set(SummaryReport.objects.restrict(user).values_list("pk", flat=True))


def test_who_sees_a_report_in_each_state(world, client):
    ledger(world)
    report = committee_report(world)
    city_auditor = world["city_auditor"]
    for username in ("auditor", "auditor2", "auditlead"):
        assert report.pk in visible(world[username])
    for username in ("committee", "gov", "congress", "unit", "dept", "auditor_b", "sysadmin", "secadmin", "logaudit"):
        assert report.pk not in visible(world[username]), username
    assert report.pk not in visible(city_auditor)  # not yet sent
    services.submit_report(world["auditor"], report)
    services.approve_report(world["auditlead"], report)
    services.send_report(world["auditor"], report)
    assert report.pk in visible(world["committee"])  # the recipient
    assert report.pk in visible(city_auditor)  # the audit office above
    for username in ("gov", "congress", "unit", "dept", "auditor_b", "finance", "sysadmin"):
        assert report.pk not in visible(world[username]), username
    for username, status in (("committee", 200), ("gov", 404), ("unit", 404), ("auditor_b", 404)):
        client.login(username=username, password=PASSWORD)
        assert client.get(report.get_absolute_url()).status_code == status, username
        assert client.get(f"/summaries/{report.pk}/document.docx").status_code == status, username
        assert client.get(f"/summaries/{report.pk}/annex.xlsx").status_code == status, username
        assert client.get(f"/api/summary-reports/{report.pk}/").status_code == status, username
        client.logout()


def test_a_recipient_reads_but_does_not_act(world):
    ledger(world)
    report = committee_report(world)
    services.submit_report(world["auditor"], report)
    services.approve_report(world["auditlead"], report)
    services.send_report(world["auditor"], report)
    other = world["committee2"]
    with pytest.raises(ActionRefused) as refusal:
        services.return_report(other, report, "不同意")
    assert refusal.value.code == "forbidden"


def test_a_units_report_on_its_own_internal_audit_goes_to_the_districts_audit_office(world):
    """The project's auditing organization is the unit itself: the report is addressed to the audit office
    of its district, never back to the unit (which the recipients' check would refuse)."""
    from types import SimpleNamespace

    from rectify.audits.choices import AuditType
    from rectify.summaries.choices import SummaryKind
    from rectify.summaries.services import default_recipients

    internal = SimpleNamespace(project=SimpleNamespace(audit_office_id=world.unit.pk, type=AuditType.INTERNAL_AUDIT))
    external = SimpleNamespace(
        project=SimpleNamespace(audit_office_id=world.office_a.pk, type=AuditType.BUDGET_EXECUTION)
    )
    assert default_recipients(SummaryKind.UNIT, world.unit, [internal]) == [world.office_a]
    assert default_recipients(SummaryKind.UNIT, world.unit, [internal, external]) == [world.office_a]
