from __future__ import annotations

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from rectify.audits.models import AuditProject
from rectify.core.forms import DateInput, MoneyField, StyledFormMixin, version_field
from rectify.findings import services
from rectify.findings.choices import Disclosure, FindingState, Kind
from rectify.findings.models import Category, Finding
from rectify.organizations.models import Organization


class ProjectChoiceField(forms.ModelChoiceField):
    """A project as an auditor tells it apart: its year, its name and its report's 文号."""

    def label_from_instance(self, obj) -> str:
        number = f"（{obj.report_number}）" if obj.report_number else ""
        return f"{obj.year}年 · {obj.name}{number}"


class RepeatPicker(forms.Widget):
    """The earlier findings a finding repeats (屡审屡犯), chosen by searching rather than from a list of the
    whole ledger: the chosen ones as checked boxes named like the field (they post as ``repeats``), a
    search box, and the matches, at most ``REPEAT_SEARCH_LIMIT``.

    With JavaScript, HTMX asks ``findings:repeat-search`` as the user types (and when the project
    changes) and adds a picked match to the chosen ones (``findings:repeat-pick``). Without it, the
    search button posts the form back and the page shows the matches as boxes to tick; nothing is
    saved until the user saves. The form sets ``visible`` (the user's scope) and ``found``.
    """

    template_name = "findings/widgets/repeat_picker.html"
    allow_multiple_selected = True

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs)
        self.visible = Finding.objects.none()
        self.found: list[Finding] = []
        self.searched = False
        self.search_text = ""

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False  # an empty choice posts nothing, as unticked boxes do

    def format_value(self, value) -> list[str]:
        if value is None:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_q" if id_ else id_  # the label names the search box

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = [int(v) for v in context["widget"]["value"] if str(v).isdigit()]
        chosen = {f.pk: f for f in self.visible.filter(pk__in=ids).select_related("unit", "project")}
        context["widget"].update(
            chosen=[chosen[pk] for pk in dict.fromkeys(ids) if pk in chosen],
            found=[f for f in self.found if f.pk not in chosen],
            searched=self.searched,
            search_name=f"{name}_q",
            search_text=self.search_text,
            limit=services.REPEAT_SEARCH_LIMIT,
        )
        return context


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
        label=_("屡审屡犯：重复以往问题"),
        queryset=Finding.objects.none(),
        required=False,
        widget=RepeatPicker,
        help_text=_("按问题编号或问题摘要搜索，本项目被审计单位的问题排在前面"),
    )
    reason = forms.CharField(label=_("修改理由"), required=False, help_text=_("问题下达后修改须说明理由"))
    version = version_field()

    def __init__(self, *args, user, finding: Finding | None = None, search_repeats: str | None = None, **kwargs):
        """``search_repeats``: the words of a search for earlier findings asked without JavaScript (the
        form then shows its matches); None when no search was asked."""
        super().__init__(*args, **kwargs)
        projects = AuditProject.objects.restrict(user).filter(audit_office__jurisdiction__isnull=False)
        self.fields["project"].queryset = projects
        project = finding.project if finding is not None else self._chosen_project(projects)
        units = Organization.objects.restrict(user)
        if project is not None:
            # The project's own units first.
            own = project.units.values("pk")
            units = units.annotate(
                own=Case(When(pk__in=own, then=Value(0)), default=Value(1), output_field=IntegerField())
            ).order_by("own", "name")
        self.fields["unit"].queryset = units
        # Any earlier finding the user may see can be posted (the service says which may be repeated);
        # the page lists only the chosen ones and a bounded search, never this whole queryset.
        visible = Finding.objects.restrict(user).exclude(state=FindingState.DRAFT)
        self.fields["repeats"].queryset = visible
        picker: RepeatPicker = self.fields["repeats"].widget
        picker.visible = visible
        if finding is None:
            chosen = picker.format_value(self.initial.get("repeats"))
            picker.searched = search_repeats is not None
            picker.search_text = search_repeats or ""
            picker.found = services.repeat_candidates(
                user, project=project, text=picker.search_text, exclude=[int(v) for v in chosen if v.isdigit()]
            )
            del self.fields["reason"]
            del self.fields["version"]
        else:
            self.fields["project"].disabled = True
            self.fields["repeats"].disabled = True
            self.fields["repeats"].help_text = ""

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
