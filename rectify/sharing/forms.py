from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import StyledFormMixin
from rectify.findings.models import Category
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization, Sector
from rectify.sharing.choices import Target


class SubscriptionForm(StyledFormMixin, forms.Form):
    target = forms.ChoiceField(label=_("订阅范围"), choices=Target.choices)
    unit = forms.ModelChoiceField(label=_("被审计单位"), queryset=Organization.objects.none(), required=False)
    sector = forms.ModelChoiceField(label=_("行业领域"), queryset=Sector.objects.order_by("code"), required=False)
    category = forms.ModelChoiceField(label=_("问题类别"), queryset=Category.objects.order_by("code"), required=False)
    purpose = forms.CharField(label=_("订阅事由"), widget=forms.Textarea(attrs={"rows": 3}))
    period_days = forms.IntegerField(label=_("摘要周期（天）"), initial=7, min_value=1, max_value=92)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        org = getattr(user, "organization", None)
        if org is not None:
            self.fields["unit"].queryset = Organization.objects.filter(
                jurisdiction_id__in=org.jurisdiction.subtree_ids(),
                kind__in=(OrganizationKind.AUDITED_UNIT, OrganizationKind.COMPETENT_DEPARTMENT),
            ).order_by("name")


class DecisionForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("不同意的理由"), widget=forms.Textarea(attrs={"rows": 3}))
