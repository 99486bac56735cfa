"""Subscriptions over HTTP: ``/api/subscriptions/`` (scoped, paginated), asking with POST, and the audit
office's decisions as actions (``POST /api/subscriptions/<id>/approve|reject|revoke/``); the digests
sent for one are ``/api/subscriptions/<id>/digests/``. Inspection packages: ``/api/inspection-packages/``
(the caller's own; asking for one with POST, built by a job; ``…/<id>/workbook/`` and ``…/<id>/document/``
download it once built)."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from rectify.api.base import RestrictedViewSet
from rectify.findings.models import Category
from rectify.organizations.models import Organization, Sector
from rectify.sharing import services
from rectify.sharing.api.serializers import (
    DigestSerializer,
    InspectionPackageSerializer,
    PackageRequestSerializer,
    RequestInputSerializer,
    SubscriptionCommentSerializer,
    SubscriptionSerializer,
)
from rectify.sharing.choices import PackageStatus
from rectify.sharing.filters import SubscriptionFilterSet
from rectify.sharing.models import InspectionPackage, Subscription


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


class InspectionPackageViewSet(RestrictedViewSet):
    """巡察资料包 (an inspection tour's package for one unit, Excel and Word): the caller's own, latest first.
    Asked for with POST ``{"unit"}`` (404 when the caller sees none of the unit's findings), built by a job:
    ``status`` goes ``queued`` → ``running`` → ``done`` (or ``failed``)."""

    model = InspectionPackage
    serializer_class = InspectionPackageSerializer
    ordering_fields = ["created"]

    def get_base_queryset(self):
        return InspectionPackage.objects.restrict(self.request.user).select_related("unit").order_by("-created", "-pk")

    @extend_schema(
        request=PackageRequestSerializer, responses={201: InspectionPackageSerializer, 404: OpenApiResponse()}
    )
    def create(self, request):
        """生成资料包 (queued; built by a job of what the caller sees of the unit now)."""
        package = services.request_package(request.user, self.validated(PackageRequestSerializer)["unit"])
        return Response(
            self.represent(InspectionPackageSerializer, self.get_base_queryset().get(pk=package.pk)),
            status=status.HTTP_201_CREATED,
        )

    def _file(self, field: str, extension: str):
        package = self.get_object()
        if package.status != PackageStatus.DONE:
            return Response({"detail": _("资料包尚未生成。")}, status=status.HTTP_409_CONFLICT)
        day = timezone.localtime(package.finished_at).strftime("%Y%m%d")
        response = FileResponse(
            getattr(package, field).open("rb"), as_attachment=True,
            filename=f"{package.unit.name}巡察资料包{day}.{extension}",
        )  # fmt: skip
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 409: OpenApiResponse()})
    @action(detail=True, methods=["get"])
    def workbook(self, request, pk=None):
        """资料包（Excel）, once built."""
        return self._file("workbook", "xlsx")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 409: OpenApiResponse()})
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        """情况汇总（Word）, once built."""
        return self._file("document", "docx")
