"""How audit projects read, and what issuing a project's report takes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rectify.audits.models import AuditProject


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


class IssueProjectSerializer(serializers.Serializer):
    """The audit report's number (文号) and date; every draft finding of the project is issued with it."""

    report_number = serializers.CharField(max_length=100)
    report_date = serializers.DateField()


class IssueResultSerializer(serializers.Serializer):
    project = AuditProjectSerializer()
    issued = serializers.ListField(child=serializers.IntegerField(), help_text=_("已下达的问题"))
