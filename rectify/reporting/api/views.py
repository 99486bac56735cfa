"""The reporting obligations and the escalation proposals over HTTP."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from rectify.api.base import RestrictedReadOnlyViewSet
from rectify.findings.api.views import REFUSALS
from rectify.reporting import services
from rectify.reporting.api.serializers import (
    EscalationDecisionSerializer,
    EscalationProposalSerializer,
    ObligationSerializer,
)
from rectify.reporting.filters import EscalationFilterSet, ObligationFilterSet
from rectify.reporting.models import EscalationProposal, Obligation


class ObligationViewSet(RestrictedReadOnlyViewSet):
    """报送义务: what each finding's unit owes and by when, met by which round; seen as the finding is."""

    model = Obligation
    serializer_class = ObligationSerializer
    filterset_class = ObligationFilterSet
    ordering_fields = ["due_date", "finding"]

    def get_queryset(self):
        return super().get_queryset().select_related("finding").order_by("due_date", "pk")


class EscalationProposalViewSet(RestrictedReadOnlyViewSet):
    """问责建议: obligations overdue past the grace period with no accepted delay explanation (audit office only)."""

    model = EscalationProposal
    serializer_class = EscalationProposalSerializer
    filterset_class = EscalationFilterSet
    ordering_fields = ["days_overdue", "proposed_on"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("finding", "obligation__finding").order_by("-days_overdue", "pk")

    @extend_schema(
        summary="处理问责建议 (take up for an interview, or dismiss, with a reason)",
        request=EscalationDecisionSerializer,
        responses={200: EscalationProposalSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        proposal = self.get_object()
        proposal = services.decide_escalation(request.user, proposal.pk, **self.validated(EscalationDecisionSerializer))
        return Response(self.represent(EscalationProposalSerializer, proposal))
