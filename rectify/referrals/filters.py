"""The one filterset of referrals: the web list and the API use it alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.filters import IdFilter
from rectify.findings.warning import local_today
from rectify.referrals.choices import ReferralGround, ReferralState
from rectify.referrals.models import Referral


class ReferralFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ReferralState.choices)
    ground = django_filters.ChoiceFilter(label=_("移送事由"), choices=ReferralGround.choices)
    recipient = IdFilter(label=_("受理机关"), field_name="recipient_id")
    finding = IdFilter(label=_("引用的问题"), method="filter_finding")
    overdue = django_filters.BooleanFilter(label=_("逾期未反馈"), method="filter_overdue")

    class Meta:
        model = Referral
        fields = ["q", "state", "ground", "recipient", "finding", "overdue"]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(recipient__name__icontains=word))
        return queryset

    def filter_finding(self, queryset, name, value):
        through = Referral.findings.through.objects.filter(finding_id=value).values("referral_id")
        return queryset.filter(pk__in=through)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state__in=(ReferralState.SENT, ReferralState.ACKNOWLEDGED), feedback_due__lt=local_today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
