from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.audits.models import AuditProject
from rectify.core.forms import StyledFormMixin, version_field
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization
from rectify.portal.choices import Audience


def _projects_of(user):
    org = user.organization
    if org is None:
        return AuditProject.objects.none()
    if org.kind == OrganizationKind.AUDIT_OFFICE:
        return AuditProject.objects.filter(audit_office=org).order_by("-year", "sequence")
    return AuditProject.objects.filter(units=org).order_by("-year", "sequence")


def _units_of(user):
    org = user.organization
    if org is None:
        return Organization.objects.none()
    if org.kind != OrganizationKind.AUDIT_OFFICE:
        return Organization.objects.filter(pk=org.pk)
    return Organization.objects.filter(
        jurisdiction_id=org.jurisdiction_id, kind=OrganizationKind.AUDITED_UNIT
    ).order_by("name")


def _recipients_of(user):
    org = user.organization
    if org is None:
        return Organization.objects.none()
    return Organization.objects.filter(jurisdiction_id=org.jurisdiction_id).exclude(pk=org.pk).order_by("kind", "name")


class AnnouncementForm(StyledFormMixin, forms.Form):
    audience = forms.ChoiceField(
        label=_("公开范围"), choices=Audience.choices,
        help_text=_("向社会公告只含公开范围为「公开」的问题；有限范围通报只含「限定范围」的问题；涉密问题一律不纳入"),
    )  # fmt: skip
    title = forms.CharField(label=_("标题"), max_length=200)
    introduction = forms.CharField(label=_("导语"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    project = forms.ModelChoiceField(label=_("审计项目"), queryset=AuditProject.objects.none(), required=False)
    year = forms.IntegerField(label=_("审计年度"), required=False, min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(label=_("被审计单位"), queryset=Organization.objects.none(), required=False)
    recipients = forms.ModelMultipleChoiceField(
        label=_("通报单位"), queryset=Organization.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("有限范围通报选择"),
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = _projects_of(user)
        self.fields["unit"].queryset = _units_of(user)
        self.fields["recipients"].queryset = _recipients_of(user)


class AnnouncementEditForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    introduction = forms.CharField(label=_("导语"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    correction_note = forms.CharField(
        label=_("更正说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("更正的公告填写")
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("通报单位"), queryset=Organization.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("有限范围通报选择"),
    )  # fmt: skip
    version = version_field()

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = _recipients_of(user)


class ItemForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("公告标题"), max_length=200)
    summary = forms.CharField(
        label=_("问题概要"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("向社会公开的文字：不写人员姓名、内部意见"),
    )  # fmt: skip
    requirements_summary = forms.CharField(
        label=_("整改要求摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    result = forms.CharField(label=_("整改结果"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = version_field()


class CommentForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = version_field()


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 4}))
    version = version_field()


class CorrectionForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("更正说明"), widget=forms.Textarea(attrs={"rows": 4}))
    version = version_field()


class RemoveItemForm(StyledFormMixin, forms.Form):
    version = version_field()
