"""Figures of a set of findings: counts by state and colour, money involved, rectified and verified.

The ledger, the project and organization pages and the dashboard all call ``ledger_figures`` on the
same filtered queryset, so their numbers agree.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from rectify.findings.choices import Colour, FindingState
from rectify.findings.warning import colour_q
from rectify.rectification.choices import AMOUNT_METHODS
from rectify.rectification.models import ProgressReport, Verification

ZERO = Decimal("0.00")


def latest_verified_amount() -> Subquery:
    return Subquery(
        Verification.objects.filter(finding=OuterRef("pk"))
        .order_by("-verified_at", "-pk")
        .values("verified_amount")[:1]
    )


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
    reports = (
        ProgressReport.objects.filter(finding__in=findings.order_by().values("pk"))
        .counted()
        .aggregate(**{field: Sum(field) for field, _label in AMOUNT_METHODS})
    )
    by_method = [(field, label, reports[field] or ZERO) for field, label in AMOUNT_METHODS]
    verified = findings.order_by().annotate(verified=latest_verified_amount()).aggregate(v=Sum("verified"))["v"] or ZERO
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
        "amount_verified": verified,
    }
