from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import StyledFormMixin


class EscalationDecisionForm(StyledFormMixin, forms.Form):
    take_up = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("1", _("采纳，拟约谈单位主要负责人")), ("0", _("不予采纳"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 3}))
