from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.audits.models import AuditProject
from rectify.core.forms import DateInput, StyledFormMixin, version_field
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization
from rectify.summaries.choices import SummaryKind
from rectify.summaries.narrative import SECTIONS
from rectify.summaries.services import drafting_kinds

# The bodies a report may be addressed to: those that receive reports, not audited units.
RECEIVING_KINDS = (
    OrganizationKind.AUDIT_OFFICE,
    OrganizationKind.COMMITTEE_OFFICE,
    OrganizationKind.GOVERNMENT,
    OrganizationKind.PEOPLES_CONGRESS,
    OrganizationKind.ORGANIZATION_DEPARTMENT,
    OrganizationKind.COMPETENT_DEPARTMENT,
    OrganizationKind.FINANCE_BUREAU,
    OrganizationKind.DISCIPLINE_COMMISSION,
)


def recipient_choices(user):
    org = user.organization
    if org is None:
        return Organization.objects.none()
    return (
        Organization.objects.filter(jurisdiction_id=org.jurisdiction_id, kind__in=RECEIVING_KINDS)
        .exclude(pk=org.pk)
        .order_by("kind", "name")
    )


class FindingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.ledger_number} {obj.title}（{obj.get_state_display()}）"


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.year} {obj.name}"


class CreateSummaryForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("报告类型"))
    report_date = forms.DateField(label=_("截至日期"), widget=DateInput, required=False, help_text=_("默认今天"))
    year = forms.IntegerField(
        label=_("审计年度"), required=False, min_value=2000, max_value=2100,
        help_text=_("向人大常委会的报告必填；其他报告不填则为全部年度"),
    )  # fmt: skip
    project = ProjectChoiceField(label=_("审计项目"), queryset=AuditProject.objects.none(), required=False)
    department = forms.ModelChoiceField(
        label=_("主管部门（含所属单位）"), queryset=Organization.objects.none(), required=False,
        help_text=_("审计机关的报告可限定于一个主管部门及其所属单位"),
    )  # fmt: skip
    findings = FindingChoiceField(
        label=_("报告的问题"), queryset=Finding.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}), help_text=_("单位整改情况报告必选，可选择多个问题"),
    )  # fmt: skip
    recipients = forms.ModelMultipleChoiceField(
        label=_("主送机关"), queryset=Organization.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("不选则按报告类型主送"),
    )  # fmt: skip
    title = forms.CharField(label=_("标题"), max_length=200, required=False, help_text=_("不填则按报告类型生成"))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kinds = drafting_kinds(user)
        self.fields["kind"].choices = [(k, SummaryKind(k).label) for k in kinds]
        self.fields["project"].queryset = AuditProject.objects.restrict(user).order_by("-year", "sequence")
        org = user.organization
        self.fields["department"].queryset = (
            Organization.objects.restrict(user).filter(kind=OrganizationKind.COMPETENT_DEPARTMENT).order_by("name")
        )
        if SummaryKind.UNIT in kinds and org is not None:
            self.fields["findings"].queryset = (
                Finding.objects.restrict(user)
                .filter(unit_id=org.pk)
                .exclude(state=FindingState.DRAFT)
                .order_by("ledger_number")
            )
        self.fields["recipients"].queryset = recipient_choices(user)


class EditSummaryForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    report_date = forms.DateField(
        label=_("截至日期"), widget=DateInput, help_text=_("改变截至日期将按台账重新计算数据")
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("主送机关"), queryset=Organization.objects.none(), widget=forms.SelectMultiple(attrs={"size": 6})
    )
    version = version_field()

    def __init__(self, *args, user, report, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = recipient_choices(user) | Organization.objects.filter(
            pk__in=report.recipients.values("pk")
        )
        headings = dict(SECTIONS[report.kind])
        for section in report.narrative:
            self.fields[f"section_{section['key']}"] = forms.CharField(
                label=headings.get(section["key"], section["heading"]),
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["class"] = "form-control"

    def sections(self) -> dict[str, str]:
        return {
            name.removeprefix("section_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("section_")
        }


class StepForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 4}))
