"""Interviews brought to each state through the real actions, with the clock moved."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from rectify.findings import services as findings
from rectify.interviews import services
from rectify.interviews.choices import Ground
from rectify.testing import make_finding, make_project

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = D(2025, 7, 1)
MEETING = datetime.datetime(2025, 7, 10, 15, 0, tzinfo=SHANGHAI)


def repeat_finding(world, on, *, project=None, unit=None, title="往来款长期挂账未清理（再次发现）"):
    """A finding that repeats an earlier one, issued: the repeat rule proposes an interview."""
    project = project or world.project
    unit = unit or world.unit
    with on(D(2025, 6, 1)):
        earlier_project = make_project(world, project.audit_office, [unit], project.type, year=project.year - 1)
        earlier = make_finding(world, state="issued", project=earlier_project, unit=unit)
        finding = findings.create_finding(
            world["auditor"], project=project, unit=unit, title=title, description="同类问题再次出现。",
            category=world.category, requirements=["清理"], deadline=D(2025, 9, 30), repeats=[earlier],
            allow_past_deadline=True,
        )  # fmt: skip
    with on(START):
        findings.issue_finding(world["auditor"], finding)
    return finding


def proposed(world, on, **kwargs):
    finding = repeat_finding(world, on, **kwargs)
    return finding.interviews.get(ground=Ground.REPEAT)


def approved(world, on, **kwargs):
    interview = proposed(world, on, **kwargs)
    with on(D(2025, 7, 2)):
        return services.decide(world["auditlead"], interview.pk, approve=True, reason="屡审屡犯，约谈主要负责人")


def scheduled(world, on, **kwargs):
    interview = approved(world, on, **kwargs)
    with on(D(2025, 7, 3)):
        return services.schedule(
            world["auditor"], interview.pk, scheduled_at=MEETING, place="区审计局3楼会议室",
            attendees="王五 区审计局副局长\n赵六 审计组组长", interviewee="张三 校长",
        )  # fmt: skip


def held(world, on, **kwargs):
    interview = scheduled(world, on, **kwargs)
    with on(D(2025, 7, 10), hour=17):
        return services.hold(
            world["auditor"], interview.pk, record="张三说明了挂账形成的原因。", commitments="8月底前清理完毕",
            items=[("清理往来款", D(2025, 8, 31), "李会计"), ("建立清理制度", D(2025, 9, 15), "张三")],
        )  # fmt: skip
