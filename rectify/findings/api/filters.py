"""Filters of the collections that hang off findings. References are plain ids (never a lookup that
could tell an out-of-scope object from a missing one); the ledger itself uses FindingFilterSet."""

import django_filters
from django.utils.translation import gettext_lazy as _

from rectify.core.filters import IdFilter
from rectify.findings.choices import EventKind
from rectify.findings.models import FindingEvent, Requirement


class RequirementFilterSet(django_filters.FilterSet):
    finding = IdFilter(label=_("问题"), field_name="finding_id")

    class Meta:
        model = Requirement
        fields = ["finding"]


class FindingEventFilterSet(django_filters.FilterSet):
    finding = IdFilter(label=_("问题"), field_name="finding_id")
    kind = django_filters.ChoiceFilter(label=_("事件"), choices=EventKind.choices)
    action = django_filters.CharFilter(label=_("操作"))
    since = django_filters.IsoDateTimeFilter(label=_("起始时间"), field_name="at", lookup_expr="gte")

    class Meta:
        model = FindingEvent
        fields = ["finding", "kind", "action", "since"]
