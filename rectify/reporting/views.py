from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from rectify.accounts.choices import AUDITING_ROLES
from rectify.core.actions import ObjectActionView
from rectify.reporting import services
from rectify.reporting.choices import EscalationState
from rectify.reporting.forms import EscalationDecisionForm
from rectify.reporting.models import EscalationProposal


class AuditOfficeOnlyMixin:
    """Escalation proposals are the audit office's working papers (and a unit's internal auditors', of their
    own internal audits): other roles are refused outright."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (request.user.role_codes & AUDITING_ROLES):
            raise PermissionDenied(_("问责建议由审计机关处理。"))
        return super().dispatch(request, *args, **kwargs)


class EscalationListView(LoginRequiredMixin, AuditOfficeOnlyMixin, ListView):
    template_name = "reporting/escalation_list.html"
    paginate_by = 50
    context_object_name = "proposals"

    def get_queryset(self):
        proposals = EscalationProposal.objects.restrict(self.request.user).select_related(
            "finding__unit", "obligation", "decided_by"
        )
        state = self.request.GET.get("state", EscalationState.OPEN)
        if state in EscalationState.values:
            proposals = proposals.filter(state=state)
        return proposals.order_by("-days_overdue", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(states=EscalationState.choices, state=self.request.GET.get("state", EscalationState.OPEN))
        return context


class EscalationDecideView(ObjectActionView):
    """Only the audit office sees proposals (their scope), so any other caller gets a 404 here."""

    model = EscalationProposal
    form_class = EscalationDecisionForm
    title = gettext_lazy("处理问责建议")
    template_name = "reporting/escalation_decide.html"

    def perform(self, form) -> None:
        proposal = services.decide_escalation(self.request.user, self.object.pk, **form.cleaned_data)
        self.success_message = _("问责建议已处理：%(state)s。") % {"state": proposal.get_state_display()}
