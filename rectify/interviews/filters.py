import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.filters import IdFilter
from rectify.interviews.choices import Ground, InterviewState, ItemState
from rectify.interviews.models import FollowUpItem, Interview


class InterviewFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=InterviewState.choices, label=_("状态"))
    ground = django_filters.ChoiceFilter(choices=Ground.choices, label=_("约谈事由"))
    unit = IdFilter(field_name="unit_id", label=_("被约谈单位"))
    finding = IdFilter(field_name="finding_id", label=_("问题"))
    year = django_filters.NumberFilter(
        field_name="proposed_on__year", label=_("年度"), min_value=2000, max_value=2100, step_size=1
    )
    q = django_filters.CharFilter(method="filter_q", label=_("关键词"))

    class Meta:
        model = Interview
        fields = ["state", "ground", "unit", "finding", "year", "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(unit__name__icontains=value)
            | Q(finding__ledger_number__icontains=value)
            | Q(finding__title__icontains=value)
        )


class FollowUpItemFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ItemState.choices, label=_("状态"))
    interview = IdFilter(field_name="interview_id", label=_("约谈"))

    class Meta:
        model = FollowUpItem
        fields = ["state", "interview"]
