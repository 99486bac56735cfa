"""A page of findings in the ledger's default order, merged from each jurisdiction's own walk.

A scope of several jurisdictions (a city's auditor sees its districts) in the default order (newest year,
then ledger number) is served by walking the order index of the whole table and skipping the other
jurisdictions' rows: at 1,000,000 findings a city's first page passed some 200,000 of them. PostgreSQL 15
does not merge the per-jurisdiction walks of ``finding_live_jur_year_number`` by itself, but it does for a
UNION ALL of them: each branch reads at most the page's last row's worth of its jurisdiction, in order, and
a merge keeps the page. The page's findings are then read by their ids, with the queryset's annotations,
joins and prefetches.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet

from rectify.findings.models import Finding

DEFAULT_ORDER = tuple(Finding._meta.ordering)
# Above this many jurisdictions the scope is most of the province: its rows come first in any walk.
MAX_MERGED = 32


def in_default_order(queryset: QuerySet) -> bool:
    query = queryset.query
    return tuple(query.order_by) == DEFAULT_ORDER or (not query.order_by and query.default_ordering)


def mergeable(queryset: QuerySet, jurisdictions: Sequence[int] | None) -> bool:
    """Whether ``merged_page`` serves ``queryset``: PostgreSQL (SQLite has no ordered branches in a UNION),
    the default order, and a scope of a few jurisdictions."""
    return (
        connection.vendor == "postgresql"
        and jurisdictions is not None
        and 1 < len(jurisdictions) <= MAX_MERGED
        and in_default_order(queryset)
    )


def merged_page(queryset: QuerySet, jurisdictions: Sequence[int], start: int, stop: int) -> list:
    """``queryset[start:stop]`` in the default order, where every finding of ``queryset`` is in one of
    ``jurisdictions`` (the caller knows it: the tallies of the user's view)."""
    if stop <= start:
        return []
    keys = queryset.order_by(*DEFAULT_ORDER).values_list("pk", "year", "ledger_number")
    branches = [keys.filter(jurisdiction_id=jurisdiction)[:stop] for jurisdiction in jurisdictions]
    merged = branches[0].union(*branches[1:], all=True).order_by(*DEFAULT_ORDER)[start:stop]
    ids = [pk for pk, _year, _number in merged]
    found = {finding.pk: finding for finding in queryset.order_by().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]
