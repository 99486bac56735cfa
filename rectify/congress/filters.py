"""The filterset of congress matters: the web list and the API use it alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.congress.choices import CongressKind, CongressState
from rectify.congress.models import CongressMatter
from rectify.core.filters import IdFilter


class CongressMatterFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=CongressKind.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=CongressState.choices)
    unit = IdFilter(label=_("答复部门"), method="filter_unit")
    year = IdFilter(label=_("年度"), field_name="held_on", lookup_expr="year", min_value=1900, max_value=2100)

    class Meta:
        model = CongressMatter
        fields = ["q", "kind", "state", "unit", "year"]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(content__icontains=word))
        return queryset

    def filter_unit(self, queryset, name, value):
        return queryset.filter(questions__organization_id=value).distinct()
