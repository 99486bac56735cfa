"""The references over HTTP (read-only, scoped, paginated ``{count, next, previous, results}``):

- ``/api/cadre-references/``: the audited leaders (audits of cadres) the caller's cadre reference lists,
  filtered with ``year``, ``unit``, ``name``, ``type``, ``q``; ``/api/cadre-references/<project id>/`` the
  reference for one, with its findings, interviews and referrals;
- ``/api/budget-references/``: the units with findings about fiscal funds, money unrectified first, filtered
  with ``year`` (all years when absent), ``sector``, ``unit``; ``/api/budget-references/<unit id>/`` one
  unit's figures year by year, and the findings behind them;
- ``/api/reference-deliveries/``: the deliveries the caller sees; the audit office sends with POST, the
  recipient acknowledges with ``POST …/<id>/acknowledge/``.

Whoever reads neither reference gets 404, as on the pages.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from rectify.api.base import Pagination, RestrictedQuerysetMixin, RestrictedViewSet
from rectify.audits.models import AuditProject
from rectify.organizations.models import Organization
from rectify.references import readers, services
from rectify.references.api.serializers import (
    AcknowledgeInputSerializer,
    BudgetQuerySerializer,
    BudgetReferenceSerializer,
    BudgetUnitSerializer,
    CadreReferenceDetailSerializer,
    CadreReferenceSerializer,
    ReferenceDeliverySerializer,
    SendInputSerializer,
)
from rectify.references.filters import CadreReferenceFilterSet, DeliveryFilterSet
from rectify.references.models import ReferenceDelivery
from rectify.references.scopes import reads_budget_reference, reads_cadre_reference


class CadreReferenceViewSet(RestrictedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """干部监督参考 (the cadre reference, for the organization department and the audit office)."""

    model = AuditProject
    serializer_class = CadreReferenceSerializer
    filterset_class = CadreReferenceFilterSet
    ordering_fields = ["year", "audited_official"]
    http_method_names = ["get", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not reads_cadre_reference(request.user):
            raise Http404

    def get_base_queryset(self):
        return readers.cadre_projects(self.request.user)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = list(self.paginate_queryset(queryset.prefetch_related("units")))
        figures = readers.cadre_figures(request.user, [project.pk for project in page])
        data = CadreReferenceSerializer(page, many=True, context={"figures": figures}).data
        return self.get_paginated_response(data)

    @extend_schema(responses={200: CadreReferenceDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        project = self.get_object()
        detail = readers.cadre_detail(request.user, project)
        figures = readers.cadre_figures(request.user, [project.pk])
        context = {"figures": figures, "detail": detail}
        return Response(CadreReferenceDetailSerializer(project, context=context).data)


YEAR = OpenApiParameter("year", int, description="审计年度（缺省为全部年度）")
SECTOR = OpenApiParameter("sector", int, description="行业领域")
UNIT = OpenApiParameter("unit", int, description="被审计单位")
UNIT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="被审计单位")


class BudgetReferenceViewSet(viewsets.ViewSet):
    """预算安排参考 (the budget reference, for the finance bureau and the audit office)."""

    authentication_classes = RestrictedQuerysetMixin.authentication_classes
    pagination_class = Pagination
    serializer_class = BudgetReferenceSerializer
    http_method_names = ["get", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not reads_budget_reference(request.user):
            raise Http404

    def _query(self) -> dict:
        serializer = BudgetQuerySerializer(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(parameters=[YEAR, SECTOR, UNIT], responses={200: BudgetReferenceSerializer(many=True)})
    def list(self, request):
        query = self._query()
        ranking = readers.budget_ranking(request.user, year=query.get("year"), sector=query.get("sector"))
        rows = ranking["rows"]
        if query.get("unit"):
            rows = [row for row in rows if row.unit_id == query["unit"]]
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(BudgetReferenceSerializer(page, many=True).data)

    @extend_schema(parameters=[UNIT_ID, YEAR], responses={200: BudgetUnitSerializer, 404: OpenApiResponse()})
    def retrieve(self, request, pk=None):
        query = self._query()
        if not str(pk).isdigit() or not readers.reads_budget_unit(request.user, int(pk)):
            raise Http404
        unit = get_object_or_404(Organization, pk=int(pk))
        return Response(BudgetUnitSerializer(readers.budget_unit(request.user, unit, year=query.get("year"))).data)


class ReferenceDeliveryViewSet(RestrictedViewSet):
    """结果运用参考报送 (a year's reference sent by the audit office, acknowledged by its recipient);
    filtered with ``kind``, ``state``, ``year``, ``recipient``."""

    model = ReferenceDelivery
    serializer_class = ReferenceDeliverySerializer
    filterset_class = DeliveryFilterSet
    ordering_fields = ["sent_at", "year"]

    def get_base_queryset(self):
        return (
            ReferenceDelivery.objects.restrict(self.request.user)
            .select_related("office", "recipient")
            .order_by("-sent_at", "-pk")
        )

    def _answer(self, delivery, code=status.HTTP_200_OK):
        return Response(
            self.represent(ReferenceDeliverySerializer, self.get_base_queryset().get(pk=delivery.pk)), status=code
        )

    @extend_schema(request=SendInputSerializer, responses={201: ReferenceDeliverySerializer})
    def create(self, request):
        """报送 (the audit office sends a year's reference to the organization department or the finance bureau)."""
        data = self.validated(SendInputSerializer)
        # Outside the caller's view of organizations reads as not chosen (the service says which field).
        recipient = Organization.objects.restrict(request.user).filter(pk=data["recipient"]).first()
        delivery = services.send_reference(
            request.user, kind=data["kind"], year=data["year"], recipient=recipient, note=data["note"]
        )
        return self._answer(delivery, status.HTTP_201_CREATED)

    @extend_schema(request=AcknowledgeInputSerializer, responses={200: ReferenceDeliverySerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """签收 (sent → acknowledged, by the recipient)."""
        delivery = self.get_object()
        comment = self.validated(AcknowledgeInputSerializer)["comment"]
        return self._answer(services.acknowledge_reference(request.user, delivery, comment=comment))
