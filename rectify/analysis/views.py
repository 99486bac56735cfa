"""Pages of the analysis: the repeat proposals' decisions, the clusters (list and page), the analysis
page with its charts. Business rules are in ``services`` and ``figures``."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView, View

from rectify.accounts.choices import AUDIT_ROLES
from rectify.analysis import figures, services
from rectify.analysis.forms import ConfirmForm, RejectForm
from rectify.analysis.models import RepeatProposal
from rectify.analysis.panels import finding_similar
from rectify.core.actions import ObjectActionView
from rectify.findings.models import Finding

SHOWN = 200


class ProposalStep(ObjectActionView):
    model = RepeatProposal
    refused_message = gettext_lazy("屡审屡犯建议由审计机关的审计人员确认或否定。")

    def may_use(self, user) -> bool:
        return bool(user.role_codes & AUDIT_ROLES)


class ConfirmView(ProposalStep):
    form_class = ConfirmForm
    title = gettext_lazy("确认屡审屡犯")

    def perform(self, form):
        services.confirm(self.request.user, self.object.pk, **form.cleaned_data)
        self.success_message = _("已确认：问题 %(number)s 重复以往问题 %(earlier)s。") % {
            "number": self.object.finding.ledger_number,
            "earlier": self.object.earlier.ledger_number,
        }


class RejectView(ProposalStep):
    form_class = RejectForm
    title = gettext_lazy("否定屡审屡犯建议")

    def perform(self, form):
        services.reject(self.request.user, self.object.pk, **form.cleaned_data)
        self.success_message = _("已否定该建议。")


class ClusterListView(LoginRequiredMixin, ListView):
    template_name = "analysis/cluster_list.html"
    context_object_name = "clusters"
    paginate_by = 50

    def get_queryset(self):
        return services.clusters_for(self.request.user).order_by("-unit_count", "-year_count", "-amount", "pk")


class ClusterDetailView(LoginRequiredMixin, TemplateView):
    template_name = "analysis/cluster_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        cluster = get_object_or_404(services.clusters_for(user), pk=kwargs["pk"])
        # The latest first, at most SHOWN: the count and the trend say the rest.
        findings = list(
            services.cluster_findings(user, cluster.pk)
            .select_related("unit", "project")
            .order_by("-project__year", "pk")[:SHOWN]
        )
        return super().get_context_data(
            cluster=cluster,
            findings=findings,
            trend=figures.cluster_trend(cluster),
            may_open_campaign=figures.may_open_campaign(user),
            **kwargs,
        )


class AnalysisView(LoginRequiredMixin, TemplateView):
    template_name = "analysis/analysis.html"

    def get_context_data(self, **kwargs):
        data = figures.analysis_figures(self.request.user)
        if data is None:
            raise Http404
        return super().get_context_data(data=data, **kwargs)


class FindingSimilarView(LoginRequiredMixin, View):
    """The finding page's panel of similar earlier findings and repeat proposals, loaded beside the page (htmx);
    opened directly, a page of its own. Nothing to show: an empty answer (the panel's place is removed)."""

    def get(self, request, pk: int):
        if not services.may_search(request.user):
            raise Http404
        finding = get_object_or_404(Finding.objects.restrict(request.user).select_related("project", "unit"), pk=pk)
        panel = finding_similar(request.user, finding)
        if request.htmx:
            if panel is None:
                return HttpResponse("")
            return render(request, "analysis/panel_finding.html", {"panel": panel})
        return render(request, "analysis/finding_similar.html", {"panel": panel, "finding": finding})
