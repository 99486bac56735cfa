from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from rectify.core.history import changes_of
from rectify.findings.filters import FindingFilterSet
from rectify.findings.models import Finding
from rectify.findings.tables import FindingTable, colour_badge
from rectify.findings.workflow import available_transitions
from rectify.rectification.models import Plan


class LedgerView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """The ledger (整改台账): every finding the user may see, with its warning colour."""

    table_class = FindingTable
    filterset_class = FindingFilterSet
    template_name = "findings/ledger.html"

    def get_queryset(self):
        return Finding.objects.restrict(self.request.user).with_colour().select_related("project", "unit", "category")


class FindingDetailView(LoginRequiredMixin, DetailView):
    """A finding with its facts, requirements, plan, report rounds, verifications and timeline."""

    template_name = "findings/finding_detail.html"
    context_object_name = "finding"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Finding.objects.restrict(self.request.user).select_related(
                "project", "unit", "category__parent", "created_by"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finding: Finding = self.object
        user = self.request.user
        context.update(
            colour_badge=colour_badge(finding.colour),
            requirements=finding.requirements.all(),
            plan=Plan.objects.restrict(user).filter(finding=finding).prefetch_related("milestones").first(),
            reports=finding.reports.prefetch_related("evidence", "rules", "accountability").select_related(
                "submitted_by", "verification__verifier"
            ),
            events=finding.events.select_related("actor"),
            repeats=Finding.objects.restrict(user).filter(repeated_by=finding),
            repeated_by=Finding.objects.restrict(user).filter(repeats=finding),
            transitions=available_transitions(user, finding),
            history=[(record, changes_of(record)) for record in finding.history.select_related("history_user")[:50]],
        )
        return context
