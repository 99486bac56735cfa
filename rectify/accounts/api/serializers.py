from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rectify.accounts.models import User


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("以 Authorization: Token <token> 请求头使用"))


class MeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True, allow_null=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "organization", "organization_name", "title", "roles"]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        return sorted(user.role_codes)
