"""The filtersets of announcements: the internal list and the API use one; the public portal another,
over released public announcements only (its filters read the frozen items, never the findings)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.filters import IdFilter
from rectify.portal.choices import AnnouncementState, Audience, Publisher
from rectify.portal.models import Announcement, AnnouncementItem


def _by_words(queryset, value: str):
    for word in value.split()[:10]:
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(introduction__icontains=word)
            | Q(pk__in=AnnouncementItem.objects.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(unit_name__icontains=word)
                | Q(ledger_number__icontains=word)
            ).values("announcement_id"))
        )  # fmt: skip
    return queryset


class AnnouncementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("公告类型"), choices=Publisher.choices)
    audience = django_filters.ChoiceFilter(label=_("公开范围"), choices=Audience.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=AnnouncementState.choices)
    year = django_filters.NumberFilter(label=_("审计年度"), method="filter_year")
    unit = IdFilter(label=_("单位"), method="filter_unit")

    class Meta:
        model = Announcement
        fields = ["q", "kind", "audience", "state", "year", "unit"]

    def filter_text(self, queryset, name, value):
        return _by_words(queryset, value)

    def filter_year(self, queryset, name, value):
        items = AnnouncementItem.objects.filter(year=value).values("announcement_id")
        return queryset.filter(Q(year=value) | Q(pk__in=items))

    def filter_unit(self, queryset, name, value):
        items = AnnouncementItem.objects.filter(unit_id=value).values("announcement_id")
        return queryset.filter(Q(publisher_id=value) | Q(pk__in=items))


class PublicFilterSet(django_filters.FilterSet):
    """The portal's search: keyword, year, unit, category (each over the published items)."""

    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    year = django_filters.NumberFilter(label=_("年度"), method="filter_year")
    unit = IdFilter(label=_("单位"), method="filter_unit")
    category = IdFilter(label=_("问题类别"), method="filter_category")
    kind = django_filters.ChoiceFilter(label=_("公告类型"), choices=Publisher.choices)

    class Meta:
        model = Announcement
        fields = ["q", "year", "unit", "category", "kind"]

    def filter_text(self, queryset, name, value):
        return _by_words(queryset, value)

    def filter_year(self, queryset, name, value):
        items = AnnouncementItem.objects.filter(year=value).values("announcement_id")
        return queryset.filter(pk__in=items)

    def filter_unit(self, queryset, name, value):
        items = AnnouncementItem.objects.filter(unit_id=value).values("announcement_id")
        return queryset.filter(pk__in=items)

    def filter_category(self, queryset, name, value):
        items = AnnouncementItem.objects.filter(Q(category_id=value) | Q(category__parent_id=value)).values(
            "announcement_id"
        )
        return queryset.filter(pk__in=items)
