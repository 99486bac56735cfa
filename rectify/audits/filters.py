import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.audits.choices import AuditType
from rectify.audits.models import AuditProject
from rectify.core.filters import IdFilter


class AuditProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    year = django_filters.NumberFilter(label=_("审计年度"))
    type = django_filters.ChoiceFilter(label=_("审计类型"), choices=AuditType.choices)
    unit = IdFilter(label=_("被审计单位"), field_name="units")

    class Meta:
        model = AuditProject
        fields = ["q", "year", "type", "unit"]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(name__icontains=word) | Q(report_number__icontains=word))
        return queryset
