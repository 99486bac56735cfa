"""The filters of the references: one per list, used alike by the web pages, the API and the exports."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.audits.choices import AuditType
from rectify.audits.models import AuditProject
from rectify.core.filters import IdFilter
from rectify.core.forms import StyledFormMixin
from rectify.organizations.models import Sector
from rectify.references.choices import DeliveryState, ReferenceKind
from rectify.references.models import ReferenceDelivery

CADRE_TYPES = [(AuditType.ECONOMIC_RESPONSIBILITY, AuditType.ECONOMIC_RESPONSIBILITY.label),
               (AuditType.NATURAL_RESOURCES, AuditType.NATURAL_RESOURCES.label)]  # fmt: skip


class CadreReferenceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    year = django_filters.NumberFilter(label=_("审计年度"), field_name="year", min_value=1900, max_value=2999)
    unit = IdFilter(label=_("被审计单位"), method="filter_unit")
    name = django_filters.CharFilter(label=_("被审计领导干部"), field_name="audited_official", lookup_expr="icontains")
    type = django_filters.ChoiceFilter(label=_("审计类型"), choices=CADRE_TYPES)

    class Meta:
        model = AuditProject
        fields = ["q", "year", "unit", "name", "type"]

    def filter_text(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(audited_official__icontains=word) | Q(name__icontains=word) | Q(report_number__icontains=word)
            )
        return queryset

    def filter_unit(self, queryset, name, value):
        through = AuditProject.units.through.objects.filter(organization_id=value).values("auditproject_id")
        return queryset.filter(pk__in=through)


class BudgetFilterForm(StyledFormMixin, forms.Form):
    """The budget reference's filters (the ranking, its export and the API): a year and a sector."""

    year = forms.IntegerField(label=_("审计年度"), required=False, min_value=1900, max_value=2999)
    sector = forms.ModelChoiceField(
        label=_("行业领域"), queryset=Sector.objects.order_by("code"), required=False, empty_label=_("全部行业")
    )
    unit = forms.IntegerField(label=_("被审计单位"), required=False, min_value=1, max_value=2**63 - 1)

    def values(self) -> dict:
        """The valid filters (an invalid one is left out, and shown on the form)."""
        if not self.is_bound:
            return {"year": None, "sector": None, "unit": None}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        sector = data.get("sector")
        return {"year": data.get("year"), "sector": sector.pk if sector else None, "unit": data.get("unit")}


class DeliveryFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("参考类型"), choices=ReferenceKind.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=DeliveryState.choices)
    year = django_filters.NumberFilter(label=_("审计年度"), field_name="year", min_value=1900, max_value=2999)
    recipient = IdFilter(label=_("接收单位"), field_name="recipient_id")

    class Meta:
        model = ReferenceDelivery
        fields = ["kind", "state", "year", "recipient"]
