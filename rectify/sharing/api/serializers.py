from rest_framework import serializers

from rectify.core.filters import MAX_ID
from rectify.sharing.choices import Target
from rectify.sharing.models import Digest, InspectionPackage, Subscription


class DigestSerializer(serializers.ModelSerializer):
    class Meta:
        model = Digest
        fields = ["id", "since", "until", "period_end", "changed", "issued", "closed", "overdue", "lines"]
        read_only_fields = fields


class SubscriptionSerializer(serializers.ModelSerializer):
    subscriber_name = serializers.CharField(source="subscriber.name", read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "id", "subscriber", "subscriber_name", "target", "unit", "sector", "category", "purpose",
            "period_days", "state", "requested_by", "decided_by", "decided_at", "decision_comment", "created",
        ]  # fmt: skip
        read_only_fields = fields


class RequestInputSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=Target.choices)
    unit = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    sector = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    category = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    purpose = serializers.CharField(max_length=2000)
    period_days = serializers.IntegerField(required=False, default=7, min_value=1, max_value=92)


class SubscriptionCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class InspectionPackageSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = InspectionPackage
        fields = ["id", "unit", "unit_name", "status", "findings_count", "created", "finished_at"]
        read_only_fields = fields


class PackageRequestSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
