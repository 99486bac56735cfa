"""One filterset for the ledger: the web list, the API and the export all use it, so they agree."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.audits.choices import AuditType
from rectify.core.filters import IdFilter
from rectify.findings.choices import Colour, Disclosure, FindingState, Kind
from rectify.findings.denormalized import search
from rectify.findings.models import Category, Finding
from rectify.findings.warning import colour_q, local_today


class FindingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    year = django_filters.NumberFilter(label=_("审计年度"), field_name="year")
    audit_type = django_filters.ChoiceFilter(label=_("审计类型"), field_name="project__type", choices=AuditType.choices)
    project = IdFilter(label=_("审计项目"), field_name="project_id")
    unit = IdFilter(label=_("责任单位"), field_name="unit_id")
    department = IdFilter(label=_("主管部门"), method="filter_department")
    # Columns of the finding itself: no DISTINCT (which would sort every matching row, whatever the order).
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=FindingState.choices, distinct=False)
    colour = django_filters.MultipleChoiceFilter(
        label=_("预警"), choices=Colour.choices, method="filter_colour", distinct=False
    )
    kind = django_filters.ChoiceFilter(label=_("整改类型"), choices=Kind.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("问题类别"), queryset=Category.objects.all(), method="filter_category"
    )
    disclosure = django_filters.ChoiceFilter(label=_("公开范围"), choices=Disclosure.choices)
    repeat = django_filters.BooleanFilter(label=_("屡审屡犯"), method="filter_repeat")
    amount_min = django_filters.NumberFilter(
        label=_("涉及金额不低于（元）"), field_name="amount_involved", lookup_expr="gte"
    )
    amount_max = django_filters.NumberFilter(
        label=_("涉及金额不高于（元）"), field_name="amount_involved", lookup_expr="lte"
    )

    class Meta:
        model = Finding
        fields = ["q", "year", "audit_type", "project", "unit", "state", "colour", "kind", "category", "disclosure"]

    def filter_text(self, queryset, name, value):
        # Each word in the ledger number, title, description or unit name; on PostgreSQL through the
        # bigram index (rectify.findings.denormalized).
        return search(queryset, value)

    def filter_department(self, queryset, name, value):
        from rectify.organizations.models import Organization

        department = Organization.objects.filter(pk=value).first()
        if department is None:
            return queryset.none()
        return queryset.filter(unit_id__in=department.subtree_ids())

    def filter_colour(self, queryset, name, value):
        if not value:
            return queryset
        today = local_today()
        combined = Q(pk__in=[])
        for colour in value:
            combined |= colour_q(colour, today)
        return queryset.filter(combined)

    def filter_category(self, queryset, name, value):
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def filter_repeat(self, queryset, name, value):
        if value is None:
            return queryset
        repeated = Finding.repeats.through.objects.values("from_finding_id")
        return queryset.filter(pk__in=repeated) if value else queryset.exclude(pk__in=repeated)
