"""One filterset for the ledger: the web list, the API and the export all use it, so they agree."""

from collections.abc import Callable

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.audits.choices import AuditType
from rectify.core.filters import IdFilter
from rectify.findings.choices import Colour, Disclosure, FindingState, Kind
from rectify.findings.denormalized import Search, search, search_plan
from rectify.findings.models import Category, Finding
from rectify.findings.warning import colour_q, local_today


def department_q(department_id: int) -> Q:
    """The findings of the units under a competent department (its subtree); none if there is no such one."""
    from rectify.organizations.models import Organization

    department = Organization.objects.filter(pk=department_id).first()
    return Q(unit_id__in=department.subtree_ids()) if department is not None else Q(pk__in=[])


def category_q(category: Category) -> Q:
    """A category and the categories under it."""
    return Q(category=category) | Q(category__parent=category)


# The filters that are a plain condition on a finding's own columns, as that condition (``plain_q``; the
# department, looked up once by the filterset, is one too).
PLAIN_FILTERS = {
    "year": lambda value: Q(year=value),
    "audit_type": lambda value: Q(project__type=value),
    "unit": lambda value: Q(unit_id=value),
    "state": lambda value: Q(state__in=value),
    "category": category_q,
}


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

    # How many findings the caller's scope holds under the other filters (given the filterset), when a view
    # can tell cheaply (the summary tables): a keyword search then reads the findings the cheaper way
    # (``search_plan``), and ``searched`` keeps which way it chose.
    scope_size: Callable[["FindingFilterSet"], int | None] | None = None
    searched: Search | None = None

    def filter_queryset(self, queryset):
        # The keyword last, so that its plan and its count read what the other filters leave.
        for name, value in self.form.cleaned_data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        return self.filters["q"].filter(queryset, self.form.cleaned_data.get("q"))

    def filter_text(self, queryset, name, value):
        # Each word in the ledger number, title, description or unit name (rectify.findings.denormalized).
        if self.scope_size is None:
            return search(queryset, value)
        self.searched = search_plan(queryset, value, lambda: self.scope_size(self))
        return self.searched.queryset

    def filter_department(self, queryset, name, value):
        return queryset.filter(self._department(value))

    def _department(self, value) -> Q:
        if getattr(self, "_department_condition", None) is None or self._department_condition[0] != value:
            self._department_condition = (value, department_q(value))
        return self._department_condition[1]

    def filter_colour(self, queryset, name, value):
        if not value:
            return queryset
        today = local_today()
        combined = Q(pk__in=[])
        for colour in value:
            combined |= colour_q(colour, today)
        return queryset.filter(combined)

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_q(value))

    def filter_repeat(self, queryset, name, value):
        if value is None:
            return queryset
        repeated = Finding.repeats.through.objects.values("from_finding_id")
        return queryset.filter(pk__in=repeated) if value else queryset.exclude(pk__in=repeated)

    def plain_q(self) -> Q | None:
        """The active filters as one condition on the finding's year, project type, unit, state and
        category, which the summary tables keep; None when another filter is active (the text, the colour
        as of today, the amounts, the project, a repeat …) or the filters are not valid."""
        plain = self.plain_parts()
        return plain[0] if plain is not None and not plain[1] else None

    def plain_parts(self, *, besides_text: bool = False) -> tuple[Q, tuple[str, ...]] | None:
        """``plain_q`` and the colours chosen (the summary tables count each colour as of today), or None;
        ``besides_text``: of the filters other than the keyword."""
        if self.is_bound and not self.is_valid():
            return None
        condition, colours = Q(), ()
        for name, value in (self.form.cleaned_data if self.is_bound else {}).items():
            if value in (None, "", [], ()) or (besides_text and name == "q"):
                continue
            if name == "colour":
                colours = tuple(sorted(set(value)))
            elif name == "department":
                condition &= self._department(value)
            elif name in PLAIN_FILTERS:
                condition &= PLAIN_FILTERS[name](value)
            else:
                return None
        return condition, colours
