"""Paginators whose count does not cost a pass over the whole list.

``CountedPaginator`` is told the count (the summary tables or the page's figures know it already);
``BoundedPaginator`` counts up to a cap and says "more than" beyond it.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# The ledger counts its rows up to this many: beyond, it says "more than" (an exact count of a province's
# million findings is a scan of them all; the figures, loaded beside the table, give the exact number).
COUNT_CAP = 10000


class CountedPaginator(Paginator):
    """A paginator told how many rows there are."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


class BoundedPaginator(Paginator):
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
