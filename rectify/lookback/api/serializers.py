from decimal import Decimal

from rest_framework import serializers

from rectify.core.filters import MAX_ID
from rectify.lookback.choices import RecheckResult
from rectify.lookback.models import LookbackSample, SampleItem


class LookbackSampleItemSerializer(serializers.ModelSerializer):
    ledger_number = serializers.CharField(source="finding.ledger_number", read_only=True)

    class Meta:
        model = SampleItem
        fields = [
            "id", "position", "finding", "ledger_number", "rule", "reason", "auditor", "result", "note",
            "checked_on", "checked_by", "version",
        ]  # fmt: skip
        read_only_fields = fields


class LookbackSampleSerializer(serializers.ModelSerializer):
    categories = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    items = LookbackSampleItemSerializer(many=True, read_only=True)

    class Meta:
        model = LookbackSample
        fields = [
            "id", "office", "title", "seed", "size", "min_amount", "categories", "repeat_history", "false_history",
            "population", "drawn_by", "created", "version", "items",
        ]  # fmt: skip
        read_only_fields = fields


class LookbackSampleInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    size = serializers.IntegerField(min_value=1, max_value=500)
    min_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True, default=None
    )
    categories = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list, max_length=200
    )
    repeat_history = serializers.BooleanField(required=False, default=False)
    false_history = serializers.BooleanField(required=False, default=False)


class LookbackRecheckInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    result = serializers.ChoiceField(choices=RecheckResult.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    checked_on = serializers.DateField(required=False, allow_null=True, default=None)
    auditor = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
