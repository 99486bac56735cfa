"""Pages of referrals: the list (scoped), the detail, drafting and the steps. Business rules are in
``services``; a refusal is shown on the form with what was typed kept."""

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
from rectify.findings.models import Finding
from rectify.findings.warning import local_today
from rectify.referrals import services
from rectify.referrals.filters import ReferralFilterSet
from rectify.referrals.forms import ConcludeForm, CreateReferralForm, EditReferralForm, ReturnForm, StepForm
from rectify.referrals.models import Referral
from rectify.referrals.tables import ReferralTable


class ReferralListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    table_class = ReferralTable
    filterset_class = ReferralFilterSet
    template_name = "referrals/referral_list.html"

    def get_queryset(self):
        return Referral.objects.restrict(self.request.user).select_related("office", "recipient")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=services.may_draft(self.request.user), **kwargs)


class ReferralCreateView(LoginRequiredMixin, RefusedUnlessMixin, FormView):
    template_name = "referrals/referral_create.html"
    form_class = CreateReferralForm
    refused_message = gettext_lazy("只有审计机关的审计人员可以起草提请追责事项。")

    def may_use(self, user) -> bool:
        return services.may_draft(user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = {}
        finding = self.request.GET.get("finding", "")
        if finding.isdigit():
            found = Finding.objects.restrict(self.request.user).filter(pk=int(finding)).first()
            if found is not None:
                initial["ledger_numbers"] = found.ledger_number
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        user = self.request.user
        numbers = data["ledger_numbers"]
        found = {f.ledger_number: f for f in Finding.objects.restrict(user).filter(ledger_number__in=numbers)}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            form.add_error("ledger_numbers", _("找不到问题编号 %(numbers)s。") % {"numbers": "、".join(unknown)})
            return self.form_invalid(form)
        try:
            referral = services.create_referral(
                user, recipient=data["recipient"], ground=data["ground"], findings=list(found.values()),
                facts=data["facts"], request=data.get("request") or "", title=data.get("title") or "",
            )  # fmt: skip
        except ActionRefused as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("已起草「%(title)s」，请报审计机关领导审批。") % {"title": referral.title})
        return redirect(referral)


class ReferralDetailView(LoginRequiredMixin, TemplateView):
    template_name = "referrals/referral_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        referral = get_object_or_404(
            Referral.objects.restrict(user).select_related(
                "office", "recipient", "drafted_by", "approved_by", "sent_by", "acknowledged_by", "concluded_by"
            ),
            pk=kwargs["pk"],
        )
        # Only the cited findings the user sees (a receiving body sees them all, by the same scope).
        findings = list(
            Finding.objects.restrict(user).filter(referrals=referral).select_related("unit", "project").order_by("pk")
        )
        return super().get_context_data(
            referral=referral,
            findings=findings,
            persons=list(referral.persons.all()),
            allowed=services.steps_for(user, referral),
            overdue_days=referral.feedback_overdue_days(local_today()),
            is_office=user.organization_id == referral.office_id,
            **kwargs,
        )


class _Step(ObjectActionView):
    model = Referral
    form_class = StepForm
    action = ""

    def may_use(self, user) -> bool:
        return self.action in services.steps_for(user, self.object) or self._could(user)

    def _could(self, user) -> bool:
        return False

    def get_refused_message(self) -> str:
        return str(services.REFUSED)

    def perform(self, form):
        function = getattr(services, f"{self.action}_referral")
        function(self.request.user, self.object, form.cleaned_data.get("comment", ""))


class ApproveView(_Step):
    action = "approve"
    title = gettext_lazy("审批同意")
    success_message = gettext_lazy("已审批同意，证据材料包正在生成；生成后可以移送。")

    def _could(self, user):
        return services.may_approve(user, self.object)


class SendView(_Step):
    action = "send"
    title = gettext_lazy("移送")
    success_message = gettext_lazy("已移送，受理机关可以查阅并签收。")

    def _could(self, user):
        return services.may_approve(user, self.object)


class AcknowledgeView(_Step):
    action = "acknowledge"
    title = gettext_lazy("签收")
    success_message = gettext_lazy("已签收，请在反馈期限前反馈处理结果。")

    def _could(self, user):
        return services.may_receive(user, self.object)


class ReturnView(ObjectActionView):
    model = Referral
    form_class = ReturnForm
    title = gettext_lazy("退回修改")
    success_message = gettext_lazy("已退回起草人修改。")

    def may_use(self, user) -> bool:
        return services.may_approve(user, self.object)

    def get_refused_message(self) -> str:
        return str(services.REFUSED)

    def perform(self, form):
        services.return_referral(self.request.user, self.object, form.cleaned_data["reason"])


class EditView(ObjectActionView):
    model = Referral
    form_class = EditReferralForm
    title = gettext_lazy("修改移送内容")
    success_message = gettext_lazy("已保存。")
    submit_label = gettext_lazy("保存")

    def may_use(self, user) -> bool:
        return services.may_draft(user) and user.organization_id == self.object.office_id

    def get_refused_message(self) -> str:
        return str(services.REFUSED)

    def get_initial(self):
        o = self.object
        return {"title": o.title, "facts": o.facts, "request": o.request, "version": o.version}

    def perform(self, form):
        data = form.cleaned_data
        services.update_referral(
            self.request.user, self.object, facts=data["facts"], request=data.get("request") or "",
            title=data["title"], version=data.get("version"),
        )  # fmt: skip


class ConcludeView(ObjectActionView):
    model = Referral
    form_class = ConcludeForm
    title = gettext_lazy("反馈处理结果")
    success_message = gettext_lazy("已反馈处理结果，审计机关将收到通知。")

    def may_use(self, user) -> bool:
        return services.may_receive(user, self.object)

    def get_refused_message(self) -> str:
        return str(services.REFUSED)

    def perform(self, form):
        data = form.cleaned_data
        services.conclude_referral(
            self.request.user,
            self.object,
            outcome_date=data["outcome_date"],
            text=data["text"],
            persons=data["persons"],
        )
