"""The inbox over HTTP (``/api/notifications/``): the caller's own notifications only."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from rectify.api.base import RestrictedReadOnlyViewSet
from rectify.notifications import services
from rectify.notifications.api.serializers import NotificationSerializer
from rectify.notifications.filters import NotificationFilterSet
from rectify.notifications.models import Notification


class NotificationViewSet(RestrictedReadOnlyViewSet):
    """通知 (inbox): newest first; ``?unread=true`` for the unread ones."""

    model = Notification
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    ordering_fields = ["created"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return Notification.objects.restrict(self.request.user).order_by("-created", "-pk")

    @extend_schema(request=None, responses={200: NotificationSerializer, 404: OpenApiResponse(description="Not yours")})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """标为已读 (mark read)."""
        notification = self.get_object()
        notification = services.mark_read(request.user, notification.pk)
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: OpenApiResponse(description="{marked: N}")})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """全部标为已读 (mark all read)."""
        return Response({"marked": services.mark_all_read(request.user)}, status=status.HTTP_200_OK)
