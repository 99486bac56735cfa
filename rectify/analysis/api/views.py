"""The analysis over HTTP: ``POST /api/analysis/similar/`` (DESIGN.md section 7), the repeat proposals
(``/api/repeat-proposals/`` with ``POST …/<id>/confirm/`` and ``…/<id>/reject/``) and the clusters
(``/api/clusters/``), all scoped; the three administrators get 404."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from rectify.analysis import services
from rectify.analysis.api.serializers import (
    ClusterSerializer,
    ProposalDecisionSerializer,
    RepeatProposalSerializer,
    SimilarAnswerSerializer,
    SimilarQuerySerializer,
)
from rectify.analysis.models import Cluster, RepeatProposal
from rectify.api.base import RestrictedReadOnlyViewSet
from rectify.findings.api.views import REFUSALS


class SimilarView(APIView):
    """Findings similar to a text, among those the caller sees: best first, the given unit's repeats
    first; ``repeat`` says the score passes the threshold for proposing a repeat finding."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="相似问题检索", request=SimilarQuerySerializer, responses={200: SimilarAnswerSerializer, **REFUSALS}
    )
    def post(self, request):
        if not services.may_search(request.user):
            raise Http404
        query = SimilarQuerySerializer(data=request.data)
        query.is_valid(raise_exception=True)
        found = services.similar(
            request.user, query.validated_data["text"], unit=query.validated_data.get("unit"),
            limit=query.validated_data["limit"],
        )  # fmt: skip
        results = [
            {"finding": s.finding.pk, "ledger_number": s.finding.ledger_number, "score": s.score, "repeat": s.repeat}
            for s in found
        ]
        return Response({"results": results})


class RepeatProposalViewSet(RestrictedReadOnlyViewSet):
    """屡审屡犯建议: proposals that a finding repeats an earlier one, for the audit office to decide."""

    model = RepeatProposal
    serializer_class = RepeatProposalSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("finding", "earlier").order_by("-pk")

    def _decide(self, request, decide):
        proposal = self.get_object()
        data = ProposalDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            decided = decide(request.user, proposal.pk, reason=data.validated_data["reason"])
        except RepeatProposal.DoesNotExist:
            raise Http404 from None
        return Response(RepeatProposalSerializer(decided, context={"request": request}).data)

    @extend_schema(
        summary="确认屡审屡犯",
        request=ProposalDecisionSerializer,
        responses={200: RepeatProposalSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._decide(request, services.confirm)

    @extend_schema(
        summary="否定屡审屡犯建议",
        request=ProposalDecisionSerializer,
        responses={200: RepeatProposalSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, services.reject)


class ClusterViewSet(RestrictedReadOnlyViewSet):
    """共性问题: clusters of similar findings across units, ranked by units, years and amount."""

    model = Cluster
    serializer_class = ClusterSerializer

    def get_queryset(self):
        return super().get_queryset().order_by("-unit_count", "-year_count", "-amount", "pk")
