"""Figures of a set of findings: counts by state and colour, money involved, rectified and verified.

The ledger, the project and organization pages, the workbench and the dashboard all call
``ledger_figures`` on the same filtered queryset, so their numbers agree. It asks one query whatever the
number of findings: the money rectified and verified are the finding's own denormalized columns
(``Finding.rectified_<method>``, ``amount_verified``, kept equal to a recount of the report rounds and
verifications by rectify.rectification.denormalized), so the figures are sums over the findings alone,
with no join to the reports and no subquery per finding.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from rectify.findings.choices import Colour, FindingState
from rectify.findings.models import rectified_column
from rectify.findings.warning import colour_q
from rectify.rectification.choices import AMOUNT_METHODS

ZERO = Decimal("0.00")


def _rectified_sums() -> dict:
    """The sums of the findings' rectified money by method (report field → aggregate of its column)."""
    return {field: Sum(rectified_column(field)) for field, _label in AMOUNT_METHODS}


def amounts_rectified(findings: QuerySet) -> dict[str, Decimal]:
    """The money the findings' counted report rounds rectified, by method (field → amount)."""
    sums = findings.order_by().aggregate(**_rectified_sums())
    return {field: sums[field] or ZERO for field, _label in AMOUNT_METHODS}


def amount_verified(findings: QuerySet) -> Decimal:
    """The sum, over the findings, of the amount their latest verification (by time) recognised."""
    return findings.order_by().aggregate(total=Sum("amount_verified"))["total"] or ZERO


def amounts_rectified_by(findings: QuerySet, *keys: str) -> dict[tuple, Decimal]:
    """``amounts_rectified`` (all methods together) for each group of findings, grouped by ``keys`` (lookups
    on the finding, ``"unit_id"``, ``"project__year"``, ``"pk"``): one GROUP BY query, whatever the groups."""
    rows = findings.order_by().values(*keys).annotate(**_rectified_sums())
    return {
        tuple(row[key] for key in keys): sum((row[field] or ZERO for field, _label in AMOUNT_METHODS), ZERO)
        for row in rows
    }


def amount_verified_by(findings: QuerySet, *keys: str) -> dict[tuple, Decimal]:
    """``amount_verified`` for each group of findings, grouped by ``keys``: one GROUP BY query."""
    rows = findings.order_by().values(*keys).annotate(total=Sum("amount_verified"))
    return {tuple(row[key] for key in keys): row["total"] or ZERO for row in rows}


def ledger_figures(findings: QuerySet) -> dict:
    base = findings.order_by()
    counts = base.aggregate(
        total=Count("pk"),
        published=Count("pk", filter=~Q(state=FindingState.DRAFT)),
        closed=Count("pk", filter=Q(state=FindingState.CLOSED)),
        red=Count("pk", filter=colour_q(Colour.RED)),
        yellow=Count("pk", filter=colour_q(Colour.YELLOW)),
        green=Count("pk", filter=colour_q(Colour.GREEN)),
        amount_involved=Sum("amount_involved"),
        amount_verified=Sum("amount_verified"),
        **_rectified_sums(),
        **{f"state_{state}": Count("pk", filter=Q(state=state)) for state in FindingState.values},
    )
    by_method = [(field, label, counts[field] or ZERO) for field, label in AMOUNT_METHODS]
    published = counts["published"]
    return {
        "total": counts["total"],
        "published": published,
        "closed": counts["closed"],
        "open": published - counts["closed"],
        "rate": round(counts["closed"] * 100 / published, 1) if published else None,
        "colours": {c: counts[c] for c in (Colour.RED, Colour.YELLOW, Colour.GREEN)},
        "states": [(s, label, counts[f"state_{s}"]) for s, label in FindingState.choices],
        "amount_involved": counts["amount_involved"] or ZERO,
        "amount_rectified": sum((amount for _f, _l, amount in by_method), ZERO),
        "amount_by_method": by_method,
        "amount_verified": counts["amount_verified"] or ZERO,
    }


def top_named(rows: list[dict], measure: str, limit: int) -> list[dict]:
    """The ``limit`` rows (each a unit's counts, keyed ``unit_id``) with the highest ``measure``, by the unit's
    name where they tie, each given its ``unit__name``. The counts are grouped by the unit's id alone (a
    province's thousands of units hash in memory); only the units that may place are named (one query)."""
    from rectify.organizations.models import Organization

    ranked = sorted(rows, key=lambda row: -row[measure])
    bound = ranked[limit - 1][measure] if len(ranked) > limit else None
    candidates = ranked if bound is None else [row for row in ranked if row[measure] >= bound]
    names = dict(
        Organization.all_objects.filter(pk__in=[row["unit_id"] for row in candidates]).values_list("pk", "name")
    )
    named = [{**row, "unit__name": names.get(row["unit_id"], "")} for row in candidates]
    return sorted(named, key=lambda row: (-row[measure], row["unit__name"]))[:limit]
