"""Pages of interviews: the list (scoped), the detail with the follow-up items, and the steps. Business
rules are in ``services``; a refusal is shown on the form with what was typed kept."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_filters.views import FilterView

from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
from rectify.core.actions import ObjectActionView
from rectify.interviews import services
from rectify.interviews.filters import InterviewFilterSet
from rectify.interviews.forms import (
    ConfirmForm,
    DecisionForm,
    HoldForm,
    ItemForm,
    ItemReportForm,
    ItemVerifyForm,
    ScheduleForm,
)
from rectify.interviews.models import FollowUpItem, Interview


class InterviewListView(LoginRequiredMixin, FilterView):
    filterset_class = InterviewFilterSet
    template_name = "interviews/interview_list.html"
    paginate_by = 50
    context_object_name = "interviews"

    def get_queryset(self):
        return (
            Interview.objects.restrict(self.request.user)
            .select_related("unit", "finding")
            .order_by("-proposed_on", "-pk")
        )


class InterviewDetailView(LoginRequiredMixin, TemplateView):
    template_name = "interviews/interview_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        interview = get_object_or_404(
            Interview.objects.restrict(user).select_related("finding__project", "unit", "decided_by"), pk=kwargs["pk"]
        )
        items = list(interview.items.select_related("verified_by").prefetch_related("reports"))
        return super().get_context_data(
            interview=interview,
            items=items,
            steps=services.steps_for(user, interview),
            escalations=list(interview.escalations.all()) if user.role_codes & AUDIT_ROLES else [],
            **kwargs,
        )


class InterviewStep(ObjectActionView):
    model = Interview
    roles = AUDIT_ROLES
    refused_message = gettext_lazy("约谈由审计机关办理。")

    def may_use(self, user) -> bool:
        return bool(user.role_codes & self.roles)


class DecideView(InterviewStep):
    form_class = DecisionForm
    title = gettext_lazy("决定是否约谈")
    roles = frozenset({RoleCode.AUDIT_LEADER})
    refused_message = gettext_lazy("只有审计机关领导可以决定是否约谈。")

    def perform(self, form):
        interview = services.decide(self.request.user, self.object.pk, **form.cleaned_data)
        self.success_message = _("已决定：%(state)s。") % {"state": interview.get_state_display()}


class ScheduleView(InterviewStep):
    form_class = ScheduleForm
    title = gettext_lazy("安排约谈")
    success_message = gettext_lazy("已安排约谈，被约谈单位和主管部门已收到通知；可下载约谈通知书。")

    def get_initial(self):
        o = self.object
        return {
            "scheduled_at": o.scheduled_at,
            "place": o.place,
            "interviewee": o.interviewee,
            "attendees": o.attendees,
            "version": o.version,
        }

    def perform(self, form):
        services.schedule(self.request.user, self.object.pk, **form.cleaned_data)


class HoldView(InterviewStep):
    form_class = HoldForm
    title = gettext_lazy("记录约谈")
    success_message = gettext_lazy("已记录约谈，整改事项开始跟踪。")

    def perform(self, form):
        services.hold(self.request.user, self.object.pk, **form.cleaned_data)


class AddItemView(InterviewStep):
    form_class = ItemForm
    title = gettext_lazy("增加整改事项")
    success_message = gettext_lazy("已增加整改事项。")

    def perform(self, form):
        services.add_item(self.request.user, self.object.pk, **form.cleaned_data)


class CloseView(InterviewStep):
    form_class = ConfirmForm
    title = gettext_lazy("办结约谈")
    success_message = gettext_lazy("约谈已办结。")

    def perform(self, form):
        services.close(self.request.user, self.object.pk)


class ItemReportView(InterviewStep):
    model = FollowUpItem
    form_class = ItemReportForm
    title = gettext_lazy("报送整改事项进展")
    success_message = gettext_lazy("已报送，等待审计机关核实。")
    roles = UNIT_ROLES
    refused_message = gettext_lazy("整改事项进展由被约谈单位报送。")

    def perform(self, form):
        services.report_item(self.request.user, self.object.pk, **form.cleaned_data)


class ItemVerifyView(InterviewStep):
    model = FollowUpItem
    form_class = ItemVerifyForm
    title = gettext_lazy("核实整改事项")
    success_message = gettext_lazy("已核实整改事项。")
    refused_message = gettext_lazy("整改事项由审计机关核实。")

    def perform(self, form):
        services.verify_item(self.request.user, self.object.pk, **form.cleaned_data)
