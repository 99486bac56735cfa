from rest_framework import serializers

from rectify.organizations.models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "short_name",
            "code",
            "kind",
            "jurisdiction",
            "jurisdiction_name",
            "competent_department",
            "sector",
            "head_name",
            "head_title",
            "phone",
            "address",
            "created",
            "last_updated",
        ]
        read_only_fields = fields
