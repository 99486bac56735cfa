from rest_framework import serializers

from rectify.assessment.models import Assessment, AssessmentLine, LineAdjustment


class LineAdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = LineAdjustment
        fields = ["id", "before", "after", "reason", "adjusted_by", "adjusted_at", "superseded"]
        read_only_fields = fields


class AssessmentLineSerializer(serializers.ModelSerializer):
    adjustments = LineAdjustmentSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentLine
        fields = [
            "id", "sequence", "rule", "code", "name", "kind", "limit", "computed_points", "points", "explanation",
            "facts", "adjustment_reason", "adjustments",
        ]  # fmt: skip
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    lines = AssessmentLineSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id", "year", "scheme", "unit", "unit_name", "state", "total", "computed_total", "computed_at",
            "reviewed_by", "reviewed_at", "review_comment", "confirmed_by", "confirmed_at", "lines", "version",
        ]  # fmt: skip
        read_only_fields = fields


VERSION_HELP = "The assessment's version the action was read at (or If-Match); an older one answers 412."


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP)


class ReviewSerializer(VersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AdjustSerializer(VersionSerializer):
    line = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The id of one of its lines")
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    reason = serializers.CharField()


class ComputeSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class ComputationSerializer(serializers.Serializer):
    scheme = serializers.IntegerField()
    year = serializers.IntegerField()
    status = serializers.CharField()
    computed_at = serializers.DateTimeField(allow_null=True)
