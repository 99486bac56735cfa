"""The actions on supervised matters and circulars: each flow to its end, with the record it leaves, and
every refused path changing nothing."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from rectify.core.exceptions import ActionRefused
from rectify.findings.choices import EventKind
from rectify.supervision import services
from rectify.supervision.choices import AssignmentState, CircularState, MatterState, StepKind
from rectify.supervision.models import Assignment, Circular, Progress, Step, SupervisedMatter
from rectify.supervision.tests.helpers import days, issued_circular, make_circular, make_matter
from rectify.testing import make_finding, upload

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(SupervisedMatter.objects.values_list("pk", "state")),
        list(Assignment.objects.values_list("pk", "state", "due_date")),
        Progress.objects.count(),
        Step.objects.count(),
        list(Circular.objects.values_list("pk", "state", "number_serial")),
    )


def test_a_decision_is_recorded_assigned_and_closed_when_every_part_is_accepted(
    world, django_capture_on_commit_callbacks
):
    finding = make_finding(world, "rectifying")
    with django_capture_on_commit_callbacks(execute=True):
        matter = make_matter(world, findings=[finding])
    unit_part = matter.assignments.get(organization=world.unit)
    dept_part = matter.assignments.get(organization=world.dept)
    assert unit_part.state == AssignmentState.PENDING and matter.state == MatterState.OPEN
    assert finding.events.filter(kind=EventKind.SUPERVISION).count() == 1
    # the assignees are told
    assert world["unit"].notifications.filter(title__contains="督办事项交办").exists()

    services.report_progress(world["unit"], unit_part, text="已清理两笔挂账", attachment=upload())
    unit_part.refresh_from_db()
    assert unit_part.state == AssignmentState.IN_PROGRESS
    assert unit_part.progress.get().attachment_sha256
    services.request_closure(world["unithead"], unit_part, "已全部完成")
    services.return_assignment(world["committee"], unit_part, "尚缺佐证材料")
    unit_part.refresh_from_db()
    assert unit_part.state == AssignmentState.IN_PROGRESS
    services.report_progress(world["unit"], unit_part, text="补充佐证材料")
    services.request_closure(world["unit"], unit_part)
    services.accept_closure(world["committee"], unit_part, "同意")
    matter.refresh_from_db()
    assert matter.state == MatterState.OPEN  # the department's part is still open
    services.report_progress(world["dept"], dept_part, text="已督促")
    services.request_closure(world["dept"], dept_part)
    services.accept_closure(world["committee"], dept_part)
    matter.refresh_from_db()
    assert matter.state == MatterState.CLOSED and matter.closed_at
    kinds = list(matter.steps.values_list("kind", flat=True))
    assert kinds[:3] == [StepKind.RECORDED, StepKind.ASSIGNED, StepKind.ASSIGNED]
    assert kinds[-1] == StepKind.CLOSED and StepKind.RETURNED in kinds
    assert matter.steps.filter(kind=StepKind.PROGRESS, actor=world["unit"]).count() == 2


def test_a_leadership_instruction_needs_who_gave_it_their_position_and_when(world):
    matter = make_matter(world, kind="instruction")
    assert (matter.instructed_by, matter.instructor_position) == ("李明", "区委书记") and matter.meeting == ""
    before = snapshot()
    with pytest.raises(ActionRefused, match="批示领导"):
        make_matter(world, kind="instruction", instructor_position="")
    assert snapshot() == before


@pytest.mark.parametrize(
    "change, message",
    [
        ({"meeting": ""}, "会议名称"),
        ({"assignees": []}, "至少选择一个承办单位"),
    ],
)
def test_incomplete_matters_are_refused(world, change, message):
    before = snapshot()
    with pytest.raises(ActionRefused, match=message):
        make_matter(world, **change)
    assert snapshot() == before


def test_a_past_due_date_or_an_organization_of_another_district_is_refused(world):
    before = snapshot()
    with pytest.raises(ActionRefused, match="早于今天"):
        services.record_matter(
            world["committee"], kind="decision", title="x", content="y", meeting="m", meeting_date=days(0),
            assignees=[services.AssigneeSpec(world.unit, days(-1))],
        )  # fmt: skip
    with pytest.raises(ActionRefused, match="不在本区域"):
        make_matter(world, assignees=[world.unit_b])
    assert snapshot() == before


@pytest.mark.parametrize("username", ["auditor", "unit", "gov", "congress", "sysadmin"])
def test_only_the_committee_office_records_matters_and_drafts_circulars(world, username):
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        services.record_matter(
            world[username], kind="decision", title="x", content="y", meeting="m", meeting_date=days(0),
            assignees=[services.AssigneeSpec(world.unit, days(3))],
        )  # fmt: skip
    assert refused.value.code == "forbidden"
    with pytest.raises(ActionRefused):
        services.draft_circular(world[username], kind="criticism", title="t", body="b", recipients=[world.unit])
    assert snapshot() == before


def test_each_side_takes_only_its_own_steps(world):
    matter = make_matter(world)
    part = matter.assignments.get(organization=world.unit)
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        services.report_progress(world["committee"], part, text="代报")
    assert refused.value.code == "forbidden"
    with pytest.raises(ActionRefused) as refused:
        services.report_progress(world["sibling"], part, text="他人")
    assert refused.value.code == "not_found"
    with pytest.raises(ActionRefused) as refused:
        services.report_progress(world["dept"], part, text="部门代报")  # sees the matter, not this part
    assert refused.value.code == "not_found"
    with pytest.raises(ActionRefused, match="请先报告办理进展"):
        services.request_closure(world["unit"], part)
    with pytest.raises(ActionRefused) as refused:
        services.accept_closure(world["unit"], part)
    assert refused.value.code == "forbidden"
    with pytest.raises(ActionRefused) as refused:
        services.accept_closure(world["committee"], part)
    assert refused.value.code == "invalid_state"
    with pytest.raises(ActionRefused, match="办理情况"):
        services.report_progress(world["unit"], part, text="  ")
    with pytest.raises(ActionRefused, match="内容不是允许的类型"):
        services.report_progress(world["unit"], part, text="附件", attachment=upload("a.pdf", b"not a pdf at all"))
    assert snapshot() == before
    services.report_progress(world["unit"], part, text="进展")
    services.request_closure(world["unit"], part)
    before = snapshot()
    with pytest.raises(ActionRefused, match="退回的原因"):
        services.return_assignment(world["committee"], part, " ")
    with pytest.raises(ActionRefused):
        services.report_progress(world["unit"], part, text="申请办结后再报")
    assert snapshot() == before


def test_overdue_is_derived_from_the_due_date_and_the_state(world):
    matter = make_matter(world)
    part = matter.assignments.get(organization=world.unit)
    assert not part.is_overdue()
    later = datetime.datetime.combine(days(31), datetime.time(9), tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(later, tick=False):
        assert part.is_overdue()
        services.report_progress(world["unit"], part, text="进展")
        services.request_closure(world["unit"], part)
        services.accept_closure(world["committee"], part)
        part.refresh_from_db()
        assert not part.is_overdue()


def test_a_circular_is_drafted_approved_issued_and_numbered(world, django_capture_on_commit_callbacks):
    finding = make_finding(world, "rectifying")
    matter = make_matter(world)
    circular = make_circular(world, findings=[finding], matters=[matter])
    assert circular.state == CircularState.DRAFT and circular.number == ""
    services.approve_circular(world["committee2"], circular)
    services.return_circular(world["committee2"], circular, "措辞需斟酌")
    circular.refresh_from_db()
    assert circular.state == CircularState.DRAFT and circular.approved_by is None
    services.update_circular(
        world["committee"], circular, kind="criticism", title="关于整改不力的通报", body="修改后的正文",
        recipients=[world.unit], findings=[finding], matters=[matter], version=circular.version,
    )  # fmt: skip
    services.approve_circular(world["committee2"], circular)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_circular(world["committee"], circular)
    circular.refresh_from_db()
    assert circular.state == CircularState.ISSUED and circular.issued_by == world["committee"]
    assert circular.drafted_by == world["committee"] and circular.approved_by == world["committee2"]
    assert circular.approved_at is not None and circular.issued_at >= circular.approved_at >= circular.created
    assert circular.number == f"甲审计委办〔{circular.number_year}〕1号"
    assert finding.events.filter(kind=EventKind.CIRCULAR).exists()
    assert world["unit"].notifications.filter(title__contains="收到通报").exists()
    assert not world["dept"].notifications.filter(title__contains="收到通报").exists()
    second = issued_circular(world)
    assert second.number_serial == 2
    kinds = list(circular.steps.values_list("kind", flat=True))
    assert kinds == ["drafted", "approved", "returned_circular", "edited", "approved", "issued"]


def test_the_drafter_or_an_editor_of_a_circular_may_not_approve_it(world):
    """Four eyes: another officer of the committee office approves what one drafted or edited."""
    circular = make_circular(world)  # drafted by "committee"
    assert "approve" not in services.circular_steps(world["committee"], circular)
    assert "approve" in services.circular_steps(world["committee2"], circular)
    before = snapshot()
    with pytest.raises(ActionRefused, match="起草人（含修改人）以外") as refused:
        services.approve_circular(world["committee"], circular)
    assert refused.value.code == "forbidden"
    assert snapshot() == before
    services.update_circular(
        world["committee2"], circular, kind="criticism", title="改写后的通报", body="改写后的正文",
        recipients=[world.unit], version=circular.version,
    )  # fmt: skip
    circular.refresh_from_db()
    with pytest.raises(ActionRefused, match="起草人（含修改人）以外"):
        services.approve_circular(world["committee2"], circular)  # now it wrote the text too
    assert "approve" not in services.circular_steps(world["committee2"], circular)
    circular.refresh_from_db()
    assert circular.state == CircularState.DRAFT and circular.approved_by is None


def test_circular_steps_out_of_order_or_by_others_change_nothing(world):
    circular = make_circular(world)
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        services.issue_circular(world["committee"], circular)
    assert refused.value.code == "invalid_state"
    with pytest.raises(ActionRefused) as refused:
        services.approve_circular(world["unit"], circular)  # a draft is not the recipients' to see
    assert refused.value.code == "not_found"
    with pytest.raises(ActionRefused, match="已被他人修改"):
        services.update_circular(
            world["committee"], circular, kind="criticism", title="t", body="b", recipients=[world.unit], version=99
        )
    with pytest.raises(ActionRefused, match="主送单位"):
        services.update_circular(world["committee"], circular, kind="criticism", title="t", body="b", recipients=[])
    assert snapshot() == before
    issued = issued_circular(world)
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        services.approve_circular(world["unit"], issued)  # a recipient sees it, may not act
    assert refused.value.code == "forbidden"
    assert snapshot() == before
