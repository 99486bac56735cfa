"""The tallies equal a recount after every kind of change, and the figures read from them equal the
figures counted from the findings for every role (or the page counts the findings)."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rectify.findings import services as findings
from rectify.findings.models import Finding
from rectify.rectification import services as rectification
from rectify.rectification.choices import Verdict
from rectify.tallies import services
from rectify.tallies.figures import tally_scope, without_subsumed
from rectify.tallies.models import FindingTally, Grain, TallyDay, TallyMark
from rectify.testing import make_finding, make_project, upload

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in FindingTally._meta.concrete_fields if f.attname != "id"]


def stored() -> Counter:
    return Counter(
        tuple(value.normalize() if isinstance(value, Decimal) else value for value in row)
        for row in FindingTally.objects.values_list(*FIELDS)
    )


def assert_equal_to_a_recount() -> None:
    """What is stored now equals what a rebuild from the findings stores."""
    assert not TallyMark.objects.exists(), "a change was left uncounted"
    kept = stored()
    services.rebuild()
    assert kept == stored()
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
