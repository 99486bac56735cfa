from rest_framework import serializers

from rectify.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.BooleanField(source="is_read", read_only=True)
    object = serializers.SerializerMethodField(help_text="The object the notification is about: {type, id}.")

    class Meta:
        model = Notification
        fields = ["id", "event_name", "title", "body", "url", "object", "created", "read", "read_at"]
        read_only_fields = fields

    def get_object(self, notification: Notification) -> dict | None:
        if not notification.object_label:
            return None
        return {"type": notification.object_label, "id": notification.object_id}
