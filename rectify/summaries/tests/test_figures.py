"""The figures folded from the facts of the ledger rows: the same numbers as the ledger's own figures over
the same rows, breakdowns that add up to their totals, and a cost in queries that does not grow with the
number of groups or findings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectify.findings.choices import Colour, FindingState
from rectify.findings.models import Finding
from rectify.ledger.figures import ledger_figures
from rectify.summaries import figures
from rectify.summaries.tests.helpers import ledger

pytestmark = pytest.mark.django_db


def test_the_folded_totals_are_the_ledgers_figures_over_the_same_rows(world):
    ledger(world)
    scope = Finding.objects.filter(project__jurisdiction=world.district_a)
    folded = figures.scope_figures(scope)
    own = ledger_figures(scope.exclude(state=FindingState.DRAFT))
    assert folded["count"] == own["published"] >= 5
    assert folded["rectified"] == own["closed"] and folded["rate"] == own["rate"]
    assert folded["overdue"] == own["colours"][Colour.RED] >= 1
    assert folded["yellow"] == own["colours"][Colour.YELLOW]
    states = {state: count for state, _label, count in own["states"]}
    assert folded["long_term"] == states[FindingState.LONG_TERM] >= 1
    assert folded["submitted"] == states[FindingState.SUBMITTED]
    assert Decimal(folded["amount_involved"]) == own["amount_involved"]
    assert Decimal(folded["amount_rectified"]) == own["amount_rectified"] > 0
    assert Decimal(folded["amount_verified"]) == own["amount_verified"] > 0
    assert [[f, Decimal(a)] for f, a in folded["amount_by_method"]] == [[f, a] for f, _l, a in own["amount_by_method"]]
    assert folded["partly"] == 1 and folded["people"] >= 1 and folded["rules"] >= 1


def test_the_breakdowns_add_up_to_the_totals_and_cost_no_query_per_group(world):
    ledger(world)
    scope = Finding.objects.filter(project__jurisdiction=world.district_a)
    facts = figures.finding_facts(scope)
    totals = figures.fold(facts)
    with CaptureQueriesContext(connection) as queries:
        units = figures.by_unit(facts, None)
        projects = figures.by_project(facts, None)
    assert len(queries) == 0
    areas = figures.by_area(facts, None)
    assert len(units) >= 3 and len(projects) >= 2 and len(areas) >= 2
    for groups in (units, projects, areas):
        assert sum(g["count"] for g in groups) == totals["count"]
        assert sum(g["people"] for g in groups) == totals["people"]
        assert sum(Decimal(g["amount_involved"]) for g in groups) == Decimal(totals["amount_involved"])
        assert sum(Decimal(g["amount_unrectified"]) for g in groups) == Decimal(totals["amount_unrectified"])
    # Each group is the figures of its own rows, computed alone.
    for group in units:
        alone = figures.scope_figures(scope.filter(unit_id=group["unit"]))
        assert {k: v for k, v in group.items() if k not in ("unit", "name")} == alone
    # The annex's rows come from the same facts: their money adds up to the totals.
    rows = figures.finding_rows(scope, facts=facts)
    assert [r["id"] for r in rows] == list(
        scope.exclude(state=FindingState.DRAFT).order_by("project__year", "ledger_number").values_list("pk", flat=True)
    )
    assert sum(Decimal(r["amount_rectified"]) for r in rows) == Decimal(totals["amount_rectified"])


def test_the_facts_cost_the_same_queries_for_one_finding_or_all(world):
    ledger(world)
    scope = Finding.objects.filter(project__jurisdiction=world.district_a)
    with CaptureQueriesContext(connection) as all_of_them:
        figures.finding_facts(scope)
    first = scope.exclude(state=FindingState.DRAFT).first()
    with CaptureQueriesContext(connection) as one:
        figures.finding_facts(scope.filter(pk=first.pk))
    assert len(all_of_them) == len(one) == 5
