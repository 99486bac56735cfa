"""Referrals over HTTP: ``/api/referrals/`` (scoped, paginated), drafting with POST, and the steps as
actions (``POST /api/referrals/<id>/approve|return|send|acknowledge|conclude|edit/``)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from rectify.api.base import RestrictedViewSet
from rectify.findings.models import Finding
from rectify.organizations.models import Organization
from rectify.referrals import services
from rectify.referrals.api.serializers import (
    ReferralCommentInputSerializer,
    ReferralConcludeInputSerializer,
    ReferralCreateInputSerializer,
    ReferralEditInputSerializer,
    ReferralReturnInputSerializer,
    ReferralSerializer,
)
from rectify.referrals.filters import ReferralFilterSet
from rectify.referrals.models import Referral


class ReferralViewSet(RestrictedViewSet):
    """提请追责（移送）(referrals): those of the caller's audit office (and the offices below), and those
    sent to the caller's body; filtered with ``state``, ``ground``, ``recipient``, ``finding``,
    ``overdue``, ``q``."""

    model = Referral
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilterSet
    ordering_fields = ["sent_at", "feedback_due", "created"]

    def get_base_queryset(self):
        return (
            Referral.objects.restrict(self.request.user)
            .select_related("office", "recipient")
            .prefetch_related("findings", "persons")
            .order_by("-created", "-pk")
        )

    def _answer(self, referral, code=status.HTTP_200_OK):
        referral = self.get_base_queryset().get(pk=referral.pk)
        return Response(self.represent(ReferralSerializer, referral), status=code)

    @extend_schema(request=ReferralCreateInputSerializer, responses={201: ReferralSerializer})
    def create(self, request):
        """起草 (draft a referral citing findings of the caller's office)."""
        data = self.validated(ReferralCreateInputSerializer)
        recipient = get_object_or_404(Organization.objects.restrict(request.user), pk=data["recipient"])
        # Checked by the service against what the caller may act on: an id out of scope is refused.
        findings = [Finding(pk=pk) for pk in data["findings"]]
        referral = services.create_referral(
            request.user, recipient=recipient, ground=data["ground"], findings=findings, facts=data["facts"],
            request=data["request"], title=data["title"],
        )  # fmt: skip
        return self._answer(referral, status.HTTP_201_CREATED)

    @extend_schema(request=ReferralEditInputSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        """修改 a draft's facts, request and title; ``version`` as read."""
        referral = self.get_object()
        data = self.validated(ReferralEditInputSerializer)
        referral = services.update_referral(
            request.user, referral, facts=data["facts"], request=data["request"], title=data["title"],
            version=self.seen_version(data),
        )  # fmt: skip
        return self._answer(referral)

    def _step(self, request, name: str):
        referral = self.get_object()
        comment = self.validated(ReferralCommentInputSerializer)["comment"]
        return self._answer(getattr(services, f"{name}_referral")(request.user, referral, comment))

    @extend_schema(request=ReferralCommentInputSerializer, responses={200: ReferralSerializer, 403: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """审批同意 (draft → approved; the evidence package is then built)."""
        return self._step(request, "approve")

    @extend_schema(request=ReferralCommentInputSerializer, responses={200: ReferralSerializer, 403: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """移送 (approved → sent; the feedback due date is set)."""
        return self._step(request, "send")

    @extend_schema(request=ReferralCommentInputSerializer, responses={200: ReferralSerializer, 403: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """签收 (sent → acknowledged), by the receiving body."""
        return self._step(request, "acknowledge")

    @extend_schema(request=ReferralReturnInputSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """退回修改 (approved → draft; ``reason`` required)."""
        referral = self.get_object()
        reason = self.validated(ReferralReturnInputSerializer)["reason"]
        return self._answer(services.return_referral(request.user, referral, reason))

    @extend_schema(request=ReferralConcludeInputSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        """反馈处理结果 (sent or acknowledged → concluded), with the persons handled and how."""
        referral = self.get_object()
        data = self.validated(ReferralConcludeInputSerializer)
        persons = [services.Person(p["name"], p.get("position", ""), p["outcome"]) for p in data["persons"]]
        referral = services.conclude_referral(
            request.user, referral, outcome_date=data["outcome_date"], text=data["text"], persons=persons
        )
        return self._answer(referral)
