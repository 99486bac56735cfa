from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from rectify.accounts import otp
from rectify.accounts.models import User


class TokenRequestSerializer(AuthTokenSerializer):
    """Username and password, and the second factor's code when the account owes one. (DRF's sign-in
    serializer, for its checks and translated refusals; DRF's plain-text token model is not installed.)"""

    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=16,
        help_text=_("动态口令（须使用第二因素的账号必填）"),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        try:
            request = self.context.get("request")
            otp.check_code(attrs["user"], attrs.get("otp"), getattr(request, "_request", request))
        except ValueError as refusal:
            raise serializers.ValidationError({"otp": [str(refusal.args[0])]}, code="otp") from None
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("以 Authorization: Token <token> 请求头使用"))
    expiry = serializers.DateTimeField(allow_null=True, help_text=_("失效时间"))


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its holder and the security administrator see it: never the secret."""

    key = serializers.CharField(source="token_key", read_only=True, help_text=_("令牌的前若干位，用于识别"))
    username = serializers.CharField(source="user.username", read_only=True)
    current = serializers.SerializerMethodField(help_text=_("是否为本次请求所用的令牌"))

    class Meta:
        model = AuthToken
        fields = ["key", "user", "username", "created", "expiry", "current"]
        read_only_fields = fields

    def get_current(self, token: AuthToken) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, AuthToken) and auth.digest == token.digest


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
