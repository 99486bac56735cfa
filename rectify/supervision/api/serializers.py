from rest_framework import serializers

from rectify.core.filters import MAX_ID
from rectify.supervision.choices import CircularKind, MatterKind
from rectify.supervision.models import Assignment, Circular, Progress, SupervisedMatter

ID = {"min_value": 1, "max_value": MAX_ID}


class ProgressSerializer(serializers.ModelSerializer):
    attachment = serializers.SerializerMethodField()

    class Meta:
        model = Progress
        fields = ["id", "text", "reported_on", "reported_by", "at", "attachment", "attachment_name"]
        read_only_fields = fields

    def get_attachment(self, progress) -> str | None:
        from django.urls import reverse

        return reverse("supervision:attachment", args=[progress.pk]) if progress.attachment else None


class AssignmentSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    matter_title = serializers.CharField(source="matter.title", read_only=True)
    overdue = serializers.SerializerMethodField()
    progress = ProgressSerializer(many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id", "matter", "matter_title", "organization", "organization_name", "due_date", "state", "overdue",
            "requested_at", "done_at", "accepted_by", "progress",
        ]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, assignment) -> bool:
        return assignment.is_overdue()


class SupervisedMatterSerializer(serializers.ModelSerializer):
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    findings = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    assignments = serializers.SerializerMethodField()

    class Meta:
        model = SupervisedMatter
        fields = [
            "id", "issuer", "issuer_name", "kind", "title", "content", "meeting", "meeting_date", "instructed_by",
            "instructor_position", "instructed_on", "findings", "units", "state", "recorded_by", "created",
            "closed_at", "assignments",
        ]  # fmt: skip
        read_only_fields = fields

    def get_assignments(self, matter) -> list[dict]:
        # Only the parts the caller sees (an assignee its own), prefetched by the view.
        return AssignmentBriefSerializer(getattr(matter, "visible_assignments", []), many=True).data


class AssignmentBriefSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "organization", "organization_name", "due_date", "state"]
        read_only_fields = fields


class AssigneeInputSerializer(serializers.Serializer):
    organization = serializers.IntegerField(**ID)
    due_date = serializers.DateField()


class SupervisedMatterInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MatterKind.choices)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    meeting = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    meeting_date = serializers.DateField(required=False, allow_null=True, default=None)
    instructed_by = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    instructor_position = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    instructed_on = serializers.DateField(required=False, allow_null=True, default=None)
    assignees = AssigneeInputSerializer(many=True)
    units = serializers.ListField(child=serializers.IntegerField(**ID), required=False, default=list)
    findings = serializers.ListField(child=serializers.IntegerField(**ID), required=False, default=list)


class ProgressInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    reported_on = serializers.DateField(required=False, allow_null=True, default=None)
    attachment = serializers.FileField(required=False, allow_null=True, default=None)


class SupervisionCommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SupervisionReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CircularSerializer(serializers.ModelSerializer):
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    recipients = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    matters = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    findings = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    number = serializers.CharField(read_only=True)

    class Meta:
        model = Circular
        fields = [
            "id", "issuer", "issuer_name", "kind", "title", "body", "recipients", "matters", "findings", "state",
            "number", "drafted_by", "approved_by", "approved_at", "issued_by", "issued_at", "version",
        ]  # fmt: skip
        read_only_fields = fields


class CircularInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CircularKind.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    recipients = serializers.ListField(child=serializers.IntegerField(**ID))
    matters = serializers.ListField(child=serializers.IntegerField(**ID), required=False, default=list)
    findings = serializers.ListField(child=serializers.IntegerField(**ID), required=False, default=list)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
