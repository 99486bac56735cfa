"""The tallies equal a recount after every kind of change, and the figures read from them equal the
figures counted from the findings for every role (or the page counts the findings)."""

from __future__ import annotations

import datetime
import importlib
from collections import Counter, defaultdict
from decimal import Decimal
from itertools import combinations
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from rectify.findings import services as findings
from rectify.findings.models import Finding
from rectify.rectification import services as rectification
from rectify.rectification.choices import Verdict
from rectify.tallies import services
from rectify.tallies.figures import grain_for, tally_scope, without_subsumed
from rectify.tallies.models import FindingTally, Grain, TallyDay, TallyMark
from rectify.testing import make_finding, make_project, upload

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in FindingTally._meta.concrete_fields if f.attname != "id"]


def stored() -> Counter:
    return Counter(
        tuple(value.normalize() if isinstance(value, Decimal) else value for value in row)
        for row in FindingTally.objects.values_list(*FIELDS)
    )


SUMMED = (*services.COUNTS, *services.MONEY)


def assert_every_grain_sums_the_finest() -> None:
    """Each coarser grain's rows are the sums of the finest rows by its keys, and NULL in the keys it does not keep."""
    finest = list(FindingTally.objects.filter(grain=Grain.UNIT_CATEGORY).values(*services.FINEST, *SUMMED))
    for grain in services.COARSE:
        keys = services.GRAIN_KEYS[grain]
        expected: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(SUMMED, 0))
        for row in finest:
            sums = expected[tuple(row[key] for key in keys)]
            for field in SUMMED:
                sums[field] += row[field]
        rows = list(FindingTally.objects.filter(grain=grain).values(*services.FINEST, *SUMMED))
        assert {tuple(row[key] for key in keys): {f: row[f] for f in SUMMED} for row in rows} == expected, grain
        assert len(rows) == len(expected), grain
        dropped = [key for key in services.FINEST if key not in keys]
        assert all(row[key] is None for row in rows for key in dropped), grain


def assert_equal_to_a_recount() -> None:
    """What is stored now equals what a rebuild from the findings stores, at every grain."""
    assert not TallyMark.objects.exists(), "a change was left uncounted"
    assert_every_grain_sums_the_finest()
    kept = stored()
    services.rebuild()
    assert kept == stored()
    assert {row[0] for row in kept} == set(Grain.values) or not Finding.objects.exists(), "a grain was not derived"
    assert sum(FindingTally.objects.filter(grain=Grain.BASE).values_list("findings", flat=True)) == (
        Finding.objects.count()
    )


@pytest.fixture
def counted(django_capture_on_commit_callbacks):
    """Runs a change as if in its own transaction: the tallies are recounted when it commits."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            result = change()
        assert_equal_to_a_recount()
        return result

    return run


@pytest.mark.parametrize("size", [2, 12])
def test_the_tallies_equal_a_recount_after_every_kind_of_change(world, counted, size):
    auditor, unit = world["auditor"], world["unit"]
    services.rebuild()
    states = ["draft", "issued", "rectifying", "long_term", "submitted", "closed"]
    for i in range(size):  # findings in every state around the ones changed below
        counted(lambda i=i: make_finding(world, state=states[i % len(states)], amount_involved=Decimal(200000 + i)))

    created = counted(lambda: make_finding(world, amount_involved=Decimal("500.00")))
    counted(lambda: findings.update_finding(
        auditor, created, unit=world.sibling_unit, amount_involved=Decimal("700.00"), deadline=datetime.date(2099, 1, 1)
    ))  # fmt: skip
    counted(lambda: findings.issue_finding(auditor, Finding.objects.get(pk=created.pk)))
    finding = counted(lambda: make_finding(world, state="rectifying"))
    today = timezone.localdate()
    counted(
        lambda: findings.update_finding(
            auditor, Finding.objects.get(pk=finding.pk), reason="延期", deadline=today + datetime.timedelta(days=3)
        )
    )  # fmt: skip (a delay: now yellow)
    counted(lambda: rectification.explain_delay(
        unit, finding, reason="资金未到位", expected_completion=today + datetime.timedelta(days=30)
    ))  # fmt: skip
    report = counted(lambda: rectification.submit_report(
        unit, finding, measures="清理", progress="部分", amounts={"amount_other": "100"}, evidence=[upload()]
    ))  # fmt: skip
    counted(lambda: rectification.verify(
        auditor, report, verdict=Verdict.PARTLY_RECTIFIED, reasons="未完成", verified_amount="60"
    ))  # fmt: skip
    counted(lambda: rectification.submit_report(
        unit, finding, measures="调账", progress="完成", amounts={"amount_to_treasury": "50.5"}
    ))  # fmt: skip
    counted(lambda: rectification.return_for_rework(auditor, Finding.objects.get(pk=finding.pk), comment="材料不全"))
    third = counted(lambda: rectification.submit_report(
        unit, finding, measures="补充", progress="完成", amounts={"amount_other": "25"}
    ))  # fmt: skip
    counted(lambda: rectification.verify(auditor, third, verdict=Verdict.NOT_RECTIFIED, reasons="未整改"))
    last = counted(lambda: rectification.submit_report(
        unit, finding, measures="再次整改", progress="完成", amounts={"amount_other": "10"}
    ))  # fmt: skip
    counted(
        lambda: rectification.verify(
            auditor,
            last,
            verdict=Verdict.RECTIFIED,
            reasons="核实无误",
            verified_amount="70",
            complete=True,
            compliant=True,
        )
    )  # fmt: skip (closed)
    assert Finding.objects.get(pk=finding.pk).state == "closed"
    long_term = counted(lambda: make_finding(world, state="long_term"))
    counted(lambda: findings.resume_rectification(unit, long_term, comment="已具备完成条件"))
    earlier_project = make_project(world, world.office_a, [world.unit], world.project.type, year=2022)
    earlier = counted(lambda: make_finding(world, state="closed", project=earlier_project))
    counted(lambda: findings.link_repeats(auditor, Finding.objects.get(pk=created.pk), [earlier]))
    assert FindingTally.objects.filter(grain=Grain.BASE, repeats__gt=0).exists()
    counted(lambda: Finding.objects.get(pk=created.pk).delete())  # soft delete
    project = world.project
    project.year = 2023

    def save_project():
        with transaction.atomic():  # as an edit of the project in a request
            project.save()

    counted(save_project)
    assert FindingTally.objects.filter(grain=Grain.YEAR, year=2023).exists()


def test_a_bulk_write_marks_its_units(world, counted):
    """The ledger import inserts in bulk (no signal): it marks the units it wrote to."""
    services.rebuild()
    finding = make_finding(world, state="issued")
    Finding.objects.filter(pk=finding.pk).update(amount_involved=Decimal("1.00"))  # as a bulk write would
    TallyMark.objects.all().delete()
    counted(lambda: services.mark_units([finding.unit_id]))


def test_a_read_counts_what_changed_and_rolls_the_day_over(world):
    services.rebuild()
    finding = make_finding(world, state="rectifying", deadline=timezone.localdate())  # yellow today
    assert TallyMark.objects.exists()  # the commit's recount did not run (the test's transaction is open)
    services.ensure_fresh()
    assert not TallyMark.objects.exists()
    kept = stored()
    services.rebuild()
    assert kept == stored()
    # A day later the finding is overdue: the first read of the day recounts the colours.
    TallyDay.objects.update(as_of=timezone.localdate() - datetime.timedelta(days=1))
    FindingTally.objects.filter(unit_id=finding.unit_id, state="rectifying").update(red=0, yellow=99)
    services.ensure_fresh()
    assert TallyDay.objects.get().as_of == timezone.localdate()
    kept = stored()
    services.rebuild()
    assert kept == stored()


def test_internal_is_the_scopes_internal():
    """The tallies keep ``findings.scopes.INTERNAL`` as ``internal``: the same condition."""
    from rectify.findings.scopes import INTERNAL

    turned = tally_scope(INTERNAL)
    assert turned is not None and turned.q == Q(("internal", True)) and turned.keys == {"internal"}
    assert tally_scope(~INTERNAL).keys == {"internal"}


def test_what_the_tallies_do_not_keep_is_not_turned():
    from django.db.models import Exists, OuterRef

    from rectify.findings.warning import overdue_q

    assert tally_scope(overdue_q()) is None  # the deadline
    assert tally_scope(Q(title__contains="资金")) is None
    links = Finding.repeats.through.objects.filter(from_finding=OuterRef("pk"))
    assert tally_scope(Q(Exists(links))) is None
    assert tally_scope(Q(pk__in=Finding.objects.values("pk"))) is None
    assert without_subsumed(Q(unit_id=1)) == Q(unit_id=1)


def test_a_rebuild_a_jurisdiction_at_a_time_stores_what_a_rebuild_of_all_at_once_does(world, monkeypatch):
    """``rebuild`` recounts a few jurisdictions at a time (memory stays bounded): the rows are the same."""
    make_finding(world, state="issued")
    make_finding(world, state="rectifying")
    make_finding(world, state="issued", project=world.project_b, unit=world.unit_b, actor=world["auditor_b"])
    services.rebuild()
    all_at_once = stored()
    assert {row[FIELDS.index("jurisdiction_id")] for row in all_at_once} >= {world.district_a.pk, world.district_b.pk}
    monkeypatch.setattr(services, "REBUILD_JURISDICTIONS", 1)
    services.rebuild()
    assert stored() == all_at_once


# The keys the readers filter or break down on: the scopes, the ledger's and the dashboard's filters, the charts.
READ_KEYS = (
    "jurisdiction_id", "internal", "state", "project_type", "involves_fiscal_funds", "audit_office_id", "unit_id",
    "category_id", "category_group_id", "year",
)  # fmt: skip


def test_the_grains_are_listed_by_size_and_each_is_summed_from_a_grain_that_keeps_its_keys():
    keys = {grain: set(kept) for grain, kept in services.GRAIN_KEYS.items()}
    assert set(services.ORDER) == set(Grain.values) == set(services.GRAIN_KEYS)
    assert services.ORDER[-1] == Grain.UNIT_CATEGORY and set(READ_KEYS) == keys[Grain.UNIT_CATEGORY]
    for smaller, larger in combinations(services.ORDER, 2):
        # A grain whose keys are a part of another's has no more rows: it comes first.
        assert not keys[larger] < keys[smaller], (Grain(smaller).name, Grain(larger).name)
    for grain, source in services.SOURCE_OF.items():
        assert keys[grain] <= keys[source] and services.ORDER.index(source) > services.ORDER.index(grain)
    # Any two grains' common keys are a grain's: whatever the keys a read wants, one grain keeping them is
    # part of every other that does, so the smallest is the same whatever the province's numbers.
    for one, other in combinations(services.ORDER, 2):
        assert keys[one] & keys[other] in keys.values(), (Grain(one).name, Grain(other).name)


def test_grain_for_gives_the_smallest_grain_that_keeps_the_keys():
    keys = {grain: set(kept) for grain, kept in services.GRAIN_KEYS.items()}
    for size in range(len(READ_KEYS) + 1):
        for wanted in combinations(READ_KEYS, size):
            chosen = grain_for(frozenset(wanted))
            keeping = [grain for grain in services.ORDER if set(wanted) <= keys[grain]]
            assert set(wanted) <= keys[chosen], wanted
            assert all(keys[chosen] <= keys[grain] for grain in keeping), (wanted, Grain(chosen).name)
    # The audit office's and the government's dashboards (scope: jurisdiction, internal, state), by filter.
    scope = {"jurisdiction_id", "internal", "state"}
    expected = {
        (): Grain.LEAN,
        ("year",): Grain.LEAN_YEAR,
        ("category_group_id",): Grain.LEAN_GROUP,
        ("unit_id",): Grain.LEAN_UNIT,
        ("year", "category_group_id"): Grain.LEAN_YEAR_GROUP,
        ("year", "unit_id"): Grain.LEAN_UNIT_YEAR,
        ("category_id", "category_group_id"): Grain.LEAN_CATEGORY,
        ("category_id", "category_group_id", "year"): Grain.LEAN_CATEGORY_YEAR,
        ("category_id", "category_group_id", "unit_id"): Grain.LEAN_CATEGORY_UNIT,
        ("category_group_id", "unit_id"): Grain.LEAN_CATEGORY_UNIT,
        ("project_type",): Grain.BASE,
        ("project_type", "unit_id"): Grain.UNIT,
        ("involves_fiscal_funds", "year"): Grain.YEAR,
    }
    for extra, grain in expected.items():
        assert grain_for(scope | set(extra)) == grain, extra


def test_the_migrations_fill_of_the_lean_grains_equals_a_rebuild(world):
    """An upgraded database reads right without a rebuild: the migration sums the new grains from the finest rows
    already stored (and its reverse drops them)."""
    migration = importlib.import_module("rectify.tallies.migrations.0002_lean_grains")
    for state in ("issued", "rectifying", "closed", "draft"):
        make_finding(world, state=state, amount_involved=Decimal("201234.56"))
    make_finding(world, state="issued", project=world.project_b, unit=world.unit_b, actor=world["auditor_b"])
    services.rebuild()
    rebuilt = stored()
    lean = [grain for grain, _keys, _source in migration.FILLED]
    assert {grain for grain in Grain.values if grain >= Grain.LEAN} == set(lean)
    editor = SimpleNamespace(connection=connection)
    migration.drop_lean_grains(apps, editor)
    assert not FindingTally.objects.filter(grain__in=lean).exists()
    assert FindingTally.objects.filter(grain=Grain.UNIT_CATEGORY).exists()
    migration.fill_lean_grains(apps, editor)
    assert stored() == rebuilt
