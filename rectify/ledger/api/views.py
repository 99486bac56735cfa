"""The findings collection as the API serves it: the rectification app's resource, counted by the ledger.

A list's ``count`` is exact. Counting a province's million findings takes the database most of a second,
so where the summary tables express the caller's scope and the filters (``FindingFilterSet.plain_q``: the
year, project type, unit, department, state, category, or none) the count is read from them, in one small
query; other filters (the colour as of today, amounts …) narrow the rows and are counted by the database
as before (a keyword search the way it chose to read them, ``rectify.findings.denormalized.search_plan``).
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view

from rectify.api.base import OrderingFilter, Pagination
from rectify.core.pagination import CountedPaginator, FetchingPaginator
from rectify.ledger.workbench import page_fetcher, search_scope_size, tallied_spread
from rectify.rectification.api.views import FindingViewSet as FindingResourceViewSet


class KnownCountPagination(Pagination):
    """The API's pagination, told the count when the view knows it."""

    known_count: int | None = None
    fetch = None  # the page's rows read another way (``ledger.workbench.page_fetcher``)

    def django_paginator_class(self, object_list, per_page, **kwargs):
        if self.known_count is None:
            return FetchingPaginator(object_list, per_page, fetch=self.fetch, **kwargs)
        return CountedPaginator(object_list, per_page, count=self.known_count, fetch=self.fetch, **kwargs)


class KeptFilterBackend(DjangoFilterBackend):
    """The filter backend, keeping the filterset it built on the view (its ``plain_q`` tells the count)."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        if view.filterset is not None:
            view.filterset.scope_size = lambda filterset: search_scope_size(request.user, filterset)
        return view.filterset


@extend_schema_view(
    list=extend_schema(summary="整改台账 (the ledger): findings the caller may see"),
    retrieve=extend_schema(summary="一个问题 (one finding)"),
)
class FindingViewSet(FindingResourceViewSet):
    __doc__ = FindingResourceViewSet.__doc__
    pagination_class = KnownCountPagination
    filter_backends = [KeptFilterBackend, OrderingFilter]
    filterset = None

    def paginate_queryset(self, queryset):
        plain = self.filterset.plain_q() if self.filterset is not None else None
        spread = tallied_spread(self.request.user, plain)
        self.paginator.known_count = sum(spread.values()) if spread is not None else None
        self.paginator.fetch = page_fetcher(self.request.user, lambda: queryset, self.filterset, spread)
        return super().paginate_queryset(queryset)
