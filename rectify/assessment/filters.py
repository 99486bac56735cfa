import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.assessment.choices import AssessmentState
from rectify.assessment.models import Assessment
from rectify.core.filters import IdFilter


class AssessmentFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year", label=_("年度"), min_value=2000, max_value=2100, step_size=1)
    unit = IdFilter(field_name="unit_id", label=_("被考核单位"))
    state = django_filters.ChoiceFilter(choices=AssessmentState.choices, label=_("状态"))
    q = django_filters.CharFilter(method="filter_q", label=_("关键词"))

    class Meta:
        model = Assessment
        fields = ["year", "unit", "state", "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(unit__name__icontains=value) | Q(unit__code__icontains=value))
