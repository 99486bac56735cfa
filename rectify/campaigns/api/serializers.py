from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rectify.campaigns.models import AgreedMeasure, Campaign, CampaignProgress, Consultation
from rectify.core.filters import MAX_ID

ID = {"min_value": 1, "max_value": MAX_ID}


class CampaignProgressSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = CampaignProgress
        fields = ["id", "unit", "unit_name", "text", "reported_on", "reporter_name", "at"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    lead_organization_name = serializers.CharField(source="lead_organization.name", read_only=True)
    findings = serializers.SerializerMethodField()
    units = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id", "owner", "owner_name", "lead_organization", "lead_organization_name", "title", "problem",
            "measures", "target_date", "state", "overdue", "findings", "units", "source", "opened_by", "created",
            "conclusion", "outcome", "concluded_by", "concluded_at", "version", "progress",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_findings(self, campaign) -> list[int]:
        # Only the findings the caller sees (a unit its own), prefetched by the view.
        return [f.pk for f in getattr(campaign, "visible_findings", [])]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_units(self, campaign) -> list[int]:
        return [u.pk for u in campaign.units.all()]

    def get_overdue(self, campaign) -> bool:
        return campaign.is_overdue()

    @extend_schema_field(CampaignProgressSerializer(many=True))
    def get_progress(self, campaign) -> list[dict]:
        return CampaignProgressSerializer(getattr(campaign, "visible_progress", []), many=True).data


class CampaignInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    problem = serializers.CharField()
    findings = serializers.ListField(child=serializers.IntegerField(**ID), max_length=500)
    units = serializers.ListField(child=serializers.IntegerField(**ID), required=False, max_length=500)
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    target_date = serializers.DateField()
    lead_organization = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)
    source = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class CampaignEditInputSerializer(CampaignInputSerializer):
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1,
        help_text="The version the edit was made from (or the If-Match header); an older one is refused (412).",
    )  # fmt: skip


class CampaignConcludeInputSerializer(serializers.Serializer):
    conclusion = serializers.CharField(allow_blank=True)
    outcome = serializers.CharField(allow_blank=True)


class CampaignCommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CampaignProgressInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    reported_on = serializers.DateField(required=False, allow_null=True, default=None)


class AgreedMeasureSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    done = serializers.BooleanField(source="is_done", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = AgreedMeasure
        fields = [
            "id",
            "text",
            "organization",
            "organization_name",
            "due_date",
            "done_on",
            "done",
            "overdue",
            "follow_up",
        ]
        read_only_fields = fields

    def get_overdue(self, measure) -> bool:
        return measure.is_overdue()


class ConsultationSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    participants = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    measures = AgreedMeasureSerializer(many=True, read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id", "owner", "owner_name", "campaign", "title", "held_on", "topics", "participants", "findings",
            "measures", "recorded_by", "created", "version",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_participants(self, consultation) -> list[int]:
        return [o.pk for o in consultation.participants.all()]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_findings(self, consultation) -> list[int]:
        return [f.pk for f in getattr(consultation, "visible_findings", [])]


class AgreedMeasureInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    organization = serializers.IntegerField(**ID)
    due_date = serializers.DateField()


class ConsultationInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    topics = serializers.CharField()
    participants = serializers.ListField(child=serializers.IntegerField(**ID), max_length=200)
    campaign = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)
    findings = serializers.ListField(child=serializers.IntegerField(**ID), required=False, default=list, max_length=500)
    measures = AgreedMeasureInputSerializer(many=True, required=False, default=list)


class MeasureFollowUpInputSerializer(serializers.Serializer):
    measure = serializers.IntegerField(**ID)
    note = serializers.CharField(allow_blank=True)
    done_on = serializers.DateField(required=False, allow_null=True, default=None)
