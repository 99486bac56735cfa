from rest_framework import serializers

from rectify.core.filters import MAX_ID
from rectify.summaries.choices import SummaryKind
from rectify.summaries.models import SummaryReport, SummaryStep


class SummaryStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = SummaryStep
        fields = ["kind", "from_state", "to_state", "actor", "actor_name", "at", "comment"]
        read_only_fields = fields


class SummaryReportSerializer(serializers.ModelSerializer):
    issuer = serializers.PrimaryKeyRelatedField(read_only=True)
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    recipients = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    findings = serializers.SerializerMethodField(help_text="Ids of the findings behind the figures.")

    class Meta:
        model = SummaryReport
        fields = [
            "id", "kind", "title", "issuer", "issuer_name", "preparer", "recipients", "year", "project",
            "department", "findings", "report_date", "state", "narrative", "figures", "figures_at", "frozen_at",
            "drafted_by", "submitted_at", "approved_by", "approved_at", "sent_by", "sent_at", "version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_findings(self, report) -> list[int]:
        return list(report.finding_ids)


class SummaryReportListSerializer(SummaryReportSerializer):
    """The list leaves out the narrative and the figures (read them on the report)."""

    class Meta(SummaryReportSerializer.Meta):
        fields = [f for f in SummaryReportSerializer.Meta.fields if f not in ("narrative", "figures", "findings")]
        read_only_fields = fields


class CreateInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SummaryKind.choices)
    report_date = serializers.DateField(required=False, allow_null=True)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2100)
    project = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    department = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    findings = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False)
    recipients = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)


class NarrativeInputSerializer(serializers.Serializer):
    sections = serializers.DictField(child=serializers.CharField(allow_blank=True), help_text="{key: text}")
    title = serializers.CharField(required=False, max_length=200)
    report_date = serializers.DateField(required=False)
    recipients = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class CommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
