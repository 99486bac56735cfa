from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import DateInput, StyledFormMixin, version_field
from rectify.organizations.models import Organization
from rectify.supervision.choices import CircularKind, MatterKind
from rectify.supervision.models import SupervisedMatter


def organizations_of(user):
    """The organizations of the user's jurisdiction, the user's own excepted (assignees, recipients)."""
    org = user.organization
    if org is None:
        return Organization.objects.none()
    return Organization.objects.filter(jurisdiction_id=org.jurisdiction_id).exclude(pk=org.pk).order_by("kind", "name")


class MatterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("事项来源"), choices=MatterKind.choices)
    title = forms.CharField(label=_("事项名称"), max_length=200)
    content = forms.CharField(label=_("议定事项或批示内容"), widget=forms.Textarea(attrs={"rows": 5}))
    meeting = forms.CharField(label=_("会议名称"), max_length=200, required=False, help_text=_("会议议定事项填写"))
    meeting_date = forms.DateField(label=_("会议日期"), widget=DateInput, required=False)
    instructed_by = forms.CharField(label=_("批示领导"), max_length=50, required=False, help_text=_("领导批示填写"))
    instructor_position = forms.CharField(label=_("领导职务"), max_length=100, required=False)
    instructed_on = forms.DateField(label=_("批示日期"), widget=DateInput, required=False)
    assignees = forms.ModelMultipleChoiceField(
        label=_("承办单位"), queryset=Organization.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    due_date = forms.DateField(
        label=_("办理期限"), widget=DateInput, help_text=_("各承办单位的期限；个别单位的不同期限可在事项页面追加交办")
    )
    units = forms.ModelMultipleChoiceField(
        label=_("涉及的单位"), queryset=Organization.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )  # fmt: skip
    finding_numbers = forms.CharField(
        label=_("涉及的问题编号"), required=False, help_text=_("整改台账中的问题编号，多个用逗号或空格分隔")
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignees"].queryset = organizations_of(user)
        self.fields["units"].queryset = organizations_of(user)


class AddAssigneeForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("承办单位"), queryset=Organization.objects.none())
    due_date = forms.DateField(label=_("办理期限"), widget=DateInput)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_of(user)


class ProgressForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("办理情况"), widget=forms.Textarea(attrs={"rows": 5}))
    reported_on = forms.DateField(label=_("报告日期"), widget=DateInput, required=False, help_text=_("默认今天"))
    attachment = forms.FileField(label=_("附件"), required=False, help_text=_("可选：PDF、图片、Word、Excel 等"))


class CommentForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 4}))


class CircularForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("通报类型"), choices=CircularKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 10}), help_text=_("每段一行"))
    recipients = forms.ModelMultipleChoiceField(
        label=_("主送单位"), queryset=Organization.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    matters = forms.ModelMultipleChoiceField(
        label=_("涉及的督办事项"), queryset=SupervisedMatter.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )  # fmt: skip
    finding_numbers = forms.CharField(
        label=_("涉及的问题编号"), required=False, help_text=_("整改台账中的问题编号，多个用逗号或空格分隔")
    )
    version = version_field()

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = organizations_of(user)
        self.fields["matters"].queryset = SupervisedMatter.objects.filter(issuer_id=user.organization_id or 0)
