"""Pages of summary reports: the list (scoped), the detail with its figures and record, the drafting
and editing forms, and the steps. Business rules are in ``services``; a refusal is shown on the form
with what was typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from rectify.core.actions import ObjectActionView, RefusedUnlessMixin
from rectify.core.exceptions import ActionRefused
from rectify.summaries import services
from rectify.summaries.figures import method_label
from rectify.summaries.filters import SummaryReportFilterSet
from rectify.summaries.forms import CreateSummaryForm, EditSummaryForm, ReturnForm, StepForm
from rectify.summaries.models import SummaryReport
from rectify.summaries.tables import SummaryReportTable


class SummaryListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    table_class = SummaryReportTable
    filterset_class = SummaryReportFilterSet
    template_name = "summaries/report_list.html"

    def get_queryset(self):
        return SummaryReport.objects.restrict(self.request.user).select_related("issuer")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=bool(services.drafting_kinds(self.request.user)), **kwargs)


class SummaryCreateView(LoginRequiredMixin, RefusedUnlessMixin, FormView):
    template_name = "summaries/report_create.html"
    form_class = CreateSummaryForm
    refused_message = gettext_lazy("您的角色不能起草汇总报告。")

    def may_use(self, user) -> bool:
        return bool(services.drafting_kinds(user))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        kind = self.request.GET.get("kind", "")
        return {"kind": kind} if kind else {}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            report = services.create_report(
                self.request.user,
                kind=data["kind"],
                report_date=data.get("report_date"),
                year=data.get("year"),
                project=data.get("project"),
                department=data.get("department"),
                findings=data.get("findings") or (),
                recipients=list(data["recipients"]) or None,
                title=data.get("title") or "",
            )
        except ActionRefused as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("已起草「%(title)s」，数据已按台账计算。") % {"title": report.title})
        return redirect(report)


class SummaryDetailView(LoginRequiredMixin, TemplateView):
    template_name = "summaries/report_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        report = get_object_or_404(
            SummaryReport.objects.restrict(user)
            .select_related("issuer", "preparer", "project", "department", "drafted_by", "approved_by", "sent_by")
            .defer("rows"),  # the annex's rows: read by the download only
            pk=kwargs["pk"],
        )
        figures = report.figures or {}
        totals = figures.get("totals", {})
        by_method = [(method_label(field), amount) for field, amount in totals.get("amount_by_method", [])]
        return super().get_context_data(
            report=report,
            totals=totals,
            by_method=by_method,
            figures=figures,
            recipients=list(report.recipients.all()),
            steps=list(report.steps.select_related("actor").order_by("at", "pk")),
            allowed=services.steps_for(user, report),
            **kwargs,
        )


class SummaryEditView(ObjectActionView):
    model = SummaryReport
    form_class = EditSummaryForm
    title = gettext_lazy("修改报告正文")
    success_message = gettext_lazy("已保存报告正文。")
    submit_label = gettext_lazy("保存")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "report": self.object}

    def get_initial(self):
        initial = {
            "title": self.object.title,
            "report_date": self.object.report_date,
            "recipients": list(self.object.recipients.all()),
            "version": self.object.version,
        }
        for section in self.object.narrative:
            initial[f"section_{section['key']}"] = section["text"]
        return initial

    def perform(self, form):
        data = form.cleaned_data
        services.update_report(
            self.request.user,
            self.object,
            sections=form.sections(),
            title=data["title"],
            report_date=data["report_date"],
            recipients=list(data["recipients"]),
            version=data.get("version"),
        )


class StepView(ObjectActionView):
    model = SummaryReport
    form_class = StepForm
    action = ""

    def perform(self, form):
        function = getattr(services, f"{self.action}_report")
        function(self.request.user, self.object, form.cleaned_data.get("comment", ""))


class SubmitView(StepView):
    action = "submit"
    title = gettext_lazy("报请审批")
    success_message = gettext_lazy("已报请审批，等待发文机关负责人审批。")


class ApproveView(StepView):
    action = "approve"
    title = gettext_lazy("审批同意")
    success_message = gettext_lazy("已审批同意，报告数据已冻结，可以报送。")


class SendView(StepView):
    action = "send"
    title = gettext_lazy("报送")
    success_message = gettext_lazy("已报送，主送机关可以查阅这份报告。")


class ReturnView(ObjectActionView):
    model = SummaryReport
    form_class = ReturnForm
    title = gettext_lazy("退回修改")
    success_message = gettext_lazy("已退回起草人修改。")

    def perform(self, form):
        services.return_report(self.request.user, self.object, form.cleaned_data["reason"])


class RefreshView(ObjectActionView):
    model = SummaryReport
    form_class = StepForm
    title = gettext_lazy("按台账重新计算")
    success_message = gettext_lazy("已按台账重新计算报告数据。")

    def perform(self, form):
        services.refresh_figures(self.request.user, self.object)
