"""Announcements and limited circulations over HTTP: ``/api/announcements/`` (drafting with POST; the
steps ``edit``, ``edit-item``, ``remove-item``, ``submit``, ``approve``, ``return``, ``publish``,
``withdraw``, ``correct``). Scoped and paginated: the publisher's people see their own in every state,
an audit office the released ones of its jurisdiction, recipients the circulations sent to them (opening
one records the reading), everyone the released public ones. A refusal is a 400/403 with ``detail``,
an object out of scope a 404; a stale ``version`` (or ``If-Match``) is refused."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from rectify.api.base import RestrictedViewSet, organizations_by_id
from rectify.audits.models import AuditProject
from rectify.findings.models import Finding
from rectify.portal import services
from rectify.portal.api.serializers import (
    AnnouncementCommentInputSerializer,
    AnnouncementCorrectionInputSerializer,
    AnnouncementEditInputSerializer,
    AnnouncementInputSerializer,
    AnnouncementItemInputSerializer,
    AnnouncementItemRemoveInputSerializer,
    AnnouncementReasonInputSerializer,
    AnnouncementSerializer,
)
from rectify.portal.filters import AnnouncementFilterSet
from rectify.portal.models import Announcement, AnnouncementItem, Reading


class AnnouncementViewSet(RestrictedViewSet):
    """公告和有限范围通报 (announcements and limited circulations); ``kind``, ``audience``, ``state``, ``year``,
    ``unit``, ``q``."""

    model = Announcement
    serializer_class = AnnouncementSerializer
    filterset_class = AnnouncementFilterSet
    ordering_fields = ["created", "published_at", "title"]

    def get_base_queryset(self):
        return (
            Announcement.objects.restrict(self.request.user)
            .select_related("publisher")
            .prefetch_related(
                "recipients",
                Prefetch("items", AnnouncementItem.objects.order_by("number", "pk")),
                Prefetch("readings", Reading.objects.select_related("organization")),
            )
            .order_by("-created", "-pk")
        )

    def retrieve(self, request, *args, **kwargs):
        announcement = self.get_object()
        services.record_reading(request.user, announcement)
        return Response(self.represent(AnnouncementSerializer, announcement))

    def _answer(self, announcement, code=status.HTTP_200_OK):
        fresh = self.get_base_queryset().get(pk=announcement.pk)
        return Response(self.represent(AnnouncementSerializer, fresh), status=code)

    @extend_schema(request=AnnouncementInputSerializer, responses={201: AnnouncementSerializer, 403: OpenApiResponse()})
    def create(self, request):
        """起草 (from the verified findings of the scope: ``project``, ``year``, ``unit``; ``findings`` narrows)."""
        data = self.validated(AnnouncementInputSerializer)
        project = None
        if data["project"] is not None:
            project = AuditProject.objects.restrict(request.user).filter(pk=data["project"]).first()
            if project is None:
                raise ValidationError({"project": ["unknown audit project"]})
        unit = organizations_by_id([data["unit"]], "unit")[0] if data["unit"] is not None else None
        findings = None if data["findings"] is None else [Finding(pk=pk) for pk in data["findings"]]
        announcement = services.draft_announcement(
            request.user, audience=data["audience"], title=data["title"], introduction=data["introduction"],
            project=project, year=data["year"], unit=unit,
            recipients=organizations_by_id(data["recipients"], "recipients"), findings=findings,
        )  # fmt: skip
        return self._answer(announcement, status.HTTP_201_CREATED)

    @extend_schema(request=AnnouncementEditInputSerializer, responses={200: AnnouncementSerializer})
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        """修改草稿 (title, introduction, a circulation's recipients; ``version`` as read)."""
        announcement = self.get_object()
        data = self.validated(AnnouncementEditInputSerializer)
        recipients = data.get("recipients")
        services.update_announcement(
            request.user, announcement, title=data["title"], introduction=data["introduction"],
            recipients=None if recipients is None else organizations_by_id(recipients, "recipients"),
            correction_note=data["correction_note"], version=self.seen_version(data),
        )  # fmt: skip
        return self._answer(announcement)

    @extend_schema(request=AnnouncementItemInputSerializer, responses={200: AnnouncementSerializer})
    @action(detail=True, methods=["post"], url_path="edit-item")
    def edit_item(self, request, pk=None):
        """修改一个问题的公开文字 (a draft)."""
        announcement = self.get_object()
        data = self.validated(AnnouncementItemInputSerializer)
        item = announcement.items.filter(pk=data["item"]).first()
        if item is None:
            raise ValidationError({"item": ["not an item of this announcement"]})
        text = services.ItemText(data["title"], data["summary"], data["requirements_summary"], data["result"])
        services.update_item(request.user, item, text, version=self.seen_version(data))
        return self._answer(announcement)

    @extend_schema(request=AnnouncementItemRemoveInputSerializer, responses={200: AnnouncementSerializer})
    @action(detail=True, methods=["post"], url_path="remove-item")
    def remove_item(self, request, pk=None):
        """移出一个问题 (a draft; at least one stays)."""
        announcement = self.get_object()
        data = self.validated(AnnouncementItemRemoveInputSerializer)
        item = announcement.items.filter(pk=data["item"]).first()
        if item is None:
            raise ValidationError({"item": ["not an item of this announcement"]})
        services.remove_item(request.user, item, version=self.seen_version(data))
        return self._answer(announcement)

    @extend_schema(
        request=AnnouncementCommentInputSerializer, responses={200: AnnouncementSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """报请审批 (draft → submitted)."""
        announcement = self.get_object()
        data = self.validated(AnnouncementCommentInputSerializer)
        services.submit_announcement(request.user, announcement, data["comment"], version=self.seen_version(data))
        return self._answer(announcement)

    @extend_schema(
        request=AnnouncementCommentInputSerializer, responses={200: AnnouncementSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """审批同意 (the audit leader; a unit's own, its head)."""
        announcement = self.get_object()
        data = self.validated(AnnouncementCommentInputSerializer)
        services.approve_announcement(request.user, announcement, data["comment"], version=self.seen_version(data))
        return self._answer(announcement)

    @extend_schema(
        request=AnnouncementReasonInputSerializer, responses={200: AnnouncementSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """退回修改 (the approver; ``reason`` required)."""
        announcement = self.get_object()
        data = self.validated(AnnouncementReasonInputSerializer)
        services.return_announcement(request.user, announcement, data["reason"], version=self.seen_version(data))
        return self._answer(announcement)

    @extend_schema(
        request=AnnouncementCommentInputSerializer, responses={200: AnnouncementSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """发布 (approved → published: frozen; a correction supersedes the version it corrects)."""
        announcement = self.get_object()
        data = self.validated(AnnouncementCommentInputSerializer)
        services.publish_announcement(request.user, announcement, data["comment"], version=self.seen_version(data))
        return self._answer(announcement)

    @extend_schema(
        request=AnnouncementReasonInputSerializer, responses={200: AnnouncementSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """撤回 (the approver; ``reason`` required)."""
        announcement = self.get_object()
        data = self.validated(AnnouncementReasonInputSerializer)
        services.withdraw_announcement(request.user, announcement, data["reason"], version=self.seen_version(data))
        return self._answer(announcement)

    @extend_schema(
        request=AnnouncementCorrectionInputSerializer,
        responses={201: AnnouncementSerializer, 403: OpenApiResponse()},
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """更正 (a published one: a new draft version, answered; ``note`` required)."""
        announcement = self.get_object()
        data = self.validated(AnnouncementCorrectionInputSerializer)
        new = services.correct_announcement(request.user, announcement, data["note"], version=self.seen_version(data))
        return self._answer(new, status.HTTP_201_CREATED)
