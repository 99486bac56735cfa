"""Figures of a set of findings: counts by state and colour, money involved, rectified and verified.

The ledger, the project and organization pages, the workbench and the dashboard all call
``ledger_figures`` on the same filtered queryset, so their numbers agree. It asks three queries
whatever the number of findings: the counts, the money of the counted report rounds (a join of the
findings to their reports), and the money of each finding's latest verification (a join to the
verifications, ranked per finding by a window function). None is a subquery run once per finding.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from rectify.findings.choices import Colour, FindingState
from rectify.findings.warning import colour_q
from rectify.rectification.choices import AMOUNT_METHODS
from rectify.rectification.models import counted_report_q

ZERO = Decimal("0.00")


def _rectified_sums() -> dict:
    """The sums of the counted report rounds' money by method, as aggregates over findings."""
    counted = counted_report_q("reports__")
    return {field: Sum(f"reports__{field}", filter=counted) for field, _label in AMOUNT_METHODS}


def amounts_rectified(findings: QuerySet) -> dict[str, Decimal]:
    """The money the findings' counted report rounds rectified, by method (field → amount)."""
    sums = findings.order_by().aggregate(**_rectified_sums())
    return {field: sums[field] or ZERO for field, _label in AMOUNT_METHODS}


def _latest_verifications(findings: QuerySet) -> QuerySet:
    """The findings joined to their latest verification (by time), the amount it recognised as ``verified``."""
    latest_first = [F("verifications__verified_at").desc(), F("verifications__pk").desc()]
    return (
        findings.order_by()
        .filter(verifications__deleted_at__isnull=True)
        .annotate(
            verified=F("verifications__verified_amount"),
            rank=Window(RowNumber(), partition_by=[F("pk")], order_by=latest_first),
        )
        .filter(rank=1)
    )


def amount_verified(findings: QuerySet) -> Decimal:
    """The sum, over the findings, of the amount their latest verification (by time) recognised."""
    return _latest_verifications(findings).aggregate(total=Sum("verified"))["total"] or ZERO


def amounts_rectified_by(findings: QuerySet, *keys: str) -> dict[tuple, Decimal]:
    """``amounts_rectified`` (all methods together) for each group of findings, grouped by ``keys`` (lookups
    on the finding, ``"unit_id"``, ``"project__year"``, ``"pk"``): one GROUP BY query, whatever the groups."""
    rows = findings.order_by().values(*keys).annotate(**_rectified_sums())
    return {
        tuple(row[key] for key in keys): sum((row[field] or ZERO for field, _label in AMOUNT_METHODS), ZERO)
        for row in rows
    }


def amount_verified_by(findings: QuerySet, *keys: str) -> dict[tuple, Decimal]:
    """``amount_verified`` for each group of findings, grouped by ``keys``: one GROUP BY query over the
    verifications that no later one of the same finding follows (the latest by time, then by id, as
    ``amount_verified`` ranks them)."""
    from rectify.rectification.models import Verification

    live = Verification.objects.filter(deleted_at__isnull=True)
    later = live.filter(finding_id=OuterRef("finding_id")).filter(
        Q(verified_at__gt=OuterRef("verified_at")) | Q(verified_at=OuterRef("verified_at"), pk__gt=OuterRef("pk"))
    )
    lookups = ["finding_id" if key in ("pk", "id") else f"finding__{key}" for key in keys]
    rows = (
        live.filter(finding__in=findings.order_by().values("pk"))
        .exclude(Exists(later))
        .order_by()
        .values(*lookups)
        .annotate(total=Sum("verified_amount"))
    )
    return {tuple(row[lookup] for lookup in lookups): row["total"] or ZERO for row in rows}


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
        **{f"state_{state}": Count("pk", filter=Q(state=state)) for state in FindingState.values},
    )
    rectified = amounts_rectified(base)
    by_method = [(field, label, rectified[field]) for field, label in AMOUNT_METHODS]
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
        "amount_verified": amount_verified(base),
    }
