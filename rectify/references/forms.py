from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import StyledFormMixin
from rectify.organizations.models import Organization
from rectify.references import services
from rectify.references.choices import ReferenceKind


class SendForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("参考类型"), choices=ReferenceKind.choices)
    year = forms.IntegerField(label=_("审计年度"), min_value=services.FIRST_YEAR, max_value=2999)
    recipient = forms.ModelChoiceField(label=_("接收单位"), queryset=Organization.objects.none())
    note = forms.CharField(
        label=_("报送说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["recipient"].queryset = services.recipients(user)


class AcknowledgeForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("签收意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
