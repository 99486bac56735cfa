from rest_framework import serializers

from rectify.core.filters import MAX_ID
from rectify.rectification.choices import AccountabilityOutcome
from rectify.referrals.choices import ReferralGround
from rectify.referrals.models import HandledPerson, Referral


class HandledPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandledPerson
        fields = ["name", "position", "outcome"]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    office_name = serializers.CharField(source="office.name", read_only=True)
    recipient_name = serializers.CharField(source="recipient.name", read_only=True)
    findings = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="Ids of the cited findings.")
    persons = HandledPersonSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id", "title", "ground", "office", "office_name", "recipient", "recipient_name", "findings", "facts",
            "request", "state", "number", "drafted_by", "approved_by", "approved_at", "sent_by", "sent_at",
            "feedback_due", "acknowledged_by", "acknowledged_at", "concluded_by", "concluded_at", "outcome_date",
            "outcome_text", "persons", "package_status", "version",
        ]  # fmt: skip
        read_only_fields = fields


class ReferralCreateInputSerializer(serializers.Serializer):
    recipient = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    ground = serializers.ChoiceField(choices=ReferralGround.choices)
    findings = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1)
    facts = serializers.CharField()
    request = serializers.CharField(required=False, allow_blank=True, default="")
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class ReferralEditInputSerializer(serializers.Serializer):
    facts = serializers.CharField()
    request = serializers.CharField(required=False, allow_blank=True, default="")
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class ReferralCommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralReturnInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ReferralPersonInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    position = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(choices=AccountabilityOutcome.choices)


class ReferralConcludeInputSerializer(serializers.Serializer):
    outcome_date = serializers.DateField()
    text = serializers.CharField()
    persons = ReferralPersonInputSerializer(many=True, required=False, default=list)
