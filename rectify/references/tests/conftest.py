"""A hand-built district for the references: audits of cadres and others, findings about fiscal funds and
others over two years, with money rectified, voided by a verdict and verified, in exact amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rectify.audits.choices import AuditType
from rectify.audits.models import AuditProject
from rectify.findings.warning import local_today
from rectify.interviews import services as interviews
from rectify.interviews.choices import Ground
from rectify.rectification import services as rectification
from rectify.referrals import services as referrals
from rectify.testing import make_finding, make_project, upload


def report(world, finding, amounts: dict, user="unit"):
    return rectification.submit_report(
        world[user], finding, measures="已整改", progress="已完成", amounts=amounts, evidence=[upload()]
    )


@pytest.fixture
def refs(world):
    """The dataset: names → objects. Amounts (yuan) are chosen so that every sum is exact to the cent."""
    auditor, lead = world["auditor"], world["auditlead"]
    a = world.office_a
    p2024 = make_project(world, a, [world.unit, world.sibling_unit], AuditType.BUDGET_EXECUTION, year=2024)
    # A budget audit naming a leader is no cadre audit: the organization department does not see it.
    AuditProject.objects.filter(pk=world.project.pk).update(audited_official="预算执行负责人")
    AuditProject.objects.filter(pk=world.cadre_project.pk).update(audited_official="张建华（原区第一中学校长）")
    nature = make_project(
        world, a, [world.other_unit], AuditType.NATURAL_RESOURCES, year=2024, audited_official="李明（原区交通局局长）"
    )
    empty = make_project(
        world, a, [world.sibling_unit], AuditType.ECONOMIC_RESPONSIBILITY, year=2023, audited_official="王芳"
    )
    cadre_b = make_project(
        world, world.office_b, [world.unit_b], AuditType.ECONOMIC_RESPONSIBILITY, audited_official="乙区干部"
    )
    fiscal = {"category": world.fiscal_category, "involves_fiscal_funds": True}
    # 2024, the unit: one partly rectified and verified, one whose report was found not rectified (void).
    f1 = make_finding(world, "rectifying", project=p2024, amount_involved=Decimal("100000.00"), **fiscal,
                      title="挤占财政专项资金")  # fmt: skip
    r1 = report(world, f1, {"amount_to_treasury": "30000.50"})
    rectification.verify(auditor, r1, verdict="partly_rectified", reasons="部分资金已上缴", verified_amount="30000.50")
    f2 = make_finding(world, "rectifying", project=p2024, amount_involved=Decimal("50000.00"), **fiscal,
                      title="超预算支出")  # fmt: skip
    r2 = report(world, f2, {"amount_adjusted_in_accounts": "20000.00"})
    rectification.verify(auditor, r2, verdict="not_rectified", reasons="未见调账凭证", verified_amount="0.00")
    # 2024, not about fiscal funds: the finance bureau does not see it.
    f3 = make_finding(world, "issued", project=p2024, amount_involved=Decimal("999999.00"), title="会计基础工作薄弱")
    # 2024, the sibling unit: issued, nothing rectified.
    f4 = make_finding(world, "issued", project=p2024, unit=world.sibling_unit, amount_involved=Decimal("8000.25"),
                      **fiscal, title="结余资金未上缴")  # fmt: skip
    # 2025, the unit: closed (125,000.00 adjusted and verified), and a draft (nobody outside the office sees it).
    f5 = make_finding(world, "closed", project=world.project, **fiscal, title="专项资金闲置")
    f6 = make_finding(world, "draft", project=world.project, amount_involved=Decimal("7.00"), **fiscal)
    # District B: another audit office's ledger.
    f7 = make_finding(world, "issued", project=world.project_b, unit=world.unit_b, actor=world["auditor_b"],
                      amount_involved=Decimal("4000.00"), **fiscal)  # fmt: skip
    # The cadre audits' findings, with interviews and a referral.
    c1 = make_finding(world, "rectifying", project=world.cadre_project, amount_involved=Decimal("60000.00"),
                      title="违规发放津补贴")  # fmt: skip
    c2 = make_finding(world, "closed", project=world.cadre_project, title="重大经济事项未集体决策")
    n1 = make_finding(world, "issued", project=nature, unit=world.other_unit, amount_involved=Decimal("0.00"),
                      title="未落实耕地保护目标")  # fmt: skip
    held = interviews.propose(c1, Ground.OVERDUE, basis="逾期未整改", actor=auditor)
    interviews.decide(lead, held.pk, approve=True, reason="同意约谈")
    proposed = interviews.propose(n1, Ground.OVERDUE, basis="逾期未整改", actor=auditor)  # a working paper
    r_c1 = report(world, c1, {"amount_other": "1000.00"})
    rectification.verify(auditor, r_c1, verdict="false_rectification", reasons="佐证材料系事后补制")
    referral = referrals.create_referral(
        auditor, recipient=world.orgdept, ground="false_rectification", findings=[c1],
        facts="报送的整改情况与实际不符。", request="建议组织处理。",
    )  # fmt: skip
    referrals.approve_referral(lead, referral)
    referrals.send_referral(lead, referral)
    referrals.conclude_referral(
        world["orgdept"], referral, outcome_date=local_today(), text="给予诫勉处理",
        persons=[referrals.Person(name="张建华", position="原校长", outcome="admonishment")],
    )  # fmt: skip
    for finding in (f1, f2, f3, f4, f5, f6, f7, c1, c2, n1):
        finding.refresh_from_db()
    return {
        "p2024": p2024, "nature": nature, "empty": empty, "cadre_b": cadre_b, "f1": f1, "f2": f2, "f3": f3,
        "f4": f4, "f5": f5, "f6": f6, "f7": f7, "c1": c1, "c2": c2, "n1": n1, "interview": held,
        "proposed": proposed, "referral": referral,
    }  # fmt: skip
