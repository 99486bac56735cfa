"""Pages of special campaigns and consultations: lists (scoped), details (the tracking table per unit, the
progress, the consultations and their measures), opening (prefilled from a cluster or a list of findings),
editing, moving on, concluding, reporting progress, recording a consultation and following up its measures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from rectify.campaigns import services
from rectify.campaigns.filters import CampaignFilterSet, ConsultationFilterSet
from rectify.campaigns.forms import (
    CampaignForm,
    ConcludeForm,
    ConsultationForm,
    FollowUpForm,
    MeasureForm,
    ProgressForm,
    StartForm,
)
from rectify.campaigns.models import AgreedMeasure, Campaign, CampaignStep, Consultation
from rectify.core.actions import ObjectActionView, RefusedUnlessMixin
from rectify.core.exceptions import ActionRefused, add_refusal_to_form
from rectify.findings.models import Finding
from rectify.findings.warning import local_today


class CampaignListView(LoginRequiredMixin, FilterView):
    filterset_class = CampaignFilterSet
    template_name = "campaigns/campaign_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            Campaign.objects.restrict(self.request.user)
            .select_related("owner", "lead_organization")
            .prefetch_related("units")
            .order_by("state", "target_date", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=services.may_open(self.request.user), today=local_today(), **kwargs)


def _campaign_kwargs(data) -> dict:
    return {
        "title": data["title"], "problem": data["problem"], "findings": list(data["findings"]),
        "target_date": data["target_date"], "measures": data.get("measures", ""),
        "units": list(data.get("units") or []) or None, "lead_organization": data.get("lead_organization"),
    }  # fmt: skip


class CampaignCreateView(LoginRequiredMixin, RefusedUnlessMixin, FormView):
    template_name = "campaigns/form.html"
    form_class = CampaignForm
    refused_message = services.OPEN_REFUSED

    def may_use(self, user) -> bool:
        return services.may_open(user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        cluster, findings = self.request.GET.get("cluster"), self.request.GET.get("findings")
        if not (cluster or findings):
            return {}
        prefilled = services.prefill_findings(self.request.user, cluster=cluster, findings=findings)
        initial = {"findings": prefilled, "source": f"cluster:{cluster}" if cluster else ""}
        if prefilled:
            initial["title"] = _("关于“%(title)s”等问题的专项整治") % {"title": prefilled[0].title[:60]}
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("发起专项整治"), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            campaign = services.open_campaign(
                self.request.user, source=data.get("source", ""), **_campaign_kwargs(data)
            )
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("已发起专项整治「%(title)s」。") % {"title": campaign.title})
        return redirect(campaign)


class CampaignDetailView(LoginRequiredMixin, TemplateView):
    template_name = "campaigns/campaign_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        campaign = get_object_or_404(
            Campaign.objects.restrict(user).select_related("owner", "lead_organization", "opened_by", "concluded_by"),
            pk=kwargs["pk"],
        )
        manage = services.may_manage(user, campaign)
        return super().get_context_data(
            campaign=campaign,
            rows=services.tracking_rows(user, campaign),
            progress=list(services.visible_progress(user, campaign)[:50]),
            consultations=list(
                Consultation.objects.restrict(user).filter(campaign=campaign).order_by("-held_on", "-pk")
            ),
            steps=list(CampaignStep.objects.filter(campaign=campaign).order_by("at", "pk")) if manage else [],
            manage=manage,
            may_report=services.may_report(user, campaign),
            today=local_today(),
            **kwargs,
        )


class CampaignActionView(ObjectActionView):
    model = Campaign
    refused_message = services.MANAGE_REFUSED

    def may_use(self, user) -> bool:
        return services.may_manage(user, self.object)


class CampaignEditView(CampaignActionView):
    form_class = CampaignForm
    template_name = "campaigns/form.html"
    title = gettext_lazy("修改专项整治")
    success_message = gettext_lazy("已保存修改。")
    submit_label = gettext_lazy("保存")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        c = self.object
        return {
            "title": c.title, "problem": c.problem, "findings": list(c.findings.all()), "units": list(c.units.all()),
            "measures": c.measures, "target_date": c.target_date, "lead_organization": c.lead_organization,
            "version": c.version,
        }  # fmt: skip

    def perform(self, form):
        data = form.cleaned_data
        services.update_campaign(self.request.user, self.object, version=data.get("version"), **_campaign_kwargs(data))


class StartView(CampaignActionView):
    form_class = StartForm
    title = gettext_lazy("开始推进")
    success_message = gettext_lazy("专项整治已进入推进阶段。")

    def perform(self, form):
        services.start_campaign(self.request.user, self.object, form.cleaned_data.get("comment", ""))


class ConcludeView(CampaignActionView):
    form_class = ConcludeForm
    title = gettext_lazy("总结专项整治")
    success_message = gettext_lazy("专项整治已总结。")

    def perform(self, form):
        data = form.cleaned_data
        services.conclude_campaign(
            self.request.user, self.object, conclusion=data["conclusion"], outcome=data["outcome"]
        )


class ProgressView(ObjectActionView):
    model = Campaign
    form_class = ProgressForm
    title = gettext_lazy("报送专项整治进展")
    success_message = gettext_lazy("已报送进展。")
    refused_message = services.REPORT_REFUSED

    def may_use(self, user) -> bool:
        return self.object.units.filter(pk=user.organization_id or 0).exists()

    def perform(self, form):
        data = form.cleaned_data
        services.report_progress(self.request.user, self.object, text=data["text"], reported_on=data.get("reported_on"))


# --- consultations -----------------------------------------------------------------------------


class ConsultationListView(LoginRequiredMixin, FilterView):
    filterset_class = ConsultationFilterSet
    template_name = "campaigns/consultation_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            Consultation.objects.restrict(self.request.user)
            .select_related("owner", "campaign")
            .prefetch_related("participants")
            .order_by("-held_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=services.may_open(self.request.user), **kwargs)


class ConsultationCreateView(LoginRequiredMixin, RefusedUnlessMixin, FormView):
    template_name = "campaigns/form.html"
    form_class = ConsultationForm
    refused_message = services.OPEN_REFUSED

    def may_use(self, user) -> bool:
        return services.may_open(user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        campaign = self.request.GET.get("campaign")
        if campaign and campaign.isdigit():
            own = services.consultation_campaigns(self.request.user).filter(pk=campaign).first()
            if own is not None:
                return {"campaign": own, "participants": list(own.units.all()), "held_on": local_today()}
        return {"held_on": local_today()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("登记会商"), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        measures = []
        if data.get("measure_text"):
            measures.append(
                services.MeasureSpec(data["measure_text"], data["measure_organization"], data["measure_due_date"])
            )
        try:
            consultation = services.record_consultation(
                self.request.user, title=data["title"], held_on=data["held_on"], topics=data["topics"],
                participants=list(data["participants"]), measures=measures, campaign=data.get("campaign"),
                findings=list(data.get("findings") or []),
            )  # fmt: skip
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记会商「%(title)s」。") % {"title": consultation.title})
        return redirect(consultation)


class ConsultationDetailView(LoginRequiredMixin, TemplateView):
    template_name = "campaigns/consultation_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        consultation = get_object_or_404(
            Consultation.objects.restrict(user).select_related("owner", "campaign", "recorded_by"), pk=kwargs["pk"]
        )
        today = local_today()
        measures = AgreedMeasure.objects.filter(consultation=consultation).select_related("organization")
        return super().get_context_data(
            consultation=consultation,
            participants=list(consultation.participants.order_by("name")),
            findings=list(Finding.objects.restrict(user).filter(consultations=consultation).select_related("unit")),
            measures=[
                (m, m.is_overdue(today), services.may_follow_up(user, m) if m.consultation_id else False)
                for m in measures.order_by("due_date", "pk")
            ],
            manage=services.may_manage(user, consultation),
            **kwargs,
        )


class AddMeasureView(ObjectActionView):
    model = Consultation
    form_class = MeasureForm
    title = gettext_lazy("追加议定措施")
    success_message = gettext_lazy("已追加。")
    refused_message = services.MANAGE_REFUSED

    def may_use(self, user) -> bool:
        return services.may_manage(user, self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        services.add_measure(
            self.request.user, self.object, services.MeasureSpec(data["text"], data["organization"], data["due_date"])
        )


class FollowUpView(ObjectActionView):
    model = AgreedMeasure
    form_class = FollowUpForm
    title = gettext_lazy("登记措施落实情况")
    success_message = gettext_lazy("已登记落实情况。")
    refused_message = services.FOLLOW_UP_REFUSED

    def get_scoped_queryset(self):
        return AgreedMeasure.objects.restrict(self.request.user).select_related("consultation")

    def may_use(self, user) -> bool:
        return services.may_follow_up(user, self.object)

    def get_initial(self):
        return {"note": self.object.follow_up, "done_on": self.object.done_on}

    def perform(self, form):
        data = form.cleaned_data
        services.follow_up_measure(self.request.user, self.object, note=data["note"], done_on=data.get("done_on"))
