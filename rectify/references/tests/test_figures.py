"""The figures of the references, on the hand-built dataset: exact Decimal amounts, by year, by unit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rectify.references import readers

pytestmark = pytest.mark.django_db

D = Decimal


def test_budget_ranking_counts_only_fiscal_published_findings_of_the_jurisdiction(world, refs):
    ranking = readers.budget_ranking(world["finance"])
    rows = {row.unit_id: row for row in ranking["rows"]}
    assert set(rows) == {world.unit.pk, world.sibling_unit.pk}
    unit = rows[world.unit.pk].figures
    # f1 (100,000.00; 30,000.50 rectified and verified), f2 (50,000.00; its 20,000.00 void), f5 (125,000.00 closed)
    assert (unit.count, unit.closed) == (3, 1)
    assert unit.involved == D("275000.00")
    assert unit.rectified == D("155000.50")
    assert unit.verified == D("155000.50")
    assert unit.unrectified == D("119999.50")
    sibling = rows[world.sibling_unit.pk].figures
    assert (sibling.count, sibling.involved, sibling.rectified, sibling.unrectified) == (
        1, D("8000.25"), D("0.00"), D("8000.25"),
    )  # fmt: skip
    # Money unrectified first.
    assert [row.unit_id for row in ranking["rows"]] == [world.unit.pk, world.sibling_unit.pk]
    assert ranking["total"].involved == D("283000.25") and ranking["total"].unrectified == D("127999.75")
    assert rows[world.unit.pk].years_with_findings == 2 and rows[world.sibling_unit.pk].years_with_findings == 1


def test_budget_ranking_of_one_year(world, refs):
    rows = {row.unit_id: row.figures for row in readers.budget_ranking(world["finance"], year=2025)["rows"]}
    assert set(rows) == {world.unit.pk}
    assert (rows[world.unit.pk].involved, rows[world.unit.pk].rectified, rows[world.unit.pk].unrectified) == (
        D("125000.00"), D("125000.00"), D("0.00"),
    )  # fmt: skip
    rows = {row.unit_id: row.figures for row in readers.budget_ranking(world["finance"], year=2024)["rows"]}
    assert rows[world.unit.pk].involved == D("150000.00") and rows[world.unit.pk].unrectified == D("119999.50")


def test_budget_ranking_by_sector(world, refs):
    assert readers.budget_ranking(world["finance"], sector=world.unit.sector_id)["rows"]
    other = world.unit.sector_id + 1000
    assert readers.budget_ranking(world["finance"], sector=other)["rows"] == []


def test_unit_history_year_by_year(world, refs):
    data = readers.budget_unit(world["finance"], world.unit)
    assert data["years"] == [2025, 2024, 2023, 2022, 2021]
    history = dict(data["history"])
    assert history[2025].involved == D("125000.00") and history[2025].unrectified == D("0.00")
    assert history[2024].count == 2 and history[2024].rectified == D("30000.50")
    assert history[2024].unrectified == D("119999.50")
    assert history[2023].count == 0 and history[2023].involved == D("0.00")
    assert data["total"].involved == D("275000.00")
    by_year = dict(data["findings_by_year"])
    assert sorted(line.finding.pk for line in by_year[2024]) == sorted([refs["f1"].pk, refs["f2"].pk])
    lines = {line.finding.pk: line for line in by_year[2024]}
    assert lines[refs["f1"].pk].rectified == D("30000.50") and lines[refs["f1"].pk].unrectified == D("69999.50")
    assert lines[refs["f2"].pk].rectified == D("0.00") and lines[refs["f2"].pk].verified == D("0.00")
    # The draft is nobody's figure but the office's, and it is no finance figure in any case.
    assert refs["f6"].pk not in {line.finding.pk for line in by_year[2025]}


def test_the_audit_office_sees_the_same_figures(world, refs):
    finance = readers.budget_ranking(world["finance"])
    office = readers.budget_ranking(world["auditor"])
    assert [r.as_dict() for r in finance["rows"]] == [r.as_dict() for r in office["rows"]]
    # The city's audit office sees the district below it, district B included.
    city = {row.unit_id for row in readers.budget_ranking(world["city_auditor"])["rows"]}
    assert world.unit_b.pk in city


def test_cadre_figures(world, refs):
    project = world.cadre_project
    figures = readers.cadre_figures(world["orgdept"], [project.pk])[project.pk]
    # c1 60,000.00 (its report found falsely rectified: void), c2 125,000.00 closed.
    assert (figures["count"], figures["closed"]) == (2, 1)
    assert figures["involved"] == D("185000.00")
    assert figures["rectified"] == D("125000.00") and figures["verified"] == D("125000.00")
    assert figures["unrectified"] == D("60000.00")
    assert figures["interviews"] == 1 and figures["referrals"] == 1
    nature = readers.cadre_figures(world["orgdept"], [refs["nature"].pk])[refs["nature"].pk]
    assert nature["interviews"] == 0  # a proposal is the office's working paper


def test_cadre_detail(world, refs):
    detail = readers.cadre_detail(world["orgdept"], world.cadre_project)
    assert {line.finding.pk for line in detail["lines"]} == {refs["c1"].pk, refs["c2"].pk}
    lines = {line.finding.pk: line for line in detail["lines"]}
    assert lines[refs["c1"].pk].verification.verdict == "false_rectification"
    assert [i.pk for i in lines[refs["c1"].pk].interviews] == [refs["interview"].pk]
    assert [r.pk for r in lines[refs["c1"].pk].referrals] == [refs["referral"].pk]
    assert detail["persons"] == 1
    assert [(p.name, p.outcome) for p in detail["referrals"][0].persons.all()] == [("张建华", "admonishment")]
    assert detail["figures"]["amount_involved"] == D("185000.00")


def test_the_grouped_readers_add_up_to_the_ledgers_figures(world, refs):
    """``amounts_rectified_by`` and ``amount_verified_by`` are the ledger's arithmetic, grouped: the groups add
    up to ``ledger_figures`` of the same findings."""
    from rectify.findings.models import Finding
    from rectify.ledger.figures import amount_verified_by, amounts_rectified_by, ledger_figures

    findings = Finding.objects.exclude(state="draft")
    figures = ledger_figures(findings)
    for keys in (("unit_id", "project__year"), ("pk",), ("project_id",)):
        assert sum(amounts_rectified_by(findings, *keys).values(), D("0")) == figures["amount_rectified"]
        assert sum(amount_verified_by(findings, *keys).values(), D("0")) == figures["amount_verified"]
    assert amount_verified_by(findings, "pk")[(refs["f1"].pk,)] == D("30000.50")
    assert amount_verified_by(findings, "pk")[(refs["f2"].pk,)] == D("0.00")
