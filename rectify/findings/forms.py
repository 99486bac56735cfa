from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.audits.models import AuditProject
from rectify.core.forms import DateInput, MoneyField, StyledFormMixin, version_field
from rectify.findings.choices import Disclosure, Kind
from rectify.findings.models import Category, Finding
from rectify.organizations.models import Organization


class FindingForm(StyledFormMixin, forms.Form):
    """An auditor records a finding during fieldwork, or corrects one."""

    project = forms.ModelChoiceField(label=_("审计项目"), queryset=AuditProject.objects.none())
    unit = forms.ModelChoiceField(label=_("整改责任单位"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("问题摘要"), max_length=200)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ModelChoiceField(
        label=_("问题类别"), queryset=Category.objects.filter(parent__isnull=False).select_related("parent")
    )
    legal_basis = forms.CharField(label=_("定性依据"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    amount_involved = MoneyField(label=_("涉及金额（元）"))
    requirements = forms.CharField(
        label=_("整改要求"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一条，逐条逐项列明"),
    )
    kind = forms.ChoiceField(label=_("整改类型"), choices=Kind.choices, initial=Kind.IMMEDIATE)
    deadline = forms.DateField(
        label=_("整改期限"), required=False, widget=DateInput(), help_text=_("留空则按整改类型的期限规则自动计算")
    )
    disclosure = forms.ChoiceField(label=_("公开范围"), choices=Disclosure.choices, initial=Disclosure.PUBLIC)
    rectified_during_audit = forms.BooleanField(label=_("边审边改（审计期间已整改）"), required=False)
    repeats = forms.ModelMultipleChoiceField(
        label=_("屡审屡犯：重复以往问题"), queryset=Finding.objects.none(), required=False
    )
    reason = forms.CharField(label=_("修改理由"), required=False, help_text=_("问题下达后修改须说明理由"))
    version = version_field()

    def __init__(self, *args, user, finding: Finding | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        projects = AuditProject.objects.restrict(user).filter(audit_office__jurisdiction__isnull=False)
        self.fields["project"].queryset = projects
        self.fields["unit"].queryset = Organization.objects.restrict(user)
        self.fields["repeats"].queryset = Finding.objects.restrict(user).select_related("unit")
        self.fields["repeats"].widget.attrs["size"] = 4
        if finding is None:
            del self.fields["reason"]
            del self.fields["version"]
        else:
            self.fields["project"].disabled = True
            self.fields["repeats"].disabled = True

    def requirement_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["requirements"].splitlines() if line.strip()]


class TransitionForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class IssueProjectForm(StyledFormMixin, forms.Form):
    report_number = forms.CharField(label=_("审计报告文号"), max_length=100)
    report_date = forms.DateField(label=_("报告出具日期"), widget=DateInput())
