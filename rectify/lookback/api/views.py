"""Looking back over HTTP: ``/api/lookback-samples/`` (drawing with POST, ``recheck`` of one item). The audit
offices only; anyone else sees an empty list and a 404 for a sample."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from rectify.api.base import RestrictedViewSet
from rectify.findings.models import Category
from rectify.lookback import services
from rectify.lookback.api.serializers import (
    LookbackRecheckInputSerializer,
    LookbackSampleInputSerializer,
    LookbackSampleSerializer,
)
from rectify.lookback.models import LookbackSample, SampleItem


class LookbackSampleViewSet(RestrictedViewSet):
    """整改回头看抽样 with their items (the rule and reason of each, the re-check)."""

    model = LookbackSample
    serializer_class = LookbackSampleSerializer
    ordering_fields = ["created"]

    def get_base_queryset(self):
        return (
            LookbackSample.objects.restrict(self.request.user)
            .prefetch_related(
                "categories",
                Prefetch("items", SampleItem.objects.select_related("finding").order_by("position")),
            )
            .order_by("-created", "-pk")
        )

    def _answer(self, sample, code=status.HTTP_200_OK):
        return Response(
            self.represent(LookbackSampleSerializer, self.get_base_queryset().get(pk=sample.pk)), status=code
        )

    @extend_schema(
        request=LookbackSampleInputSerializer, responses={201: LookbackSampleSerializer, 403: OpenApiResponse()}
    )
    def create(self, request):
        """抽取样本 (an audit office's auditor): rules, seed and size; deterministic and stratified by rule."""
        data = self.validated(LookbackSampleInputSerializer)
        categories = list(Category.objects.filter(pk__in=data["categories"]))
        if len(categories) != len(set(data["categories"])):
            raise ValidationError({"categories": ["unknown category"]})
        rules = services.Rules(
            min_amount=data["min_amount"], categories=tuple(categories),
            repeat_history=data["repeat_history"], false_history=data["false_history"],
        )  # fmt: skip
        sample = services.draw_sample(
            request.user, title=data["title"], seed=data["seed"], size=data["size"], rules=rules
        )
        return self._answer(sample, status.HTTP_201_CREATED)

    @extend_schema(
        request=LookbackRecheckInputSerializer,
        responses={200: LookbackSampleSerializer, 403: OpenApiResponse(), 412: OpenApiResponse()},
    )
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        """登记复查结果 of one item (holds / relapsed / not checked), from the item's ``version``."""
        sample = self.get_object()
        data = self.validated(LookbackRecheckInputSerializer)
        item = sample.items.filter(pk=data["item"]).first()
        # Looked up among the caller's own office's auditors only: an id of another office's user gets the
        # same answer as an id that does not exist, so the answer tells nothing of other offices' accounts.
        auditor = None
        if data["auditor"]:
            auditor = services.auditor_choices(request.user.organization).filter(pk=data["auditor"]).first()
            if auditor is None:
                raise ValidationError({"auditor": [_("复查人员须为本机关审计人员。")]})
        services.record_recheck(
            request.user, item.pk if item else 0, result=data["result"], note=data["note"],
            checked_on=data["checked_on"], auditor=auditor, version=data.get("version"),
        )  # fmt: skip
        return self._answer(sample)
