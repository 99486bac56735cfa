"""How audit projects read, and what issuing a project's report takes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rectify.accounts.models import User
from rectify.api.fields import ScopedPrimaryKeyRelatedField
from rectify.audits.choices import AuditType
from rectify.audits.models import AuditProject
from rectify.organizations.models import Organization


class AuditProjectSerializer(serializers.ModelSerializer):
    audit_office_name = serializers.CharField(source="audit_office.name", read_only=True)

    class Meta:
        model = AuditProject
        fields = [
            "id",
            "name",
            "year",
            "sequence",
            "type",
            "jurisdiction",
            "audit_office",
            "audit_office_name",
            "units",
            "audited_official",
            "leader",
            "team",
            "started_on",
            "report_number",
            "report_date",
            "is_reported",
            "created",
            "last_updated",
        ]
        read_only_fields = fields


class AuditProjectCreateSerializer(serializers.Serializer):
    """What opening an audit takes; the office and the jurisdiction are the caller's own."""

    name = serializers.CharField(max_length=200)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    type = serializers.ChoiceField(choices=AuditType.choices)
    units = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all(), many=True)
    audited_official = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    # Checked by the service: only auditors of the caller's own office are accepted.
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False)
    team = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True, required=False)


class IssueProjectSerializer(serializers.Serializer):
    """The audit report's number (文号) and date; every draft finding of the project is issued with it."""

    report_number = serializers.CharField(max_length=100)
    report_date = serializers.DateField()


class IssueResultSerializer(serializers.Serializer):
    project = AuditProjectSerializer()
    issued = serializers.ListField(child=serializers.IntegerField(), help_text=_("已下达的问题"))
