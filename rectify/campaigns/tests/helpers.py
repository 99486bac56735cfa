from __future__ import annotations

import datetime

from rectify.campaigns import services
from rectify.findings.warning import local_today
from rectify.testing import make_finding


def days(n: int) -> datetime.date:
    return local_today() + datetime.timedelta(days=n)


def dept_findings(world):
    """Two findings of the department's units (one closed, one rectifying past its deadline) and one of the
    transport bureau, which is not under the department."""
    closed = make_finding(world, "closed")
    late = make_finding(world, "rectifying", unit=world.sibling_unit, title="食堂收支未纳入单位预算")
    foreign = make_finding(world, "rectifying", unit=world.other_unit, title="交通专项资金闲置")
    return closed, late, foreign


def open_dept_campaign(world, findings):
    return services.open_campaign(
        world["dept"],
        title="教育系统往来款清理专项整治",
        problem="多所学校往来款长期挂账、食堂收支游离于预算之外。",
        findings=findings,
        target_date=days(90),
        measures="全面清理往来款；食堂收支纳入预算管理。",
    )
