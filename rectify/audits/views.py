from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from rectify.audits import services as audits
from rectify.audits.filters import AuditProjectFilterSet
from rectify.audits.forms import AuditProjectForm
from rectify.audits.models import AuditProject
from rectify.audits.tables import AuditProjectTable
from rectify.core.actions import ObjectActionView, RefusedUnlessMixin
from rectify.core.exceptions import ActionRefused, add_refusal_to_form
from rectify.findings import services as findings
from rectify.findings.forms import IssueProjectForm


class ProjectListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    table_class = AuditProjectTable
    filterset_class = AuditProjectFilterSet
    template_name = "audits/project_list.html"

    def get_queryset(self):
        return AuditProject.objects.restrict(self.request.user).prefetch_related("units")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=audits.can_open_projects(self.request.user), **kwargs)


class IssueProjectView(ObjectActionView):
    """Issues the audit report: its number and date, and every draft finding of the project at once."""

    model = AuditProject
    form_class = IssueProjectForm
    title = gettext_lazy("出具审计报告并下达问题")
    refused_message = findings.ISSUING_REFUSED

    def may_use(self, user) -> bool:
        return findings.may_issue_project(user, self.object)

    def get_initial(self):
        return {"report_number": self.object.report_number, "report_date": self.object.report_date}

    def perform(self, form) -> None:
        issued = findings.issue_project_findings(self.request.user, self.object, **form.cleaned_data)
        self.success_message = _("已下达 %(n)d 个问题。") % {"n": len(issued)}


class ProjectCreateView(LoginRequiredMixin, RefusedUnlessMixin, FormView):
    """An auditor opens an audit project."""

    template_name = "audits/project_form.html"
    form_class = AuditProjectForm
    refused_message = gettext_lazy("只有审计机关的审计人员可以新建审计项目。")

    def may_use(self, user) -> bool:
        return audits.can_open_projects(user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            project = audits.create_project(self.request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("已新建审计项目「%(name)s」。") % {"name": project.name})
        return redirect(project)
