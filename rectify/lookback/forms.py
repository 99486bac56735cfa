from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.accounts.models import User
from rectify.core.forms import DateInput, MoneyField, StyledFormMixin, version_field
from rectify.findings.models import Category
from rectify.lookback.choices import RecheckResult


class SampleForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    min_amount = MoneyField(label=_("涉及金额不低于（元）"), required=False, help_text=_("留空则不按金额抽取"))
    categories = forms.ModelMultipleChoiceField(
        label=_("重点问题类别"), queryset=Category.objects.all(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("选一级类别含其下二级类别"),
    )  # fmt: skip
    repeat_history = forms.BooleanField(label=_("有屡审屡犯记录的单位"), required=False)
    false_history = forms.BooleanField(label=_("曾被认定虚假整改的单位"), required=False)
    size = forms.IntegerField(label=_("抽样数量"), min_value=1, max_value=500, initial=20)
    seed = forms.IntegerField(
        label=_("随机种子"), min_value=0, max_value=2**31 - 1, help_text=_("相同的种子、规则和台账抽出相同的样本")
    )


class RecheckForm(StyledFormMixin, forms.Form):
    auditor = forms.ModelChoiceField(label=_("复查人员"), queryset=User.objects.none(), required=False)
    result = forms.ChoiceField(label=_("复查结果"), choices=RecheckResult.choices)
    note = forms.CharField(label=_("复查说明"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    checked_on = forms.DateField(label=_("复查日期"), widget=DateInput, required=False, help_text=_("默认今天"))
    version = version_field()

    def __init__(self, *args, auditors, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auditor"].queryset = auditors
