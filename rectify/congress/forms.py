from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.congress.choices import CongressKind
from rectify.core.forms import DateInput, StyledFormMixin, version_field
from rectify.organizations.models import Organization


def departments_of(user):
    org = user.organization
    if org is None:
        return Organization.objects.none()
    return Organization.objects.filter(jurisdiction_id=org.jurisdiction_id).exclude(pk=org.pk).order_by("kind", "name")


class CongressMatterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=CongressKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    session = forms.CharField(label=_("会议"), max_length=200, help_text=_("如：区人大常委会第十次会议"))
    held_on = forms.DateField(label=_("会议日期"), widget=DateInput)
    content = forms.CharField(label=_("审议意见或询问、质询内容"), widget=forms.Textarea(attrs={"rows": 5}))
    organization = forms.ModelChoiceField(label=_("答复部门"), queryset=Organization.objects.none())
    question = forms.CharField(label=_("向该部门提出的询问或要求"), widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(label=_("答复期限"), widget=DateInput, help_text=_("其他部门可在事项页面追加"))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = departments_of(user)


class CongressMatterEditForm(StyledFormMixin, forms.Form):
    """Correcting a matter after recording (its questions are added or answered on their own)."""

    kind = forms.ChoiceField(label=_("类型"), choices=CongressKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    session = forms.CharField(label=_("会议"), max_length=200)
    held_on = forms.DateField(label=_("会议日期"), widget=DateInput)
    content = forms.CharField(label=_("审议意见或询问、质询内容"), widget=forms.Textarea(attrs={"rows": 5}))
    version = version_field()


class QuestionForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("答复部门"), queryset=Organization.objects.none())
    text = forms.CharField(label=_("询问或要求"), widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(label=_("答复期限"), widget=DateInput)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = departments_of(user)


class AnswerForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 6}))
    responded_on = forms.DateField(label=_("答复日期"), widget=DateInput, required=False, help_text=_("默认今天"))


class CloseForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("办结意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
