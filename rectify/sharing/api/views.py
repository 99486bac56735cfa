"""Subscriptions over HTTP: ``/api/subscriptions/`` (scoped, paginated), asking with POST, and the audit
office's decisions as actions (``POST /api/subscriptions/<id>/approve|reject|revoke/``); the digests
sent for one are ``/api/subscriptions/<id>/digests/``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from rectify.api.base import RestrictedViewSet
from rectify.findings.models import Category
from rectify.organizations.models import Organization, Sector
from rectify.sharing import services
from rectify.sharing.api.serializers import (
    DigestSerializer,
    RequestInputSerializer,
    SubscriptionCommentSerializer,
    SubscriptionSerializer,
)
from rectify.sharing.filters import SubscriptionFilterSet
from rectify.sharing.models import Subscription


class SubscriptionViewSet(RestrictedViewSet):
    """监督协作订阅 (subscriptions of supervising bodies): a body's own, and those the caller's audit office
    decides; filtered with ``state``, ``target``, ``subscriber``, ``unit``."""

    model = Subscription
    serializer_class = SubscriptionSerializer
    filterset_class = SubscriptionFilterSet
    ordering_fields = ["created"]

    def get_base_queryset(self):
        return Subscription.objects.restrict(self.request.user).select_related("subscriber").order_by("-created", "-pk")

    def _answer(self, subscription, code=status.HTTP_200_OK):
        return Response(
            self.represent(SubscriptionSerializer, self.get_base_queryset().get(pk=subscription.pk)), status=code
        )

    @extend_schema(request=RequestInputSerializer, responses={201: SubscriptionSerializer})
    def create(self, request):
        """申请订阅 (a supervising body asks to follow a unit, a sector or a category)."""
        data = self.validated(RequestInputSerializer)
        subscription = services.request_subscription(
            request.user,
            target=data["target"],
            unit=get_object_or_404(Organization.objects.restrict(request.user), pk=data["unit"])
            if data.get("unit")
            else None,
            sector=get_object_or_404(Sector, pk=data["sector"]) if data.get("sector") else None,
            category=get_object_or_404(Category, pk=data["category"]) if data.get("category") else None,
            purpose=data["purpose"],
            period_days=data["period_days"],
        )
        return self._answer(subscription, status.HTTP_201_CREATED)

    def _decide(self, request, function):
        subscription = self.get_object()
        comment = self.validated(SubscriptionCommentSerializer)["comment"]
        return self._answer(function(request.user, subscription, comment=comment))

    @extend_schema(request=SubscriptionCommentSerializer, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """同意 (pending → approved; the body then reads the findings it covers)."""
        return self._decide(request, services.approve_subscription)

    @extend_schema(request=SubscriptionCommentSerializer, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """不同意 (pending → rejected), with a reason."""
        return self._decide(request, services.reject_subscription)

    @extend_schema(request=SubscriptionCommentSerializer, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """撤销 (by the audit office, or withdrawn by the body)."""
        return self._decide(request, services.revoke_subscription)

    @extend_schema(responses={200: DigestSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def digests(self, request, pk=None):
        """The digests sent for this subscription, latest first."""
        subscription = self.get_object()
        return Response(DigestSerializer(subscription.digests.order_by("-period_end")[:50], many=True).data)
