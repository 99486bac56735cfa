"""Figures read from the tallies, in the shapes the ledger's figures give from the findings.

``tally_q`` turns a condition on the findings (a scope, a task) into the same condition on the tally
rows, or gives None when the condition looks at something the tallies do not keep (a subquery, a report,
the text): the caller then counts the findings themselves. What it turns is a renaming of lookups, so a
figure read here is the figure of the same findings, never of more.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.expressions import Combinable

from rectify.core.visibility import NOTHING
from rectify.findings.choices import Colour, FindingState
from rectify.findings.warning import colour_q
from rectify.rectification.choices import AMOUNT_METHODS
from rectify.tallies.models import FindingTally

ZERO = Decimal("0.00")

# A finding's lookup (its leading part) → the tally's. Lookups under the unit and the category follow
# their foreign keys, which the tally keeps under the same names.
RENAMED = {
    "project__jurisdiction_id": "jurisdiction_id",
    "project__jurisdiction": "jurisdiction",
    "project__audit_office_id": "audit_office_id",
    "project__audit_office": "audit_office",
    "project__type": "project_type",
    "project__year": "year",
}
KEPT = ("unit", "unit_id", "category", "category_id", "state", "involves_fiscal_funds", "deadline")


class NotTallied(Exception):
    """The condition reads something the tallies do not keep."""


def _rename(lookup: str) -> str:
    for old, new in sorted(RENAMED.items(), key=lambda item: -len(item[0])):
        if lookup == old or lookup.startswith(old + "__"):
            return new + lookup[len(old) :]
    head = lookup.split("__", 1)[0]
    if head in KEPT:
        return lookup
    raise NotTallied(lookup)


def _value(value):
    if isinstance(value, F):
        return F(_rename(value.name))
    if isinstance(value, Combinable | Q):
        raise NotTallied(repr(value))  # an expression or a subquery on the findings
    if isinstance(value, QuerySet) and value.model is not None and value.model._meta.label == "findings.Finding":
        raise NotTallied("a queryset of findings")
    return value


def _turn(q: Q) -> Q:
    turned = Q()
    turned.connector, turned.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            turned.children.append(_turn(child))
        elif isinstance(child, tuple):
            lookup, value = child
            if lookup in ("pk__in", "id__in") and not value and isinstance(value, list | tuple | set):
                turned.children.append(("pk__in", []))  # NOTHING
            else:
                turned.children.append((_rename(lookup), _value(value)))
        else:
            raise NotTallied(repr(child))
    return turned


def tally_q(q: Q) -> Q | None:
    """The condition ``q`` on the findings as a condition on the tally rows; None if it cannot be."""
    if q is NOTHING:
        return NOTHING
    try:
        return _turn(q)
    except NotTallied:
        return None


def _sum(condition: Q | None = None) -> Sum:
    return Sum("findings", filter=condition, default=0)


def tally_figures(scope: Q) -> dict:
    """``ledger_figures`` of the findings whose tally condition is ``scope``: one query."""
    money = [field for field, _label in AMOUNT_METHODS]
    row = FindingTally.objects.filter(scope).aggregate(
        total=_sum(),
        published=_sum(~Q(state=FindingState.DRAFT)),
        closed=_sum(Q(state=FindingState.CLOSED)),
        red=_sum(colour_q(Colour.RED)),
        yellow=_sum(colour_q(Colour.YELLOW)),
        green=_sum(colour_q(Colour.GREEN)),
        amount_involved=Sum("amount_involved"),
        amount_verified=Sum("amount_verified"),
        **{f"state_{state}": _sum(Q(state=state)) for state in FindingState.values},
        **{field: Sum(field) for field in money},
    )
    by_method = [(field, label, row[field] or ZERO) for field, label in AMOUNT_METHODS]
    published = row["published"]
    return {
        "total": row["total"],
        "published": published,
        "closed": row["closed"],
        "open": published - row["closed"],
        "rate": round(row["closed"] * 100 / published, 1) if published else None,
        "colours": {c: row[c] for c in (Colour.RED, Colour.YELLOW, Colour.GREEN)},
        "states": [(s, label, row[f"state_{s}"]) for s, label in FindingState.choices],
        "amount_involved": row["amount_involved"] or ZERO,
        "amount_rectified": sum((amount for _f, _l, amount in by_method), ZERO),
        "amount_by_method": by_method,
        "amount_verified": row["amount_verified"] or ZERO,
    }


def tallies(scope: Q) -> QuerySet:
    """The tally rows of ``scope``, to group and sum (``findings`` counts, ``repeats`` repeat findings)."""
    return FindingTally.objects.filter(scope).order_by()
