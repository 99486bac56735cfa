"""How findings read and what their writes take. Shapes only: every rule is in the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rectify.api.fields import MoneyField, ScopedPrimaryKeyRelatedField
from rectify.audits.models import AuditProject
from rectify.findings.choices import Colour, Disclosure, Kind
from rectify.findings.models import Category, Finding, FindingEvent, Requirement
from rectify.findings.services import AMOUNT_LABEL, EDITABLE_FIELDS
from rectify.organizations.models import Organization


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent", "involves_fiscal_funds"]


class RequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Requirement
        fields = ["id", "finding", "number", "text"]


class FindingEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = FindingEvent
        fields = ["id", "finding", "kind", "action", "from_state", "to_state", "actor", "actor_name", "at", "comment"]


class FindingSerializer(serializers.ModelSerializer):
    """A ledger row. ``colour`` and ``days_left`` are derived from the deadline and the state, never stored."""

    year = serializers.IntegerField(source="project.year", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    category_name = serializers.StringRelatedField(source="category")
    amount_involved = MoneyField(read_only=True)
    colour = serializers.SerializerMethodField()
    days_left = serializers.IntegerField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    requirements = serializers.SerializerMethodField()
    repeats = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "ledger_number",
            "year",
            "project",
            "project_name",
            "unit",
            "unit_name",
            "category",
            "category_name",
            "title",
            "description",
            "legal_basis",
            "amount_involved",
            "kind",
            "deadline",
            "state",
            "colour",
            "days_left",
            "is_overdue",
            "disclosure",
            "rectified_during_audit",
            "involves_fiscal_funds",
            "requirements",
            "repeats",
            "issued_at",
            "closed_at",
            "created",
            "last_updated",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(choices=Colour.choices, allow_null=True, help_text=_("三色预警：green / yellow / red"))
    )
    def get_colour(self, finding: Finding) -> str | None:
        colour = getattr(finding, "colour_code", None)
        if colour is None:
            colour = finding.colour
        return colour or None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_requirements(self, finding: Finding) -> list[str]:
        return [r.text for r in finding.requirements.all()]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_repeats(self, finding: Finding) -> list[int]:
        """Ids of the earlier findings it repeats (屡审屡犯) that the caller may see."""
        visible = getattr(finding, "visible_repeats", None)
        if visible is None:
            request = self.context.get("request")
            visible = finding.repeats.restrict(request.user if request else None)
        return sorted(f.pk for f in visible)


class FindingCreateSerializer(serializers.Serializer):
    """An auditor records a finding of a project their office conducts (create_finding)."""

    project = ScopedPrimaryKeyRelatedField(queryset=AuditProject.objects.all())
    unit = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    requirements = serializers.ListField(child=serializers.CharField(), help_text=_("整改要求，逐条列明"))
    amount_involved = MoneyField(required=False, label=AMOUNT_LABEL)
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.IMMEDIATE)
    deadline = serializers.DateField(required=False, allow_null=True, help_text=_("留空则按整改类型的期限规则自动计算"))
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    disclosure = serializers.ChoiceField(choices=Disclosure.choices, default=Disclosure.PUBLIC)
    rectified_during_audit = serializers.BooleanField(required=False, default=False)
    involves_fiscal_funds = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("留空则按问题类别确定")
    )
    repeats = ScopedPrimaryKeyRelatedField(queryset=Finding.objects.all(), many=True, required=False)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know instead of ignoring them, so a typo is not a silent no-op."""

    def to_internal_value(self, data):
        unknown = set(getattr(data, "keys", lambda: [])()) - set(self.fields)
        if unknown:
            raise serializers.ValidationError({name: [_("该字段不能通过接口修改。")] for name in sorted(unknown)})
        return super().to_internal_value(data)


class FindingUpdateSerializer(StrictSerializer):
    """An auditor corrects a finding (update_finding; requirements through set_requirements, drafts only)."""

    unit = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False)
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    amount_involved = MoneyField(required=False, label=AMOUNT_LABEL)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    deadline = serializers.DateField(required=False, allow_null=True)
    disclosure = serializers.ChoiceField(choices=Disclosure.choices, required=False)
    rectified_during_audit = serializers.BooleanField(required=False)
    involves_fiscal_funds = serializers.BooleanField(required=False)
    requirements = serializers.ListField(child=serializers.CharField(), required=False)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("问题下达后修改须说明理由")
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version the edit was made from (or the If-Match header with the finding's ETag); "
        "an edit from an older version answers 412 and changes nothing.",
    )

    def validate(self, attrs):
        if not (set(attrs) & (EDITABLE_FIELDS | {"requirements"})):
            raise serializers.ValidationError(_("请至少提供一个要修改的字段。"))
        return attrs


class TransitionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("说明"))
