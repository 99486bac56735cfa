from rest_framework import serializers

from rectify.findings.warning import local_today
from rectify.reporting.models import EscalationProposal, Obligation


class ObligationSerializer(serializers.ModelSerializer):
    ledger_number = serializers.CharField(source="finding.ledger_number", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="pending / due_soon / missed / on_time / late / cancelled, derived from today"
    )

    class Meta:
        model = Obligation
        fields = [
            "id", "finding", "ledger_number", "kind", "kind_label", "sequence", "due_date", "status",
            "met_by", "met_at", "met_on_time", "cancelled_at", "cancel_reason",
        ]  # fmt: skip
        read_only_fields = fields

    def get_status(self, obligation: Obligation) -> str:
        return obligation.status(self.context.setdefault("today", local_today()))


class EscalationProposalSerializer(serializers.ModelSerializer):
    ledger_number = serializers.CharField(source="finding.ledger_number", read_only=True)
    obligation = ObligationSerializer(read_only=True)

    class Meta:
        model = EscalationProposal
        fields = [
            "id", "finding", "ledger_number", "obligation", "proposed_on", "days_overdue", "state",
            "decided_by", "decided_at", "decision_reason",
        ]  # fmt: skip
        read_only_fields = fields


class EscalationDecisionSerializer(serializers.Serializer):
    take_up = serializers.BooleanField(help_text="true: 采纳 (to an interview); false: 不予采纳")
    reason = serializers.CharField()
