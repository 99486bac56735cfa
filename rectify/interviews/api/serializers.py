from rest_framework import serializers

from rectify.interviews.models import FollowUpItem, FollowUpReport, Interview


class FollowUpReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpReport
        fields = ["id", "text", "reported_by", "reported_at"]
        read_only_fields = fields


class FollowUpItemSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(source="is_overdue", read_only=True, help_text="Derived from the due date")
    reports = FollowUpReportSerializer(many=True, read_only=True)

    class Meta:
        model = FollowUpItem
        fields = [
            "id", "interview", "sequence", "title", "due_date", "responsible", "state", "overdue", "reports",
            "verified_by", "verified_at", "verification_comment",
        ]  # fmt: skip
        read_only_fields = fields


class InterviewSerializer(serializers.ModelSerializer):
    ledger_number = serializers.CharField(source="finding.ledger_number", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    items = FollowUpItemSerializer(many=True, read_only=True)

    class Meta:
        model = Interview
        fields = [
            "id", "finding", "ledger_number", "unit", "unit_name", "ground", "basis", "state", "proposed_on",
            "decided_by", "decided_at", "decision_reason", "interviewee", "scheduled_at", "place", "attendees",
            "held_at", "record", "commitments", "closed_at", "items", "version",
        ]  # fmt: skip
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true: 同意约谈; false: 不予约谈")
    reason = serializers.CharField()


class ScheduleSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    attendees = serializers.CharField(help_text="One attendee a line: name and position")
    interviewee = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1,
        help_text="The interview's version the schedule was read at (or If-Match); an older one answers 412.",
    )  # fmt: skip


class ItemInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField()
    responsible = serializers.CharField(max_length=100)


class HoldSerializer(serializers.Serializer):
    record = serializers.CharField()
    commitments = serializers.CharField(required=False, allow_blank=True, default="")
    items = ItemInputSerializer(many=True, required=False)


class ItemReportSerializer(serializers.Serializer):
    text = serializers.CharField()


class ItemVerifySerializer(serializers.Serializer):
    accepted = serializers.BooleanField()
    comment = serializers.CharField()
