"""How plans, report rounds, evidence and verifications read, and what the unit's and the auditor's
actions take. Shapes only: every rule is in rectify.rectification.services."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rectify.api.fields import JSONListField, MoneyField, ScopedPrimaryKeyRelatedField
from rectify.rectification.choices import AMOUNT_METHODS, AccountabilityOutcome, ReportKind, Verdict
from rectify.rectification.models import (
    AccountabilityRecord,
    AdoptedRule,
    DelayExplanation,
    Evidence,
    Milestone,
    Plan,
    ProgressReport,
    Verification,
)

# --- reading -------------------------------------------------------------------------------


def _method_label_now(field: str) -> str:
    return gettext("整改金额（%(method)s）") % {"method": dict(AMOUNT_METHODS)[field]}


# The label of one way of rectifying money, as the service names it (整改金额（上缴财政）), in the
# language of each request.
_method_label = lazy(_method_label_now, str)


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["number", "title", "due_date", "completed_on"]


class PlanSerializer(serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    submitted_by_name = serializers.CharField(source="submitted_by.display_name", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "finding",
            "measures",
            "responsible_department",
            "responsible_person",
            "first_responsible",
            "planned_completion",
            "milestones",
            "submitted_by",
            "submitted_by_name",
            "submitted_at",
            "created",
            "last_updated",
            "version",
        ]


class EvidenceSerializer(serializers.ModelSerializer):
    """A supporting file; its type was sniffed from its content. ``download`` serves the file."""

    finding = serializers.IntegerField(source="report.finding_id", read_only=True)
    uploaded_by_name = serializers.CharField(source="uploaded_by.display_name", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "report",
            "finding",
            "original_name",
            "description",
            "sha256",
            "size",
            "content_type",
            "uploaded_by",
            "uploaded_by_name",
            "created",
            "download",
        ]

    @extend_schema_field(serializers.URLField())
    def get_download(self, evidence: Evidence) -> str:
        path = reverse("api:evidence-download", args=[evidence.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AdoptedRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdoptedRule
        fields = ["title", "document_number", "adopted_on"]


class AccountabilityRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccountabilityRecord
        fields = ["person_name", "position", "outcome"]


class ProgressReportSerializer(serializers.ModelSerializer):
    """One report round, with money by method (exact decimal strings), rules, people and evidence."""

    amount_to_treasury = MoneyField(read_only=True)
    amount_returned_to_source = MoneyField(read_only=True)
    amount_revitalized = MoneyField(read_only=True)
    amount_adjusted_in_accounts = MoneyField(read_only=True)
    amount_losses_recovered = MoneyField(read_only=True)
    amount_other = MoneyField(read_only=True)
    amount_rectified = MoneyField(read_only=True)
    rules = AdoptedRuleSerializer(many=True, read_only=True)
    accountability = AccountabilityRecordSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    verification = serializers.SerializerMethodField()
    submitted_by_name = serializers.CharField(source="submitted_by.display_name", read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "finding",
            "round",
            "kind",
            "measures",
            "progress",
            "unfinished_reason",
            "next_steps",
            "next_steps_due",
            *(field for field, _label in AMOUNT_METHODS),
            "amount_rectified",
            "excess_reason",
            "rules",
            "accountability",
            "evidence",
            "verification",
            "submitted_by",
            "submitted_by_name",
            "submitted_at",
            "created",
            "last_updated",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text=_("该轮报告的核实认定")))
    def get_verification(self, report: ProgressReport) -> int | None:
        verification = getattr(report, "verification", None)
        return verification.pk if verification is not None else None


class VerificationSerializer(serializers.ModelSerializer):
    verified_amount = MoneyField(read_only=True)
    verifier_name = serializers.CharField(source="verifier.display_name", read_only=True)

    class Meta:
        model = Verification
        fields = [
            "id",
            "finding",
            "report",
            "verdict",
            "verified_amount",
            "complete",
            "compliant",
            "reasons",
            "verifier",
            "verifier_name",
            "verified_at",
            "created",
        ]


class DelayExplanationSerializer(serializers.ModelSerializer):
    submitted_by_name = serializers.CharField(source="submitted_by.display_name", read_only=True)

    class Meta:
        model = DelayExplanation
        fields = [
            "id", "finding", "reason", "expected_completion", "submitted_by", "submitted_by_name", "submitted_at",
            "decision", "decided_by", "decided_at", "decision_note",
        ]  # fmt: skip


# --- actions -------------------------------------------------------------------------------


class MilestoneInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField()


class PlanInputSerializer(serializers.Serializer):
    """The unit's rectification plan (submit_plan); submitting again revises it."""

    measures = serializers.CharField()
    responsible_person = serializers.CharField(max_length=50)
    responsible_department = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    planned_completion = serializers.DateField()
    delay_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when planned_completion is after the deadline: recorded as a delay explanation.",
    )
    milestones = JSONListField(child=MilestoneInputSerializer(), required=False, default=list, max_length=20)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="When revising: the plan's version the revision was made from (or If-Match); an older one "
        "answers 412.",
    )


class RuleInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    document_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    adopted_on = serializers.DateField(required=False, allow_null=True, default=None)


class AccountabilityInputSerializer(serializers.Serializer):
    person_name = serializers.CharField(max_length=50)
    position = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(choices=AccountabilityOutcome.choices)


class ReportInputSerializer(serializers.Serializer):
    """One report round (submit_report). As multipart/form-data: several ``evidence`` files, and
    ``rules`` and ``accountability`` each as one JSON text; as JSON: the same without files."""

    measures = serializers.CharField()
    progress = serializers.CharField()
    unfinished_reason = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps_due = serializers.DateField(required=False, allow_null=True, default=None)
    amount_to_treasury = MoneyField(required=False, label=_method_label("amount_to_treasury"))
    amount_returned_to_source = MoneyField(required=False, label=_method_label("amount_returned_to_source"))
    amount_revitalized = MoneyField(required=False, label=_method_label("amount_revitalized"))
    amount_adjusted_in_accounts = MoneyField(required=False, label=_method_label("amount_adjusted_in_accounts"))
    amount_losses_recovered = MoneyField(required=False, label=_method_label("amount_losses_recovered"))
    amount_other = MoneyField(required=False, label=_method_label("amount_other"))
    excess_reason = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=ReportKind.choices, required=False, allow_null=True, default=None)
    rules = JSONListField(child=RuleInputSerializer(), required=False, default=list, max_length=100)
    accountability = JSONListField(child=AccountabilityInputSerializer(), required=False, default=list, max_length=100)
    evidence = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list, max_length=50
    )

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["amounts"] = {field: data.pop(field) for field, _label in AMOUNT_METHODS if field in data}
        return data


class VerifyInputSerializer(serializers.Serializer):
    """The auditor's verdict on the latest report round (verify)."""

    verdict = serializers.ChoiceField(choices=Verdict.choices)
    reasons = serializers.CharField()
    verified_amount = MoneyField(required=False, label=_("认定整改金额"))
    complete = serializers.BooleanField(required=False, allow_null=True, default=None)
    compliant = serializers.BooleanField(required=False, allow_null=True, default=None)


class DelayDecisionInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text="true: 同意延期; false: 不同意 (note required)")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DelayInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    expected_completion = serializers.DateField()


class EvidenceInputSerializer(serializers.Serializer):
    """A file added to a report round that awaits verification (add_evidence), as multipart/form-data."""

    report = ScopedPrimaryKeyRelatedField(queryset=ProgressReport.objects.all())
    file = serializers.FileField(allow_empty_file=True)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
