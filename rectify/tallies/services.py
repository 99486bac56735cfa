"""Counting the findings into their tally rows, and keeping those rows equal to a recount.

``recount(q, day)`` counts the findings that meet ``q`` at the finest grain (three grouped queries: the
findings, their counted report rounds, their latest verifications); the coarser grains are sums of the
finest rows of the same jurisdictions, summed in the database (``_derive``). ``refresh_units`` replaces
the rows of some units (and the coarser rows of their jurisdictions), ``roll`` recounts the colours for a
new day, ``rebuild`` replaces everything, and ``ensure_fresh`` (before every read) recounts what changes
marked and rolls the day over when it has turned.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Sum

from rectify.audits.choices import AuditType
from rectify.audits.models import AuditProject
from rectify.findings.choices import Colour
from rectify.findings.models import Finding
from rectify.findings.warning import RUNNING_STATES, colour_q, local_today
from rectify.rectification.choices import AMOUNT_METHODS
from rectify.rectification.models import ProgressReport, Verification, counted_report_q
from rectify.tallies.models import FindingTally, Grain, TallyDay, TallyMark

ZERO = Decimal("0.00")
BATCH = 2000
# Jurisdictions recounted together by ``rebuild``.
REBUILD_JURISDICTIONS = 10
LOCK = 8023  # PostgreSQL advisory lock: shared by recounts, exclusive for the day's roll and the rebuild

# The keys each grain keeps: the broad ones (COMMON) and the lean ones (LEAN_COMMON) with their breakdowns.
COMMON = ("jurisdiction_id", "internal", "project_type", "involves_fiscal_funds", "state")
LEAN_COMMON = ("jurisdiction_id", "internal", "state")
GRAIN_KEYS: dict[int, tuple[str, ...]] = {
    Grain.LEAN: LEAN_COMMON,
    Grain.LEAN_YEAR: (*LEAN_COMMON, "year"),
    Grain.LEAN_GROUP: (*LEAN_COMMON, "category_group_id"),
    Grain.LEAN_UNIT: (*LEAN_COMMON, "unit_id"),
    Grain.LEAN_YEAR_GROUP: (*LEAN_COMMON, "year", "category_group_id"),
    Grain.LEAN_UNIT_YEAR: (*LEAN_COMMON, "unit_id", "year"),
    Grain.LEAN_CATEGORY: (*LEAN_COMMON, "category_id", "category_group_id"),
    Grain.LEAN_CATEGORY_YEAR: (*LEAN_COMMON, "category_id", "category_group_id", "year"),
    Grain.LEAN_CATEGORY_UNIT: (*LEAN_COMMON, "category_id", "category_group_id", "unit_id"),
    Grain.BASE: COMMON,
    Grain.YEAR: (*COMMON, "year"),
    Grain.GROUP: (*COMMON, "category_group_id"),
    Grain.UNIT: (*COMMON, "unit_id"),
    Grain.UNIT_CATEGORY: (*COMMON, "audit_office_id", "unit_id", "category_id", "category_group_id", "year"),
}
# The grains by their number of rows, the fewest first (measured on a generated province of 1,000,000 findings,
# 100 districts: from 600 rows for LEAN to 305,550 for LEAN_CATEGORY_UNIT and 694,600 for the finest): a read takes
# the first that keeps the keys it wants (``figures.grain_for``). A grain whose keys are a part of another's comes
# before it.
ORDER: tuple[int, ...] = (
    Grain.LEAN,
    Grain.LEAN_YEAR,
    Grain.LEAN_GROUP,
    Grain.BASE,
    Grain.LEAN_CATEGORY,
    Grain.GROUP,
    Grain.LEAN_UNIT,
    Grain.LEAN_YEAR_GROUP,
    Grain.YEAR,
    Grain.LEAN_CATEGORY_YEAR,
    Grain.LEAN_UNIT_YEAR,
    Grain.UNIT,
    Grain.LEAN_CATEGORY_UNIT,
    Grain.UNIT_CATEGORY,
)
COARSE = ORDER[:-1]
# Each coarser grain is summed from the smallest grain after it in ORDER that keeps its keys (derived first).
SOURCE_OF: dict[int, int] = {
    grain: next(source for source in ORDER[i + 1 :] if set(GRAIN_KEYS[grain]) <= set(GRAIN_KEYS[source]))
    for i, grain in enumerate(COARSE)
}
MONEY = ("amount_involved", *(field for field, _label in AMOUNT_METHODS), "amount_verified")
COUNTS = ("findings", "repeats", "red", "yellow", "green")


def _finest_keys(path: str = "") -> dict:
    """The finest grain's keys as expressions on the finding at ``path``. ``internal`` is
    ``findings.scopes.INTERNAL`` (a test holds them equal)."""
    internal = Q(
        **{f"{path}project__type": AuditType.INTERNAL_AUDIT, f"{path}project__audit_office_id": F(f"{path}unit_id")}
    )
    return {
        "k_jurisdiction_id": F(f"{path}project__jurisdiction_id"),
        "k_internal": ExpressionWrapper(internal, output_field=BooleanField()),
        "k_project_type": F(f"{path}project__type"),
        "k_involves_fiscal_funds": F(f"{path}involves_fiscal_funds"),
        "k_state": F(f"{path}state"),
        "k_audit_office_id": F(f"{path}project__audit_office_id"),
        "k_unit_id": F(f"{path}unit_id"),
        "k_category_id": F(f"{path}category_id"),
        "k_category_group_id": F(f"{path}category__parent_id"),
        "k_year": F(f"{path}project__year"),
    }


FINEST = GRAIN_KEYS[Grain.UNIT_CATEGORY]


def _grouped(queryset, path: str = ""):
    keys = _finest_keys(path)
    return queryset.order_by().annotate(**keys).values(*keys)


def _key(row: dict) -> tuple:
    return tuple(bool(row["k_internal"]) if key == "internal" else row[f"k_{key}"] for key in FINEST)


def recount(q: Q, day: datetime.date) -> list[FindingTally]:
    """The finest tally rows of the (not deleted) findings that meet ``q``, colours as of ``day``."""
    findings = Finding.objects.filter(q)
    repeated = Exists(Finding.repeats.through.objects.filter(from_finding=OuterRef("pk")))
    groups = {
        _key(row): row
        for row in _grouped(findings).annotate(
            n=Count("pk"),
            n_repeats=Count("pk", filter=Q(repeated)),
            n_red=Count("pk", filter=colour_q(Colour.RED, day)),
            n_yellow=Count("pk", filter=colour_q(Colour.YELLOW, day)),
            n_green=Count("pk", filter=colour_q(Colour.GREEN, day)),
            involved=Sum("amount_involved"),
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
                grain=Grain.UNIT_CATEGORY,
                **dict(zip(FINEST, key, strict=True)),
                findings=row["n"],
                repeats=row["n_repeats"],
                red=row["n_red"],
                yellow=row["n_yellow"],
                green=row["n_green"],
                amount_involved=row["involved"] or ZERO,
                amount_verified=verified.get(key) or ZERO,
                **{field: money.get(f"s_{field}") or ZERO for field, _label in AMOUNT_METHODS},
            )
        )
    return rows


def _derive(jurisdictions: set[int] | None) -> int:
    """Replaces the coarser rows of these jurisdictions (all: None) by sums of their finest rows: one
    ``INSERT … SELECT … GROUP BY`` per grain, each summing the smallest grain already derived that keeps its
    keys (``SOURCE_OF``), in the database. Returns the number of rows written."""
    coarse = FindingTally.objects.filter(grain__in=COARSE)
    if jurisdictions is not None:
        if not jurisdictions:
            return 0
        coarse = coarse.filter(jurisdiction_id__in=jurisdictions)
    coarse.delete()
    quote = connection.ops.quote_name
    sums = (*COUNTS, *MONEY)
    within, params = "", []
    if jurisdictions is not None:
        ordered = sorted(jurisdictions)
        within = f" AND {quote('jurisdiction_id')} IN ({', '.join(['%s'] * len(ordered))})"
        params = ordered
    written = 0
    with connection.cursor() as cursor:
        for grain in reversed(COARSE):  # the finer first: each is the source of coarser ones
            keys = ", ".join(quote(key) for key in GRAIN_KEYS[grain])
            cursor.execute(
                f"INSERT INTO {quote(FindingTally._meta.db_table)} "
                f"({quote('grain')}, {keys}, {', '.join(quote(field) for field in sums)}) "
                f"SELECT %s, {keys}, {', '.join(f'SUM({quote(field)})' for field in sums)} "
                f"FROM {quote(FindingTally._meta.db_table)} WHERE {quote('grain')} = %s{within} GROUP BY {keys}",
                [int(grain), int(SOURCE_OF[grain]), *params],
            )
            written += cursor.rowcount
    return written


def _lock(exclusive: bool) -> None:
    """Recounts run side by side; the day's roll and the rebuild wait for them and they for it (PostgreSQL;
    SQLite has one writer at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_advisory_xact_lock{'' if exclusive else '_shared'}(%s)", [LOCK])


def _lock_units(unit_ids: list[int]) -> None:
    """Two recounts of one unit wait for each other."""
    if connection.vendor == "postgresql" and unit_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, u) FROM unnest(%s::int[]) AS u ORDER BY u", [LOCK, unit_ids]
            )


def _day() -> datetime.date:
    day = TallyDay.objects.values_list("as_of", flat=True).first()
    return day or local_today()


def refresh_units(unit_ids: Iterable[int]) -> int:
    """Replaces the finest rows of these units by their recount, and the coarser rows of their
    jurisdictions by the new sums; returns the number of finest rows written."""
    units = sorted({unit for unit in unit_ids if unit is not None})
    if not units:
        return 0
    with transaction.atomic():
        _lock(exclusive=False)
        _lock_units(units)
        theirs = FindingTally.objects.filter(grain=Grain.UNIT_CATEGORY, unit_id__in=units)
        jurisdictions = set(theirs.values_list("jurisdiction_id", flat=True).distinct())
        theirs.delete()
        rows = recount(Q(unit_id__in=units), _day())
        FindingTally.objects.bulk_create(rows, batch_size=BATCH)
        jurisdictions |= {row.jurisdiction_id for row in rows}
        # Coarse rows of a jurisdiction sum several units: one recount at a time per jurisdiction.
        _lock_units(sorted(-j for j in jurisdictions))
        _derive(jurisdictions)
    return len(rows)


def roll(day: datetime.date) -> None:
    """Recounts the colours for ``day``: the running findings' rows, then the coarser sums."""
    with transaction.atomic():
        _lock(exclusive=True)
        if TallyDay.objects.filter(as_of=day).exists():
            return  # another request rolled it over meanwhile
        FindingTally.objects.filter(grain=Grain.UNIT_CATEGORY, state__in=RUNNING_STATES).delete()
        FindingTally.objects.bulk_create(recount(Q(state__in=RUNNING_STATES), day), batch_size=BATCH)
        _derive(None)
        TallyDay.objects.all().delete()
        TallyDay.objects.create(as_of=day)


def rebuild(report=None) -> int:
    """Recounts every group (after a bulk load, or to repair); returns the number of rows."""
    started = time.monotonic()
    day = local_today()
    with transaction.atomic():
        _lock(exclusive=True)
        TallyMark.objects.all().delete()
        FindingTally.objects.all().delete()
        # A few jurisdictions at a time, so that memory stays bounded whatever the province's size (all at once,
        # a million findings' rows took 2.6 GB).
        jurisdictions = sorted(set(AuditProject.all_objects.order_by().values_list("jurisdiction_id", flat=True)))
        counted = derived = 0
        for start in range(0, len(jurisdictions), REBUILD_JURISDICTIONS):
            batch = jurisdictions[start : start + REBUILD_JURISDICTIONS]
            rows = recount(Q(project__jurisdiction_id__in=batch), day)
            FindingTally.objects.bulk_create(rows, batch_size=BATCH)
            counted += len(rows)
            derived += _derive(set(batch))
        TallyDay.objects.all().delete()
        TallyDay.objects.create(as_of=day)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {FindingTally._meta.db_table}")
    if report:
        report(f"tallies: {counted} rows, {derived} sums, in {time.monotonic() - started:.1f} s")
    return counted + derived


def mark_units(unit_ids: Iterable[int]) -> None:
    """For writes that send no signal (bulk inserts: the ledger import): these units are to be recounted."""
    from rectify.tallies.signals import mark_many

    mark_many([{"unit_id": unit_id} for unit_id in sorted(set(unit_ids))])


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
    """Recounts the units that changes marked since the last refresh."""
    with transaction.atomic():
        marks = list(
            TallyMark.objects.select_for_update(skip_locked=True)
            .order_by("pk")
            .values("pk", "unit_id", "finding_id", "project_id")
        )
        if not marks:
            return 0
        written = refresh_units(_marked_units(marks))
        TallyMark.objects.filter(pk__in=[mark["pk"] for mark in marks]).delete()
    return written


def ensure_fresh() -> None:
    """Before a read: one query when nothing changed; the marked units recounted, the day rolled over."""
    today = local_today()
    state = TallyDay.objects.annotate(pending=Exists(TallyMark.objects.all())).values_list("as_of", "pending").first()
    if state is None:  # never counted (a new database): count everything once
        rebuild()
        return
    if state[0] != today:
        roll(today)
    if state[1]:
        refresh_pending()
