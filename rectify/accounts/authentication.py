"""How API callers prove who they are: a token (``Authorization: Token …``) or a signed-in session.

Tokens are django-rest-knox's: only a hash is stored, each expires (RECTIFY_TOKEN_HOURS), each
sign-in makes a new one, and rectify.accounts.tokens revokes them. A session counts for the API only
once its user has given the second factor, when they owe one (rectify.accounts.otp).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import authentication, exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check, with the refusals in the request's language."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效或已失效。")) from None
        except exceptions.AuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed(_("令牌无效或已失效。")) from exc

    def validate_user(self, auth_token):
        if not auth_token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效或已失效。"))
        return auth_token.user, auth_token


class SessionAuthentication(authentication.SessionAuthentication):
    """A session (with its CSRF check), counted only once the second factor, if owed, was given."""

    def authenticate(self, request):
        from rectify.accounts.otp import session_is_verified

        result = super().authenticate(request)
        if result is None or not session_is_verified(request._request):
            return None
        return result


class SessionScheme(OpenApiAuthenticationExtension):
    """The session as the API documents it: the cookie (and, for writes, the CSRF header)."""

    target_class = SessionAuthentication
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class TokenScheme(OpenApiAuthenticationExtension):
    """The token as the API documents it: the ``Authorization`` header, ``Token <token>``."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }
