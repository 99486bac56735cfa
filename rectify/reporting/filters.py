import django_filters
from django.utils.translation import gettext_lazy as _

from rectify.core.filters import IdFilter
from rectify.reporting.choices import EscalationState, ObligationKind
from rectify.reporting.models import EscalationProposal, Obligation


class ObligationFilterSet(django_filters.FilterSet):
    finding = IdFilter(label=_("问题"), field_name="finding_id")
    unit = IdFilter(field_name="finding__unit_id", label=_("整改责任单位"))
    kind = django_filters.ChoiceFilter(choices=ObligationKind.choices, label=_("报送事项"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("尚未报送"))
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("报送期限不晚于"))
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("报送期限不早于"))

    class Meta:
        model = Obligation
        fields = ["finding", "unit", "kind", "open", "due_before", "due_after"]

    def filter_open(self, queryset, name, value):
        owed = {"met_at__isnull": True, "cancelled_at__isnull": True}
        return queryset.filter(**owed) if value else queryset.exclude(**owed)


class EscalationFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=EscalationState.choices, label=_("状态"))
    finding = IdFilter(label=_("问题"), field_name="finding_id")

    class Meta:
        model = EscalationProposal
        fields = ["state", "finding"]
