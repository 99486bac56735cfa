"""Figures read from the tallies, in the shapes the ledger's figures give from the findings.

``tally_scope`` turns a condition on the findings (a scope, a task's condition without its colour) into
the same condition on the tally rows, or gives None when the condition looks at something the tallies do
not keep (a subquery, a report, the text, the deadline): the caller then counts the findings themselves.
What it turns is a renaming of lookups, so a figure read here is the figure of the same findings, never of
more. ``rows(scope, *breakdown)`` then picks the grain of the fewest rows that keeps the scope's keys and the
breakdown's (``grain_for``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.expressions import Combinable

from rectify.audits.choices import AuditType
from rectify.core.visibility import NOTHING
from rectify.findings.choices import Colour, FindingState
from rectify.findings.scopes import internal_project
from rectify.rectification.choices import AMOUNT_METHODS
from rectify.tallies.models import FindingTally
from rectify.tallies.services import GRAIN_KEYS, ORDER

ZERO = Decimal("0.00")

# A finding's lookup (its leading part) → the tally's key. Lookups under the unit and the category
# follow their foreign keys, which the finest rows keep under the same names.
RENAMED = {
    "project__jurisdiction_id": "jurisdiction_id",
    "project__jurisdiction": "jurisdiction",
    "project__audit_office_id": "audit_office_id",
    "project__audit_office": "audit_office",
    "project__type": "project_type",
    "project__year": "year",
    "category__parent_id": "category_group_id",
    "category__parent": "category_group",
}
# The finding's own year and jurisdiction (denormalized from its project) are the tally's keys of the same names.
KEPT = (
    "unit",
    "unit_id",
    "category",
    "category_id",
    "state",
    "involves_fiscal_funds",
    "jurisdiction",
    "jurisdiction_id",
    "year",
)
INTERNAL_PARTS = {("project__type", AuditType.INTERNAL_AUDIT), ("project__audit_office_id", F("unit_id"))}


class NotTallied(Exception):
    """The condition reads something the tallies do not keep."""


@dataclass(frozen=True)
class TallyScope:
    q: Q
    keys: frozenset[str]  # the tally keys ``q`` reads


FOREIGN_KEYS = ("jurisdiction", "audit_office", "unit", "category", "category_group")


def _key_of(lookup: str) -> str:
    head = lookup.split("__", 1)[0]
    return f"{head}_id" if head in FOREIGN_KEYS else head


def _rename(lookup: str, keys: set[str]) -> str:
    for old, new in sorted(RENAMED.items(), key=lambda item: -len(item[0])):
        if lookup == old or lookup.startswith(old + "__"):
            renamed = new + lookup[len(old) :]
            keys.add(_key_of(renamed))
            return renamed
    if lookup.split("__", 1)[0] in KEPT:
        keys.add(_key_of(lookup))
        return lookup
    raise NotTallied(lookup)


def _value(value, keys: set[str]):
    if isinstance(value, F):
        return F(_rename(value.name, keys))
    if isinstance(value, Combinable | Q):
        raise NotTallied(repr(value))  # an expression or a subquery on the findings
    if isinstance(value, QuerySet) and value.model._meta.label == "findings.Finding":
        raise NotTallied("a queryset of findings")
    return value


def _is_internal_part(child) -> bool:
    return isinstance(child, tuple) and any(child == part for part in INTERNAL_PARTS)


def _turn(q: Q, keys: set[str]) -> Q:
    turned = Q()
    turned.connector, turned.negated = q.connector, q.negated
    children = list(q.children)
    if q.connector == Q.AND and sum(1 for child in children if _is_internal_part(child)) == len(INTERNAL_PARTS):
        # findings.scopes.INTERNAL: a unit's own internal audit, kept as ``internal``.
        children = [child for child in children if not _is_internal_part(child)]
        turned.children.append(("internal", True))
        keys.add("internal")
    for child in children:
        if isinstance(child, Q):
            turned.children.append(_turn(child, keys))
        elif isinstance(child, tuple):
            lookup, value = child
            if lookup in ("pk__in", "id__in") and isinstance(value, list | tuple | set) and not value:
                turned.children.append(("pk__in", []))  # NOTHING
            else:
                turned.children.append((_rename(lookup, keys), _value(value, keys)))
        elif child is internal_project():
            # findings.scopes.internal_project(): the same condition as INTERNAL, kept as ``internal``.
            turned.children.append(("internal", True))
            keys.add("internal")
        else:
            raise NotTallied(repr(child))
    return turned


def _is_finding_subquery(child) -> bool:
    """A branch that picks findings by their ids: a subquery (of findings' ids, whatever the model it reads
    them from) or the ids themselves (``findings.scopes.cited_q``)."""
    return (
        isinstance(child, tuple)
        and child[0] in ("pk__in", "id__in")
        and (isinstance(child[1], QuerySet) or (isinstance(child[1], list | tuple) and bool(child[1])))
    )


def without_subsumed(q: Q) -> Q:
    """``q`` less the branches of a top-level OR that pick findings by a subquery or a list of ids (those a
    referral or a matter cites, say) when every finding they pick meets another branch already: the union
    is the same findings (one query each, on the few findings such a branch picks)."""
    from rectify.findings.models import Finding

    if q is NOTHING or q.connector != Q.OR or q.negated or not any(_is_finding_subquery(child) for child in q.children):
        return q
    others = [child for child in q.children if not _is_finding_subquery(child)]
    if not others:
        return q
    rest = Q(*others, _connector=Q.OR)
    kept = [
        child
        for child in q.children
        if not _is_finding_subquery(child) or Finding.objects.filter(Q(child)).exclude(rest).exists()
    ]
    return Q(*kept, _connector=Q.OR) if len(kept) > 1 else (kept[0] if isinstance(kept[0], Q) else Q(kept[0]))


def tally_scope(q: Q) -> TallyScope | None:
    """The condition ``q`` on the findings as a condition on the tally rows; None if it cannot be."""
    if q is NOTHING:
        return TallyScope(Q(pk__in=[]), frozenset())
    keys: set[str] = set()
    try:
        return TallyScope(_turn(without_subsumed(q), keys), frozenset(keys))
    except NotTallied:
        return None


def both(scope: TallyScope, other: TallyScope) -> TallyScope:
    """The findings of both."""
    return TallyScope(scope.q & other.q, scope.keys | other.keys)


def grain_for(keys: set[str] | frozenset[str]) -> int:
    """The grain of the fewest rows that keeps ``keys`` (``services.ORDER``)."""
    return next(grain for grain in ORDER if keys <= set(GRAIN_KEYS[grain]))


def rows(scope: TallyScope, *breakdown: str) -> QuerySet:
    """The tally rows of ``scope`` at the grain of the fewest rows that keeps its keys and ``breakdown``'s."""
    return FindingTally.objects.filter(scope.q, grain=grain_for(scope.keys | set(breakdown))).order_by()


def _sum(field: str = "findings", condition: Q | None = None) -> Sum:
    return Sum(field, filter=condition, default=0)


def tally_figures(scope: TallyScope) -> dict:
    """``ledger_figures`` of the findings whose tally condition is ``scope``: one query."""
    money = [field for field, _label in AMOUNT_METHODS]
    row = rows(scope).aggregate(
        total=_sum(),
        published=_sum(condition=~Q(state=FindingState.DRAFT)),
        closed=_sum(condition=Q(state=FindingState.CLOSED)),
        red=_sum("red"),
        yellow=_sum("yellow"),
        green=_sum("green"),
        amount_involved=Sum("amount_involved"),
        amount_verified=Sum("amount_verified"),
        **{f"state_{state}": _sum(condition=Q(state=state)) for state in FindingState.values},
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
