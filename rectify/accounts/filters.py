import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import RoleCode
from rectify.accounts.models import User


class AccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    role = django_filters.ChoiceFilter(label=_("角色"), choices=RoleCode.choices, field_name="roles__code")
    is_active = django_filters.BooleanFilter(label=_("在用"))

    class Meta:
        model = User
        fields = ["q", "organization", "role", "is_active"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value) | Q(full_name__icontains=value) | Q(organization__name__icontains=value)
        )
