"""Figures of a set of findings: counts by state and colour, money involved, rectified and verified.

The ledger, the project and organization pages, the workbench and the dashboard all call
``ledger_figures`` on the same filtered queryset, so their numbers agree. It asks three queries
whatever the number of findings: the counts, the money of the counted report rounds (a join of the
findings to their reports), and the money of each finding's latest verification (a join to the
verifications, ranked per finding by a window function). None is a subquery run once per finding.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from rectify.findings.choices import Colour, FindingState
from rectify.findings.warning import colour_q
from rectify.rectification.choices import AMOUNT_METHODS
from rectify.rectification.models import counted_report_q

ZERO = Decimal("0.00")


def amounts_rectified(findings: QuerySet) -> dict[str, Decimal]:
    """The money the findings' counted report rounds rectified, by method (field → amount)."""
    counted = counted_report_q("reports__")
    sums = findings.order_by().aggregate(
        **{field: Sum(f"reports__{field}", filter=counted) for field, _label in AMOUNT_METHODS}
    )
    return {field: sums[field] or ZERO for field, _label in AMOUNT_METHODS}


def amount_verified(findings: QuerySet) -> Decimal:
    """The sum, over the findings, of the amount their latest verification (by time) recognised."""
    latest_first = [F("verifications__verified_at").desc(), F("verifications__pk").desc()]
    ranked = (
        findings.order_by()
        .filter(verifications__deleted_at__isnull=True)
        .annotate(
            verified=F("verifications__verified_amount"),
            rank=Window(RowNumber(), partition_by=[F("pk")], order_by=latest_first),
        )
        .filter(rank=1)
    )
    return ranked.aggregate(total=Sum("verified"))["total"] or ZERO


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
