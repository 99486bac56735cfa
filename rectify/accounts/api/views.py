"""Signing in to the API and its tokens.

``POST /api/auth/token/`` with username and password (and ``otp`` when the account owes the second
factor) answers a new token ``{"token", "expiry"}``; ``DELETE /api/auth/token/`` revokes the token the
request came with. ``/api/auth/tokens/`` lists the caller's live tokens (the security administrator:
every business user's, ``?user=`` to narrow), never their secret; ``DELETE /api/auth/tokens/<key>/``
revokes one.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from rectify.accounts import tokens
from rectify.accounts.api.serializers import ApiTokenSerializer, MeSerializer, TokenRequestSerializer, TokenSerializer
from rectify.accounts.authentication import SessionAuthentication, TokenAuthentication
from rectify.api.base import RestrictedQuerysetMixin
from rectify.core.throttling import LoginAddressThrottle, LoginUsernameThrottle
from rectify.core.visibility import restrict


class TokenView(APIView):
    """Exchanges a username and password (and the second factor's code) for a new API token; revokes one."""

    # A token only: a sign-in needs no session (so no CSRF check), and a revocation names its token.
    authentication_classes = [TokenAuthentication]

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    def get_throttles(self):
        if self.request.method == "POST":
            return [LoginAddressThrottle(), LoginUsernameThrottle()]
        return super().get_throttles()

    def perform_authentication(self, request):
        # A sign-in does not look at the Authorization header: a stale token there does not block a new one.
        if request.method != "POST":
            super().perform_authentication(request)

    @extend_schema(
        summary="取得接口令牌 (obtain an API token)",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong username or password, or a missing or wrong second factor."),
            429: OpenApiResponse(description="Too many attempts from this address or for this username."),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, secret = tokens.issue(serializer.validated_data["user"], request=request._request)
        return Response(TokenSerializer({"token": secret, "expiry": token.expiry}).data)

    @extend_schema(
        summary="注销本令牌 (revoke the token of this request)",
        request=None,
        responses={204: OpenApiResponse(description="The token is revoked.")},
    )
    def delete(self, request, *args, **kwargs):
        if isinstance(request.auth, AuthToken):
            tokens.revoke(request.auth, reason=tokens.Reason.SIGN_OUT, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    parameters=[
        OpenApiParameter("user", OpenApiTypes.INT, description=_("按用户筛选（安全管理员）")),
        OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("令牌的识别前缀")),
    ]
)
class ApiTokenViewSet(
    RestrictedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Live tokens the caller may see: their own; the security administrator's, every business user's."""

    model = AuthToken
    serializer_class = ApiTokenSerializer
    administrators_allowed = True  # the security administrator keeps the tokens (三员分立)
    lookup_field = "token_key"
    lookup_url_kwarg = "key"
    filter_backends: list = []
    http_method_names = ["get", "delete", "head", "options"]

    def get_base_queryset(self):
        queryset = tokens.alive().select_related("user").order_by("-created", "token_key")
        user_id = self.request.query_params.get("user")
        if user_id is not None and self.action == "list":
            queryset = queryset.filter(user_id=int(user_id)) if user_id.isdigit() else queryset.none()
        return restrict(queryset, self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_object(self):
        # token_key is a prefix of the secret, not a key of the table: the newest wins a (most unlikely) tie.
        token = self.get_queryset().filter(token_key=self.kwargs["key"]).first()
        if token is None:
            from rest_framework.exceptions import NotFound

            raise NotFound()
        return token

    @extend_schema(summary="撤销令牌 (revoke a token)", responses={204: OpenApiResponse(description="Revoked.")})
    def destroy(self, request, *args, **kwargs):
        token = self.get_object()
        reason = tokens.Reason.OWNER if token.user_id == request.user.pk else tokens.Reason.SECURITY_ADMIN
        tokens.revoke(token, reason=reason, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The caller: account, organization and roles (what the services will let them do)."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="当前用户 (the caller)", responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)
