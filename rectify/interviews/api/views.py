"""Interviews over HTTP: ``/api/interviews/`` (scoped, paginated) with the steps as actions
(``POST /api/interviews/<id>/decide|schedule|hold|items|close/``), and ``/api/interview-items/`` with
``POST …/<id>/report/`` (the unit) and ``…/<id>/verify/`` (the auditor)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from rectify.api.base import RestrictedReadOnlyViewSet
from rectify.findings.api.views import REFUSALS
from rectify.interviews import services
from rectify.interviews.api.serializers import (
    DecisionSerializer,
    FollowUpItemSerializer,
    HoldSerializer,
    InterviewSerializer,
    ItemInputSerializer,
    ItemReportSerializer,
    ItemVerifySerializer,
    ScheduleSerializer,
)
from rectify.interviews.filters import FollowUpItemFilterSet, InterviewFilterSet
from rectify.interviews.models import FollowUpItem, Interview


class InterviewViewSet(RestrictedReadOnlyViewSet):
    """约谈 (interviews of a unit's head): proposals (audit office only), approved, scheduled, held and
    closed interviews with their follow-up items; filtered with ``state``, ``ground``, ``unit``,
    ``finding``, ``year``, ``q``."""

    model = Interview
    serializer_class = InterviewSerializer
    filterset_class = InterviewFilterSet
    ordering_fields = ["proposed_on", "scheduled_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("finding", "unit")
            .prefetch_related("items__reports")
            .order_by("-proposed_on", "-pk")
        )

    def _answer(self, interview, code=status.HTTP_200_OK):
        return Response(self.represent(InterviewSerializer, self.get_queryset().get(pk=interview.pk)), status=code)

    @extend_schema(summary="决定是否约谈", request=DecisionSerializer, responses={200: InterviewSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        interview = self.get_object()
        return self._answer(services.decide(request.user, interview.pk, **self.validated(DecisionSerializer)))

    @extend_schema(summary="安排约谈", request=ScheduleSerializer, responses={200: InterviewSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        interview = self.get_object()
        data = dict(self.validated(ScheduleSerializer))
        data["version"] = self.seen_version(data)
        return self._answer(services.schedule(request.user, interview.pk, **data))

    @extend_schema(summary="记录约谈", request=HoldSerializer, responses={200: InterviewSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        interview = self.get_object()
        data = self.validated(HoldSerializer)
        items = [(i["title"], i["due_date"], i["responsible"]) for i in data.pop("items", [])]
        return self._answer(services.hold(request.user, interview.pk, items=items, **data))

    @extend_schema(
        summary="增加整改事项", request=ItemInputSerializer, responses={201: FollowUpItemSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        interview = self.get_object()
        item = services.add_item(request.user, interview.pk, **self.validated(ItemInputSerializer))
        return Response(self.represent(FollowUpItemSerializer, item), status=status.HTTP_201_CREATED)

    @extend_schema(summary="办结约谈", request=None, responses={200: InterviewSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        interview = self.get_object()
        return self._answer(services.close(request.user, interview.pk))


class FollowUpItemViewSet(RestrictedReadOnlyViewSet):
    """约谈整改事项 (follow-up items of held interviews), seen as their interview is."""

    model = FollowUpItem
    serializer_class = FollowUpItemSerializer
    filterset_class = FollowUpItemFilterSet
    ordering_fields = ["due_date"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("reports").order_by("interview", "sequence", "pk")

    def _answer(self, item):
        return Response(self.represent(FollowUpItemSerializer, self.get_queryset().get(pk=item.pk)))

    @extend_schema(
        summary="报送整改事项进展", request=ItemReportSerializer, responses={200: FollowUpItemSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        item = self.get_object()
        services.report_item(request.user, item.pk, **self.validated(ItemReportSerializer))
        return self._answer(item)

    @extend_schema(
        summary="核实整改事项", request=ItemVerifySerializer, responses={200: FollowUpItemSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        item = self.get_object()
        return self._answer(services.verify_item(request.user, item.pk, **self.validated(ItemVerifySerializer)))
