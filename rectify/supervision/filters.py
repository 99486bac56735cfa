"""The filtersets of supervised matters and circulars: the web lists and the API use them alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.filters import IdFilter
from rectify.supervision.choices import CircularKind, CircularState, MatterKind, MatterState
from rectify.supervision.models import Circular, SupervisedMatter


class SupervisedMatterFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("事项来源"), choices=MatterKind.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=MatterState.choices)
    unit = IdFilter(label=_("承办单位"), method="filter_unit")

    class Meta:
        model = SupervisedMatter
        fields = ["q", "kind", "state", "unit"]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(content__icontains=word))
        return queryset

    def filter_unit(self, queryset, name, value):
        return queryset.filter(assignments__organization_id=value).distinct()


class CircularFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("通报类型"), choices=CircularKind.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=CircularState.choices)

    class Meta:
        model = Circular
        fields = ["q", "kind", "state"]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
        return queryset
