"""Paginators whose count does not cost a pass over the whole list.

``CountedPaginator`` is told the count (the summary tables or the page's figures know it already);
``BoundedPaginator`` counts up to a cap and says "more than" beyond it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

# The ledger counts its rows up to this many: beyond, it says "more than" (an exact count of a province's
# million findings is a scan of them all; the figures, loaded beside the table, give the exact number).
COUNT_CAP = 10000


class FetchingPaginator(Paginator):
    """A paginator that may be given ``fetch(start, stop)``: the page's rows read another way than by slicing
    the list (``rectify.findings.paging.merged_page``), or None to slice it. A table's rows are wrapped again
    as the table's."""

    def __init__(self, object_list, per_page, *, fetch: Callable[[int, int], list | None] | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.fetch = fetch

    def page(self, number) -> Page:
        if self.fetch is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.fetch(bottom, top)
        if rows is None:
            return self._get_page(self.object_list[bottom:top], number, self)
        table = getattr(self.object_list, "table", None)
        if table is not None:  # django-tables2's rows: the page's rows are bound to the same table
            from django_tables2.rows import BoundRows

            rows = BoundRows(data=rows, table=table)
        return self._get_page(rows, number, self)


class CountedPaginator(FetchingPaginator):
    """A paginator told how many rows there are."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


class BoundedPaginator(FetchingPaginator):
    """Counts at most ``cap`` + 1 rows (``capped`` tells whether there are more than ``cap``): the cost of
    the count does not grow with the list. Pages beyond the cap are not offered."""

    def __init__(self, object_list, per_page, *, cap: int = COUNT_CAP, known: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap, self.known = cap, known  # ``known``: the exact count, when the summary tables tell it

    @cached_property
    def counted(self) -> int:
        if self.known is not None:
            return self.known
        rows = self.object_list  # a table's rows, over its data, over the queryset
        queryset = getattr(getattr(rows, "data", None), "data", rows)
        return queryset.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap
