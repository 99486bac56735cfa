"""Test data for summary reports: a small ledger in every state, and users of every approving role."""

from __future__ import annotations

import datetime
from decimal import Decimal

from rectify.accounts.choices import RoleCode
from rectify.testing import World, make_finding, make_user, upload


def ledger(world: World) -> dict:
    """Findings of district A in several states, with money, a partly verdict, rules and people."""
    from rectify.documents.tests.helpers import rich_finding
    from rectify.findings import services as findings
    from rectify.rectification import services as rectification

    closed = rich_finding(world)
    overdue = make_finding(world, "rectifying", title="食堂收入未纳入单位预算", deadline=datetime.date(2025, 6, 30))
    long_term = make_finding(world, "long_term", unit=world.sibling_unit, title="历史遗留债务未化解")
    fiscal = make_finding(
        world, "rectifying", unit=world.other_unit, category=world.fiscal_category, title="挤占挪用专项资金",
        amount_involved=Decimal("500000.00"), deadline=datetime.date(2030, 1, 31),
    )  # fmt: skip
    report = rectification.submit_report(
        world["other"], fiscal, measures="已归还部分资金", progress="归还20万元", unfinished_reason="资金紧张",
        next_steps="年底前全部归还", amounts={"amount_returned_to_source": "200000.00"}, evidence=[upload()],
        accountability=[{"person_name": "赵六", "position": "财务科长", "outcome": "criticism"}],
    )  # fmt: skip
    rectification.verify(
        world["auditor"], report, verdict="partly_rectified", reasons="尚未全部归还", verified_amount="200000.00"
    )
    fiscal.refresh_from_db()
    draft = make_finding(world, "draft", title="草稿问题不计入")
    cadre = make_finding(world, "issued", project=world.cadre_project, title="经济责任审计问题")
    other_district = findings.create_finding(
        world["auditor_b"], project=world.project_b, unit=world.unit_b, title="乙区问题", description="乙区",
        category=world.category, requirements=["整改"], amount_involved=Decimal("1000.00"),
        deadline=datetime.date(2025, 9, 30), allow_past_deadline=True,
    )  # fmt: skip
    findings.issue_finding(world["auditor_b"], other_district)
    return {
        "closed": closed, "overdue": overdue, "long_term": long_term, "fiscal": fiscal, "draft": draft,
        "cadre": cadre, "other_district": other_district,
    }  # fmt: skip


def depthead(world: World):
    """The head of the competent department (who approves its sector summary)."""
    if "depthead" not in world.users:
        world.users["depthead"] = make_user("depthead", world.dept, RoleCode.UNIT_HEAD)
    return world.users["depthead"]
