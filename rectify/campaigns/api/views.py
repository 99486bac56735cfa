"""Special campaigns and consultations over HTTP: ``/api/campaigns/`` (opening with POST, ``edit``, ``start``,
``conclude``, ``progress`` by a unit concerned) and ``/api/consultations/`` (recording with POST, ``measures``
to add one, ``follow-up`` of a measure). Scoped and paginated; an object out of scope is a 404; a finding
outside the caller's scope is a field error and nothing is written."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from rectify.api.base import RestrictedViewSet, organizations_by_id
from rectify.campaigns import services
from rectify.campaigns.api.serializers import (
    AgreedMeasureInputSerializer,
    CampaignCommentInputSerializer,
    CampaignConcludeInputSerializer,
    CampaignEditInputSerializer,
    CampaignInputSerializer,
    CampaignProgressInputSerializer,
    CampaignSerializer,
    ConsultationInputSerializer,
    ConsultationSerializer,
    MeasureFollowUpInputSerializer,
)
from rectify.campaigns.filters import CampaignFilterSet, ConsultationFilterSet
from rectify.campaigns.models import AgreedMeasure, Campaign, CampaignProgress, Consultation
from rectify.findings.models import Finding


def _campaign_args(data) -> dict:
    lead = data.get("lead_organization")
    units = data.get("units")
    return {
        "title": data["title"], "problem": data["problem"], "findings": data["findings"],
        "target_date": data["target_date"], "measures": data.get("measures", ""),
        "units": organizations_by_id(units, "units") if units else None,
        "lead_organization": organizations_by_id([lead], "lead_organization")[0] if lead else None,
    }  # fmt: skip


class CampaignViewSet(RestrictedViewSet):
    """专项整治: the opener's, the lead organization's, the units concerned (each with its own findings and
    progress), a department those concerning its units, the audit office those of its jurisdiction;
    ``state``, ``unit``, ``year``, ``q``."""

    model = Campaign
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    ordering_fields = ["target_date", "created"]

    def get_base_queryset(self):
        user = self.request.user
        progress = CampaignProgress.objects.select_related("unit").order_by("at", "pk")
        if not services.may_open(user):
            progress = progress.filter(unit_id=getattr(user, "organization_id", None) or 0)
        return (
            Campaign.objects.restrict(user)
            .select_related("owner", "lead_organization")
            .prefetch_related(
                "units",
                Prefetch("findings", Finding.objects.restrict(user).order_by("pk"), to_attr="visible_findings"),
                Prefetch("progress", progress, to_attr="visible_progress"),
            )
            .order_by("-created", "-pk")
        )

    def _answer(self, campaign, code=status.HTTP_200_OK):
        return Response(self.represent(CampaignSerializer, self.get_base_queryset().get(pk=campaign.pk)), status=code)

    @extend_schema(request=CampaignInputSerializer, responses={201: CampaignSerializer, 403: OpenApiResponse()})
    def create(self, request):
        """发起专项整治 (a competent department or the audit office, on findings of its scope)."""
        data = self.validated(CampaignInputSerializer)
        campaign = services.open_campaign(request.user, source=data.get("source", ""), **_campaign_args(data))
        return self._answer(campaign, status.HTTP_201_CREATED)

    @extend_schema(
        request=CampaignEditInputSerializer,
        responses={200: CampaignSerializer, 403: OpenApiResponse(), 412: OpenApiResponse()},
    )
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        """修改 (the opener, until concluded; from the ``version`` it read, or If-Match)."""
        campaign = self.get_object()
        data = self.validated(CampaignEditInputSerializer)
        services.update_campaign(request.user, campaign, version=self.seen_version(data), **_campaign_args(data))
        return self._answer(campaign)

    @extend_schema(request=CampaignCommentInputSerializer, responses={200: CampaignSerializer, 403: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """开始推进 (open → in progress)."""
        campaign = self.get_object()
        services.start_campaign(request.user, campaign, self.validated(CampaignCommentInputSerializer)["comment"])
        return self._answer(campaign)

    @extend_schema(request=CampaignConcludeInputSerializer, responses={200: CampaignSerializer, 403: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        """总结 (in progress → concluded, with the conclusion and the outcome)."""
        campaign = self.get_object()
        data = self.validated(CampaignConcludeInputSerializer)
        services.conclude_campaign(request.user, campaign, conclusion=data["conclusion"], outcome=data["outcome"])
        return self._answer(campaign)

    @extend_schema(request=CampaignProgressInputSerializer, responses={200: CampaignSerializer, 403: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """报送进展 (a unit concerned)."""
        campaign = self.get_object()
        data = self.validated(CampaignProgressInputSerializer)
        services.report_progress(request.user, campaign, text=data["text"], reported_on=data["reported_on"])
        return self._answer(campaign)


class ConsultationViewSet(RestrictedViewSet):
    """会商: the organizer's, those of the organizations taking part or responsible for a measure, and the audit
    office's of its jurisdiction; ``campaign``, ``year``, ``q``."""

    model = Consultation
    serializer_class = ConsultationSerializer
    filterset_class = ConsultationFilterSet
    ordering_fields = ["held_on", "created"]

    def get_base_queryset(self):
        user = self.request.user
        return (
            Consultation.objects.restrict(user)
            .select_related("owner")
            .prefetch_related(
                "participants",
                Prefetch("measures", AgreedMeasure.objects.select_related("organization").order_by("due_date", "pk")),
                Prefetch("findings", Finding.objects.restrict(user).order_by("pk"), to_attr="visible_findings"),
            )
            .order_by("-held_on", "-pk")
        )

    def _answer(self, consultation, code=status.HTTP_200_OK):
        return Response(
            self.represent(ConsultationSerializer, self.get_base_queryset().get(pk=consultation.pk)), status=code
        )

    @staticmethod
    def _measures(items) -> list[services.MeasureSpec]:
        orgs = organizations_by_id([m["organization"] for m in items], "measures")
        return [services.MeasureSpec(m["text"], org, m["due_date"]) for org, m in zip(orgs, items, strict=True)]

    @extend_schema(request=ConsultationInputSerializer, responses={201: ConsultationSerializer, 403: OpenApiResponse()})
    def create(self, request):
        """登记会商 (within one of the caller's campaigns, or on findings of its scope; with the measures agreed)."""
        data = self.validated(ConsultationInputSerializer)
        consultation = services.record_consultation(
            request.user, title=data["title"], held_on=data["held_on"], topics=data["topics"],
            participants=organizations_by_id(data["participants"], "participants"),
            measures=self._measures(data["measures"]), campaign=data["campaign"], findings=data["findings"],
        )  # fmt: skip
        return self._answer(consultation, status.HTTP_201_CREATED)

    @extend_schema(
        request=AgreedMeasureInputSerializer, responses={200: ConsultationSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"])
    def measures(self, request, pk=None):
        """追加议定措施 (the organizer)."""
        consultation = self.get_object()
        services.add_measure(
            request.user, consultation, self._measures([self.validated(AgreedMeasureInputSerializer)])[0]
        )
        return self._answer(consultation)

    @extend_schema(
        request=MeasureFollowUpInputSerializer, responses={200: ConsultationSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """登记措施落实情况 (the organizer or the organization responsible; with ``done_on`` the measure is done)."""
        consultation = self.get_object()
        data = self.validated(MeasureFollowUpInputSerializer)
        measure = AgreedMeasure.objects.filter(consultation=consultation, pk=data["measure"]).first()
        services.follow_up_measure(
            request.user, measure.pk if measure else 0, note=data["note"], done_on=data["done_on"]
        )
        return self._answer(consultation)
