from django import forms
from django.utils.translation import gettext_lazy as _


class ConfirmForm(forms.Form):
    reason = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("否定理由"), widget=forms.Textarea(attrs={"rows": 3}))
