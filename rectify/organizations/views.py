from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView
from django_tables2 import RequestConfig

from rectify.audits.models import AuditProject
from rectify.findings.figures import ledger_figures
from rectify.findings.models import Finding
from rectify.findings.tables import FindingTable
from rectify.organizations.models import Organization


class OrganizationDetailView(LoginRequiredMixin, DetailView):
    """An organization with its ledger (its own findings and those of the units under it) and figures."""

    template_name = "organizations/organization_detail.html"
    context_object_name = "organization"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Organization.objects.restrict(self.request.user).select_related("competent_department", "sector"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org: Organization = self.object
        user = self.request.user
        findings = (
            Finding.objects.restrict(user)
            .filter(unit_id__in=org.subtree_ids())
            .with_colour()
            .select_related("project", "unit", "category")
        )
        table = FindingTable(findings)
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        context.update(
            table=table,
            figures=ledger_figures(findings),
            subordinates=Organization.objects.restrict(user).filter(competent_department=org),
            projects=AuditProject.objects.restrict(user).filter(units=org).order_by("-year")[:20],
        )
        return context
