"""The filtersets of campaigns and consultations: the web lists and the API use them alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.campaigns.choices import CampaignState
from rectify.campaigns.models import Campaign, Consultation
from rectify.core.filters import IdFilter


class CampaignFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=CampaignState.choices)
    unit = IdFilter(label=_("涉及单位"), method="filter_unit")
    year = IdFilter(label=_("年度"), field_name="created", lookup_expr="year", min_value=1900, max_value=2100)

    class Meta:
        model = Campaign
        fields = ["q", "state", "unit", "year"]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(problem__icontains=word))
        return queryset

    def filter_unit(self, queryset, name, value):
        return queryset.filter(
            pk__in=Campaign.units.through.objects.filter(organization_id=value).values("campaign_id")
        )


class ConsultationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    campaign = IdFilter(label=_("专项整治"), field_name="campaign_id")
    year = IdFilter(label=_("年度"), field_name="held_on", lookup_expr="year", min_value=1900, max_value=2100)

    class Meta:
        model = Consultation
        fields = ["q", "campaign", "year"]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(topics__icontains=word))
        return queryset
