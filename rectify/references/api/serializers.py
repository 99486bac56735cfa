from rest_framework import serializers

from rectify.api.fields import MoneyField
from rectify.core.filters import MAX_ID
from rectify.references.choices import ReferenceKind
from rectify.references.models import ReferenceDelivery


def money(**kwargs) -> MoneyField:
    return MoneyField(read_only=True, **kwargs)


# --- the cadre reference ------------------------------------------------------------------------------


class CadreFiguresSerializer(serializers.Serializer):
    findings = serializers.IntegerField(source="count")
    closed = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    amount_involved = money(source="involved")
    amount_rectified = money(source="rectified")
    amount_verified = money(source="verified")
    amount_unrectified = money(source="unrectified")
    interviews = serializers.IntegerField()
    referrals = serializers.IntegerField()


class CadreReferenceSerializer(serializers.Serializer):
    """One audited leader (one audit of a cadre) with the figures of its findings."""

    id = serializers.IntegerField()
    audited_official = serializers.CharField()
    project = serializers.CharField(source="name")
    type = serializers.CharField()
    year = serializers.IntegerField()
    units = serializers.SerializerMethodField()
    report_number = serializers.CharField()
    report_date = serializers.DateField(allow_null=True)
    figures = serializers.SerializerMethodField()

    def get_units(self, project) -> list[dict]:
        return [{"id": unit.pk, "name": unit.name} for unit in project.units.all()]

    def get_figures(self, project) -> dict:
        return CadreFiguresSerializer(self.context["figures"][project.pk]).data


class VerificationBriefSerializer(serializers.Serializer):
    verdict = serializers.CharField()
    verified_at = serializers.DateTimeField()
    verified_amount = money()
    reasons = serializers.CharField()


class FindingLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="finding.pk")
    ledger_number = serializers.CharField(source="finding.ledger_number")
    title = serializers.CharField(source="finding.title")
    unit = serializers.IntegerField(source="finding.unit_id")
    unit_name = serializers.CharField(source="finding.unit.name")
    year = serializers.IntegerField(source="finding.project.year")
    state = serializers.CharField(source="finding.state")
    deadline = serializers.DateField(source="finding.deadline", allow_null=True)
    amount_involved = money(source="finding.amount_involved")
    amount_rectified = money(source="rectified")
    amount_verified = money(source="verified")
    amount_unrectified = money(source="unrectified")
    latest_verification = VerificationBriefSerializer(source="verification", allow_null=True)


class HandledPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    position = serializers.CharField()
    outcome = serializers.CharField()


class InterviewBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    finding = serializers.IntegerField(source="finding_id")
    unit_name = serializers.CharField(source="unit.name")
    ground = serializers.CharField()
    state = serializers.CharField()
    interviewee = serializers.CharField()
    held_at = serializers.DateTimeField(allow_null=True)
    commitments = serializers.CharField()


class ReferralBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    number = serializers.CharField()
    ground = serializers.CharField()
    recipient_name = serializers.CharField(source="recipient.name")
    state = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)
    outcome_date = serializers.DateField(allow_null=True)
    outcome_text = serializers.CharField()
    persons = HandledPersonSerializer(many=True)


class CadreReferenceDetailSerializer(CadreReferenceSerializer):
    findings = serializers.SerializerMethodField()
    interviews = serializers.SerializerMethodField()
    referrals = serializers.SerializerMethodField()

    def get_findings(self, project) -> list[dict]:
        return FindingLineSerializer(self.context["detail"]["lines"], many=True).data

    def get_interviews(self, project) -> list[dict]:
        return InterviewBriefSerializer(self.context["detail"]["interviews"], many=True).data

    def get_referrals(self, project) -> list[dict]:
        return ReferralBriefSerializer(self.context["detail"]["referrals"], many=True).data


# --- the budget reference -----------------------------------------------------------------------------


class BudgetFiguresSerializer(serializers.Serializer):
    findings = serializers.IntegerField(source="count")
    closed = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    amount_involved = money(source="involved")
    amount_rectified = money(source="rectified")
    amount_verified = money(source="verified")
    amount_unrectified = money(source="unrectified")


class BudgetReferenceSerializer(serializers.Serializer):
    """One unit of the ranking: its figures in the year asked for (all years when none)."""

    id = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="name")
    unit_code = serializers.CharField(source="code")
    sector = serializers.CharField()
    figures = BudgetFiguresSerializer()
    years_with_findings = serializers.IntegerField()


class YearFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    figures = BudgetFiguresSerializer()


class BudgetUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    history = serializers.SerializerMethodField()
    total = BudgetFiguresSerializer()
    findings = serializers.SerializerMethodField()

    def get_history(self, data) -> list[dict]:
        rows = [{"year": year, "figures": figures} for year, figures in data["history"]]
        return YearFiguresSerializer(rows, many=True).data

    def get_findings(self, data) -> list[dict]:
        lines = [line for _year, year_lines in data["findings_by_year"] for line in year_lines]
        return FindingLineSerializer(lines, many=True).data


class BudgetQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999)
    sector = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


# --- deliveries ---------------------------------------------------------------------------------------


class ReferenceDeliverySerializer(serializers.ModelSerializer):
    office_name = serializers.CharField(source="office.name", read_only=True)
    recipient_name = serializers.CharField(source="recipient.name", read_only=True)

    class Meta:
        model = ReferenceDelivery
        fields = [
            "id", "kind", "year", "office", "office_name", "recipient", "recipient_name", "note", "state",
            "sent_by", "sent_at", "acknowledged_by", "acknowledged_at", "acknowledgement",
        ]  # fmt: skip
        read_only_fields = fields


class SendInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReferenceKind.choices)
    year = serializers.IntegerField(min_value=1900, max_value=2999)
    recipient = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AcknowledgeInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
