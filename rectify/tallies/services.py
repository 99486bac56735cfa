"""Counting the findings into their tally rows, and keeping those rows equal to a recount.

``recount(q)`` counts the findings that meet ``q`` (three grouped queries: the findings, their counted
report rounds, their latest verifications), ``refresh_units`` replaces the rows of some units by their
recount, ``rebuild`` replaces them all, and ``refresh_pending`` recounts the units that changes marked.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, When

from rectify.findings.models import Finding
from rectify.findings.warning import RUNNING_STATES
from rectify.rectification.choices import AMOUNT_METHODS
from rectify.rectification.models import ProgressReport, Verification, counted_report_q
from rectify.tallies.models import FindingTally, TallyMark

ZERO = Decimal("0.00")
BATCH = 2000

# The group of a finding: tally field → the finding's lookup.
KEYS = {
    "jurisdiction_id": "project__jurisdiction_id",
    "audit_office_id": "project__audit_office_id",
    "unit_id": "unit_id",
    "category_id": "category_id",
    "year": "project__year",
    "project_type": "project__type",
    "involves_fiscal_funds": "involves_fiscal_funds",
    "state": "state",
}


def _deadline(path: str = "") -> Case:
    """The deadline of a running finding (the colour reads it), NULL in the other states."""
    return Case(When(**{f"{path}state__in": RUNNING_STATES}, then=F(f"{path}deadline")), default=None)


def _grouped(queryset, path: str = ""):
    lookups = {f"k_{field}": F(f"{path}{lookup}") for field, lookup in KEYS.items()}
    return queryset.order_by().annotate(**lookups, k_deadline=_deadline(path)).values(*lookups, "k_deadline")


def _key(row: dict) -> tuple:
    return (*(row[f"k_{field}"] for field in KEYS), row["k_deadline"])


def recount(q: Q) -> list[FindingTally]:
    """The tally rows of the (not deleted) findings that meet ``q``, a condition on the finding."""
    findings = Finding.objects.filter(q)
    repeated = Exists(Finding.repeats.through.objects.filter(from_finding=OuterRef("pk")))
    groups = {
        _key(row): row
        for row in _grouped(findings).annotate(
            n=Count("pk"), n_repeats=Count("pk", filter=Q(repeated)), involved=Sum("amount_involved")
        )
    }
    chosen = findings.values("pk")
    rectified = {
        _key(row): row
        for row in _grouped(
            ProgressReport.objects.filter(counted_report_q(), finding__in=chosen), "finding__"
        ).annotate(**{f"s_{field}": Sum(field) for field, _label in AMOUNT_METHODS})
    }
    live = Verification.objects.filter(deleted_at__isnull=True)
    later = live.filter(finding_id=OuterRef("finding_id")).filter(
        Q(verified_at__gt=OuterRef("verified_at")) | Q(verified_at=OuterRef("verified_at"), pk__gt=OuterRef("pk"))
    )
    verified = {
        _key(row): row["total"]
        for row in _grouped(live.filter(finding__in=chosen).exclude(Exists(later)), "finding__").annotate(
            total=Sum("verified_amount")
        )
    }
    rows = []
    for key, row in groups.items():
        money = rectified.get(key, {})
        rows.append(
            FindingTally(
                **dict(zip(KEYS, key[:-1], strict=True)),
                deadline=key[-1],
                findings=row["n"],
                repeats=row["n_repeats"],
                amount_involved=row["involved"] or ZERO,
                amount_verified=verified.get(key) or ZERO,
                **{field: money.get(f"s_{field}") or ZERO for field, _label in AMOUNT_METHODS},
            )
        )
    return rows


def _lock_units(unit_ids: list[int]) -> None:
    """Two recounts of one unit wait for each other (PostgreSQL; SQLite has one writer at a time anyway)."""
    if connection.vendor == "postgresql" and unit_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(8023, u) FROM unnest(%s::int[]) AS u ORDER BY u", [sorted(unit_ids)]
            )


def refresh_units(unit_ids: Iterable[int]) -> int:
    """Replaces the tally rows of these units by their recount; returns the number of rows written."""
    units = sorted({unit for unit in unit_ids if unit is not None})
    if not units:
        return 0
    with transaction.atomic():
        _lock_units(units)
        FindingTally.objects.filter(unit_id__in=units).delete()
        rows = recount(Q(unit_id__in=units))
        FindingTally.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def rebuild(report=None) -> int:
    """Recounts every group (after a bulk load, or to repair); returns the number of rows."""
    started = time.monotonic()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {FindingTally._meta.db_table} IN EXCLUSIVE MODE")
        TallyMark.objects.all().delete()
        FindingTally.objects.all().delete()
        rows = recount(Q())
        FindingTally.objects.bulk_create(rows, batch_size=BATCH)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {FindingTally._meta.db_table}")
    if report:
        report(f"tallies: {len(rows)} rows in {time.monotonic() - started:.1f} s")
    return len(rows)


def _marked_units(marks: list[dict]) -> set[int]:
    units = {mark["unit_id"] for mark in marks if mark["unit_id"] is not None}
    findings = {mark["finding_id"] for mark in marks if mark["finding_id"] is not None}
    projects = {mark["project_id"] for mark in marks if mark["project_id"] is not None}
    if findings or projects:
        everything = Finding._base_manager.order_by()
        wanted = Q(pk__in=findings) | Q(project_id__in=projects)
        units.update(everything.filter(wanted).values_list("unit_id", flat=True).distinct())
    return units


def refresh_pending() -> int:
    """Recounts the units that changes marked since the last refresh (nothing to do: one query)."""
    if not TallyMark.objects.exists():
        return 0
    with transaction.atomic():
        marks = list(
            TallyMark.objects.select_for_update(skip_locked=True)
            .order_by("pk")
            .values("pk", "unit_id", "finding_id", "project_id")
        )
        if not marks:
            return 0
        units = _marked_units(marks)
        written = refresh_units(units)
        TallyMark.objects.filter(pk__in=[mark["pk"] for mark in marks]).delete()
    return written
