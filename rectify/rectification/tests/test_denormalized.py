"""A finding's denormalized columns (year, jurisdiction, rectified and verified money, last report) equal a
recount of what they derive from after every kind of change, and the rebuild recomputes them all."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rectify.findings.models import Finding
from rectify.findings.scopes import finding_q_for_role
from rectify.ledger.figures import ledger_figures
from rectify.rectification import services as rectification
from rectify.rectification.choices import Verdict
from rectify.rectification.denormalized import rebuild_denormalized, stale_findings
from rectify.testing import make_finding

pytestmark = pytest.mark.django_db


def columns(finding: Finding) -> tuple:
    finding.refresh_from_db()
    return finding.amount_rectified, finding.amount_verified, finding.last_reported_at


def test_the_columns_follow_reports_returns_verifications_and_deletions(world):
    unit, auditor = world["unit"], world["auditor"]
    finding = make_finding(world, state="rectifying")
    assert (finding.year, finding.jurisdiction_id) == (finding.project.year, finding.project.jurisdiction_id)
    assert columns(finding) == (Decimal("0.00"), Decimal("0.00"), None)

    first = rectification.submit_report(
        unit, finding, measures="上缴", progress="部分", amounts={"amount_other": "100"}
    )
    assert columns(finding) == (Decimal("100.00"), Decimal("0.00"), first.submitted_at)
    assert finding.rectified_other == Decimal("100.00")
    assert stale_findings() == []

    # Found not rectified: the round's money is void, the finding goes back to the unit.
    rectification.verify(auditor, first, verdict=Verdict.NOT_RECTIFIED, reasons="未整改", verified_amount="0")
    assert columns(finding)[:2] == (Decimal("0.00"), Decimal("0.00"))
    assert stale_findings() == []

    second = rectification.submit_report(
        unit, finding, measures="调账", progress="部分", amounts={"amount_adjusted_in_accounts": "80"}
    )
    rectification.verify(auditor, second, verdict=Verdict.PARTLY_RECTIFIED, reasons="部分", verified_amount="80")
    assert columns(finding) == (Decimal("80.00"), Decimal("80.00"), second.submitted_at)
    third = rectification.submit_report(unit, finding, measures="上缴", progress="完成", amounts={"amount_other": "20"})
    rectification.verify(auditor, third, verdict=Verdict.RECTIFIED, reasons="核实无误", verified_amount="100")
    assert columns(finding) == (Decimal("100.00"), Decimal("100.00"), third.submitted_at)
    assert stale_findings() == []

    # A round deleted (soft): its money and time no longer count.
    third.verification.delete()
    third.delete()
    assert columns(finding) == (Decimal("80.00"), Decimal("80.00"), second.submitted_at)
    assert stale_findings() == []


def test_a_projects_year_and_jurisdiction_carry_over_to_its_findings(world):
    finding = make_finding(world, state="issued")
    project = finding.project
    project.year = project.year - 1
    project.jurisdiction = world.city
    project.save()
    finding.refresh_from_db()
    assert (finding.year, finding.jurisdiction_id) == (project.year, world.city.pk)
    assert stale_findings() == []


def test_the_rebuild_recounts_every_column_and_the_figures_read_them(world):
    closed = make_finding(world, state="closed")
    submitted = make_finding(world, state="submitted")
    Finding.objects.update(year=None, jurisdiction=None, rectified_adjusted_in_accounts=7, amount_verified=9)
    assert set(stale_findings()) == {closed.pk, submitted.pk}
    rebuild_denormalized()
    assert stale_findings() == []
    figures = ledger_figures(Finding.objects.filter(finding_q_for_role(world["auditor"], "auditor")))
    assert figures["amount_rectified"] == Decimal("250000.00")  # both findings' rounds count
    assert figures["amount_verified"] == Decimal("125000.00")  # the closed one's verification
