from rest_framework import serializers

from rectify.analysis.models import Cluster, RepeatProposal


class SimilarQuerySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    unit = serializers.IntegerField(required=False, allow_null=True)
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=50)


class SimilarResultSerializer(serializers.Serializer):
    finding = serializers.IntegerField()
    ledger_number = serializers.CharField()
    score = serializers.FloatField()
    repeat = serializers.BooleanField()


class SimilarAnswerSerializer(serializers.Serializer):
    results = SimilarResultSerializer(many=True)


class RepeatProposalSerializer(serializers.ModelSerializer):
    ledger_number = serializers.CharField(source="finding.ledger_number", read_only=True)
    earlier_ledger_number = serializers.CharField(source="earlier.ledger_number", read_only=True)

    class Meta:
        model = RepeatProposal
        fields = [
            "id", "finding", "ledger_number", "earlier", "earlier_ledger_number", "score", "same_unit", "state",
            "decided_by", "decided_at", "reason",
        ]  # fmt: skip
        read_only_fields = fields


class ProposalDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ClusterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cluster
        fields = [
            "id", "scope", "jurisdiction", "department", "title", "representative", "unit_count", "year_count",
            "finding_count", "amount", "by_year", "computed_at",
        ]  # fmt: skip
        read_only_fields = fields
