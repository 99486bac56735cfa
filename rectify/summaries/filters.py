"""The one filterset of summary reports: the web list and the API use it alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.summaries.choices import SummaryKind, SummaryState
from rectify.summaries.models import SummaryReport

BOXES = (("received", _("报送本单位的")), ("own", _("本单位起草或发出的")))


class SummaryReportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("报告类型"), choices=SummaryKind.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=SummaryState.choices)
    year = django_filters.NumberFilter(label=_("审计年度"))
    box = django_filters.ChoiceFilter(label=_("范围"), choices=BOXES, method="filter_box")

    class Meta:
        model = SummaryReport
        fields = ["q", "kind", "state", "year", "box"]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(issuer__name__icontains=word))
        return queryset

    def filter_box(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        org = getattr(user, "organization_id", None)
        if org is None:
            return queryset.none()
        own = Q(issuer_id=org) | Q(preparer_id=org)
        if value == "own":
            return queryset.filter(own)
        received = SummaryReport.recipients.through.objects.filter(organization_id=org).values("summaryreport_id")
        return queryset.filter(pk__in=received, state=SummaryState.SENT)
