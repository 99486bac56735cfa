from __future__ import annotations

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from rectify.audits.models import AuditProject
from rectify.core.forms import DateInput, MoneyField, StyledFormMixin, version_field
from rectify.findings.choices import Disclosure, FindingState, Kind
from rectify.findings.models import Category, Finding
from rectify.organizations.models import Organization


class ProjectChoiceField(forms.ModelChoiceField):
    """A project as an auditor tells it apart: its year, its name and its report's 文号."""

    def label_from_instance(self, obj) -> str:
        number = f"（{obj.report_number}）" if obj.report_number else ""
        return f"{obj.year}年 · {obj.name}{number}"


class FindingForm(StyledFormMixin, forms.Form):
    """An auditor records a finding during fieldwork, or corrects one."""

    project = ProjectChoiceField(label=_("审计项目"), queryset=AuditProject.objects.none())
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
        project = finding.project if finding is not None else self._chosen_project(projects)
        units = Organization.objects.restrict(user)
        repeats = Finding.objects.none()
        if project is not None:
            # The project's own units first; earlier findings only of those units (not thousands).
            own = project.units.values("pk")
            units = units.annotate(
                own=Case(When(pk__in=own, then=Value(0)), default=Value(1), output_field=IntegerField())
            ).order_by("own", "name")
            repeats = (
                Finding.objects.restrict(user)
                .filter(unit__in=own, project__year__lte=project.year)
                .exclude(project=project)
                .exclude(state=FindingState.DRAFT)
                .select_related("unit", "project")
                .order_by("-project__year", "ledger_number")
            )
        else:
            self.fields["repeats"].help_text = _("选定审计项目后，列出该项目被审计单位以往的问题")
        self.fields["unit"].queryset = units
        self.fields["repeats"].queryset = repeats
        self.fields["repeats"].widget.attrs["size"] = 4
        if finding is None:
            del self.fields["reason"]
            del self.fields["version"]
        else:
            self.fields["project"].disabled = True
            self.fields["repeats"].disabled = True

    def _chosen_project(self, projects):
        """The project the form is for: the one posted, or the one the page was opened from."""
        value = self.data.get("project") if self.is_bound else self.initial.get("project")
        try:
            return projects.filter(pk=int(value)).first() if value else None
        except (TypeError, ValueError):
            return None

    def requirement_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["requirements"].splitlines() if line.strip()]


class TransitionForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class IssueProjectForm(StyledFormMixin, forms.Form):
    report_number = forms.CharField(label=_("审计报告文号"), max_length=100)
    report_date = forms.DateField(label=_("报告出具日期"), widget=DateInput())
