"""A finding's money and last report, kept on the finding (``Finding.rectified_*``, ``amount_verified``,
``last_reported_at``) so that the figures of a million findings are sums of their columns, not joins.

- ``rectified_<method>``: the sum of that money field over the finding's counted report rounds
  (``counted_report_q``: not deleted, not found not rectified or falsely rectified);
- ``amount_verified``: the amount its latest live verification (by time, then by id) recognised;
- ``last_reported_at``: the time of its latest live report round.

Every save of a report round or a verification (submitted, returned, verified, re-verified, deleted)
refreshes its finding in the same transaction (the signals below, connected in apps.py): whatever
writes them one by one, services, admin or factories, keeps the copy exact. Bulk loads (the demo,
``rectify generate``) end with ``rebuild_denormalized``, which recomputes every finding with set-based
SQL; ``rectify rebuild-denormalized`` runs it by hand.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from rectify.findings.models import RECTIFIED_FIELDS, ZERO, Finding, rectified_column
from rectify.rectification.choices import REJECTED_VERDICTS
from rectify.rectification.models import ProgressReport, Verification, counted_report_q

MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)


def _values(finding_ref) -> dict:
    """The columns' values for the finding ``finding_ref`` points at, as correlated subqueries."""
    reports = ProgressReport._base_manager.filter(finding_id=finding_ref).filter(counted_report_q())
    values = {}
    for field in RECTIFIED_FIELDS:
        total = reports.order_by().values("finding_id").annotate(total=Sum(field)).values("total")
        values[rectified_column(field)] = Coalesce(Subquery(total), Value(ZERO), output_field=MONEY_FIELD)
    latest = (
        Verification._base_manager.filter(finding_id=finding_ref, deleted_at__isnull=True)
        .order_by("-verified_at", "-pk")
        .values("verified_amount")[:1]
    )
    values["amount_verified"] = Coalesce(Subquery(latest), Value(ZERO), output_field=MONEY_FIELD)
    last = (
        ProgressReport._base_manager.filter(finding_id=finding_ref, deleted_at__isnull=True)
        .order_by("-submitted_at")
        .values("submitted_at")[:1]
    )
    values["last_reported_at"] = Subquery(last)
    return values


def refresh_findings(finding_ids: Iterable[int]) -> None:
    """Recomputes the columns of these findings (one UPDATE), inside the caller's transaction."""
    ids = sorted(set(finding_ids))
    if ids:
        Finding._base_manager.filter(pk__in=ids).update(**_values(OuterRef("pk")))


def report_saved(sender, instance, **kwargs) -> None:
    if not kwargs.get("raw"):
        refresh_findings([instance.finding_id])


def verification_saved(sender, instance, **kwargs) -> None:
    if not kwargs.get("raw"):
        refresh_findings([instance.finding_id])


# The set-based recount on PostgreSQL: each finding's counted rounds and latest verification, aggregated
# once over the whole tables, joined to the findings, written where they differ.
_REBUILD_SQL = """
WITH reports AS (
    SELECT r.finding_id, {sums}, max(r.submitted_at) AS last_reported_at
    FROM rectification_progressreport r
    WHERE r.deleted_at IS NULL
    GROUP BY r.finding_id
), latest AS (
    SELECT DISTINCT ON (v.finding_id) v.finding_id, v.verified_amount
    FROM rectification_verification v
    WHERE v.deleted_at IS NULL
    ORDER BY v.finding_id, v.verified_at DESC, v.id DESC
), fresh AS (
    SELECT f.id, {fresh}, coalesce(latest.verified_amount, 0) AS amount_verified, reports.last_reported_at
    FROM findings_finding f
    LEFT JOIN reports ON reports.finding_id = f.id
    LEFT JOIN latest ON latest.finding_id = f.id
)
UPDATE findings_finding f SET {assign}, amount_verified = fresh.amount_verified,
    last_reported_at = fresh.last_reported_at
FROM fresh
WHERE fresh.id = f.id AND ({differ} OR f.amount_verified IS DISTINCT FROM fresh.amount_verified
    OR f.last_reported_at IS DISTINCT FROM fresh.last_reported_at)
"""


def _rebuild_sql() -> tuple[str, list]:
    counted = (
        "NOT EXISTS (SELECT 1 FROM rectification_verification rv WHERE rv.report_id = r.id AND rv.verdict = ANY(%s))"
    )
    columns = [rectified_column(field) for field in RECTIFIED_FIELDS]
    sums = ", ".join(
        f"sum(r.{field}) FILTER (WHERE {counted}) AS {column}"
        for field, column in zip(RECTIFIED_FIELDS, columns, strict=True)
    )
    params = [[str(verdict) for verdict in REJECTED_VERDICTS]] * len(columns)
    sql = _REBUILD_SQL.format(
        sums=sums,
        fresh=", ".join(f"coalesce(reports.{c}, 0) AS {c}" for c in columns),
        assign=", ".join(f"{c} = fresh.{c}" for c in columns),
        differ=" OR ".join(f"f.{c} IS DISTINCT FROM fresh.{c}" for c in columns),
    )
    return sql, params


def rebuild_amounts() -> int:
    """Every finding's money columns and last report time, recounted; returns the rows changed."""
    if connection.vendor == "postgresql":
        sql, params = _rebuild_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount
    return Finding._base_manager.update(**_values(OuterRef("pk")))


def rebuild_denormalized() -> dict[str, int]:
    """Every denormalized column of every finding, recounted from what it derives from."""
    from rectify.findings.denormalized import rebuild_placement

    return {"placement": rebuild_placement(), "amounts": rebuild_amounts()}


def stale_findings() -> list[int]:
    """Ids of the findings whose columns differ from a recount (none, when everything wrote through)."""
    values = _values(OuterRef("pk"))
    fresh = Finding._base_manager.annotate(**{f"fresh_{name}": value for name, value in values.items()})
    recounted = [f"fresh_{name}" for name in values]
    rows = fresh.values(
        "pk", "year", "jurisdiction_id", "project__year", "project__jurisdiction_id", *values, *recounted
    )
    stale = []
    for row in rows:
        if row["year"] != row["project__year"] or row["jurisdiction_id"] != row["project__jurisdiction_id"]:
            stale.append(row["pk"])
        elif any(row[name] != row[f"fresh_{name}"] for name in values):
            stale.append(row["pk"])
    return stale
