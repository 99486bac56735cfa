"""Supervised matters and circulars made through the services, for the tests."""

from __future__ import annotations

import datetime

from rectify.findings.warning import local_today
from rectify.supervision import services


def days(n: int) -> datetime.date:
    return local_today() + datetime.timedelta(days=n)


def make_matter(world, *, assignees=None, findings=(), kind="decision", **extra):
    """A committee decision assigned to the demo unit (and the department), due in 30 days."""
    assignees = assignees if assignees is not None else [world.unit, world.dept]
    fields = {"meeting": "区委审计委员会第三次会议", "meeting_date": local_today()} if kind == "decision" else {
        "instructed_by": "李明", "instructor_position": "区委书记", "instructed_on": local_today()
    }  # fmt: skip
    fields.update(extra)
    return services.record_matter(
        world["committee"],
        kind=kind,
        title="督促第一中学整改往来款挂账问题",
        content="会议议定：第一中学于期限内清理往来款挂账，区教委督促落实。",
        assignees=[services.AssigneeSpec(org, days(30)) for org in assignees],
        findings=findings,
        **fields,
    )


def make_circular(world, *, recipients=None, findings=(), matters=()):
    return services.draft_circular(
        world["committee"],
        kind="criticism",
        title="关于部分单位审计整改不力情况的通报",
        body="经督查，部分单位审计整改工作推进缓慢。\n现予通报批评，请各单位引以为戒。",
        recipients=recipients if recipients is not None else [world.unit, world.dept],
        findings=findings,
        matters=matters,
    )


def issued_circular(world, **kwargs):
    circular = make_circular(world, **kwargs)
    services.approve_circular(world["committee2"], circular)  # four eyes: not the drafter
    return services.issue_circular(world["committee"], circular)
