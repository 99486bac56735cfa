from rest_framework import serializers

from rectify.core.filters import MAX_ID
from rectify.portal import services
from rectify.portal.choices import AnnouncementState, Audience
from rectify.portal.models import Announcement, AnnouncementItem, Reading

ID = {"min_value": 1, "max_value": MAX_ID}


class AnnouncementItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnouncementItem
        fields = [
            "id", "finding", "number", "ledger_number", "year", "unit", "unit_name", "category", "category_name",
            "title", "summary", "requirements_summary", "result", "amount_rectified",
        ]  # fmt: skip
        read_only_fields = fields


class AnnouncementReadingSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Reading
        fields = ["id", "reader", "reader_name", "organization", "organization_name", "read_at"]
        read_only_fields = fields


class AnnouncementSerializer(serializers.ModelSerializer):
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)
    recipients = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    items = serializers.SerializerMethodField()
    readings = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = Announcement
        fields = [
            "id", "version", "publisher", "publisher_name", "kind", "audience", "title", "introduction", "year",
            "project", "unit", "recipients", "state", "revision", "corrects", "correction_note", "drafted_by",
            "approved_by", "approved_at", "published_at", "withdrawn_at", "withdrawal_reason", "superseded_at",
            "public_url", "items", "readings", "steps",
        ]  # fmt: skip
        read_only_fields = fields

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def _works(self, announcement) -> bool:
        user = self._user()
        return user is not None and (services.may_work(user, announcement) or services.may_approve(user, announcement))

    def get_items(self, announcement) -> list[dict]:
        if announcement.state == AnnouncementState.WITHDRAWN and not self._works(announcement):
            return []  # a withdrawn publication shows only that it was withdrawn
        return AnnouncementItemSerializer(announcement.items.all(), many=True).data

    def get_readings(self, announcement) -> list[dict]:
        if announcement.audience != Audience.LIMITED or not self._works(announcement):
            return []
        return AnnouncementReadingSerializer(announcement.readings.all(), many=True).data

    def get_steps(self, announcement) -> list[str]:
        """The steps the caller may take now."""
        user = self._user()
        return services.allowed_steps(user, announcement) if user is not None else []

    def get_public_url(self, announcement) -> str | None:
        if announcement.audience == Audience.PUBLIC and announcement.is_released:
            return announcement.get_public_url()
        return None


class AnnouncementInputSerializer(serializers.Serializer):
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.PUBLIC)
    title = serializers.CharField(max_length=200)
    introduction = serializers.CharField(required=False, allow_blank=True, default="")
    project = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)
    year = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=2000, max_value=2100)
    unit = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)
    recipients = serializers.ListField(child=serializers.IntegerField(**ID), required=False, default=list)
    findings = serializers.ListField(
        child=serializers.IntegerField(**ID), required=False, allow_null=True, default=None,
        help_text="narrows the draft to these findings of the scope",
    )  # fmt: skip


class AnnouncementEditInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    introduction = serializers.CharField(required=False, allow_blank=True, default="")
    recipients = serializers.ListField(child=serializers.IntegerField(**ID), required=False, allow_null=True)
    correction_note = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class AnnouncementItemInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(**ID)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    requirements_summary = serializers.CharField(required=False, allow_blank=True, default="")
    result = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class AnnouncementItemRemoveInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(**ID)
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class AnnouncementCommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class AnnouncementReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class AnnouncementCorrectionInputSerializer(serializers.Serializer):
    note = serializers.CharField()
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)
