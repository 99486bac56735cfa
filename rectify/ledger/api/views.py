"""The findings collection as the API serves it: the rectification app's resource, counted by the ledger.

A list's ``count`` is exact. Counting a province's million findings takes the database most of a second,
so where the summary tables express the caller's scope and the filters (``FindingFilterSet.plain_q``: the
year, project type, unit, department, state, category, or none) the count is read from them, in one small
query; other filters (a keyword, the colour as of today, amounts …) narrow the rows and are counted by
the database as before.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from rectify.api.base import Pagination
from rectify.core.pagination import CountedPaginator
from rectify.findings.filters import FindingFilterSet
from rectify.ledger.workbench import tallied_count
from rectify.rectification.api.views import FindingViewSet as FindingResourceViewSet


class KnownCountPagination(Pagination):
    """The API's pagination, told the count when the view knows it."""

    known_count: int | None = None

    def django_paginator_class(self, object_list, per_page, **kwargs):
        if self.known_count is None:
            return super().django_paginator_class(object_list, per_page, **kwargs)
        return CountedPaginator(object_list, per_page, count=self.known_count, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="整改台账 (the ledger): findings the caller may see"),
    retrieve=extend_schema(summary="一个问题 (one finding)"),
)
class FindingViewSet(FindingResourceViewSet):
    __doc__ = FindingResourceViewSet.__doc__
    pagination_class = KnownCountPagination

    def paginate_queryset(self, queryset):
        filters = FindingFilterSet(self.request.query_params, queryset=queryset.none(), request=self.request)
        self.paginator.known_count = tallied_count(self.request.user, filters.plain_q())
        return super().paginate_queryset(queryset)
