import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.filters import IdFilter
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization


class OrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=OrganizationKind.choices)
    jurisdiction = IdFilter(label=_("行政区域"), field_name="jurisdiction_id")
    competent_department = IdFilter(label=_("主管部门"), field_name="competent_department_id")
    sector = IdFilter(label=_("行业领域"), field_name="sector_id")

    class Meta:
        model = Organization
        fields = ["q", "kind", "jurisdiction", "competent_department", "sector"]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(short_name__icontains=word) | Q(code__icontains=word)
            )
        return queryset
