"""API tokens: issued at each sign-in, listed and revoked; the one place that makes or ends one.

Tokens are django-rest-knox's ``AuthToken``: the secret is shown once, at issue; the database keeps
its SHA-512 hash and the first characters (``token_key``, the public handle used to list and revoke
it). A token dies at its expiry (RECTIFY_TOKEN_HOURS, never extended) or when revoked:

- by its holder (``DELETE /api/auth/token/``; one of theirs by ``DELETE /api/auth/tokens/<key>/``),
- by the security administrator (any business user's, on the tokens page or through the API),
- at the web logout: every token of the user, so that "退出" ends all their access at once,
- at any change of the password (whichever path changes it: the User's save is watched), any change of
  roles and at deactivation (rectify.accounts.signals); a reactivated account has no token alive.

A revoked token is removed (a credential, not a record of the ledger); each issue and revocation is
announced by the signals below, for the security log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from rectify.accounts.choices import ADMIN_ROLES, RoleCode
from rectify.core.visibility import NOTHING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rectify.accounts.models import User

# Sent with user, token (the AuthToken) and request when a token is issued.
token_issued = Signal()
# Sent with user, count, reason (a Reason) and actor (None for the system) when tokens are revoked.
tokens_revoked = Signal()


class Reason(models.TextChoices):
    SIGN_OUT = "sign_out", _("持有人注销令牌")
    LOGOUT = "logout", _("退出登录")
    OWNER = "owner", _("持有人撤销")
    SECURITY_ADMIN = "security_admin", _("安全管理员撤销")
    PASSWORD = "password", _("密码变更")
    ROLES = "roles", _("角色变更")
    DEACTIVATED = "deactivated", _("账号停用")


def issue(user: User, request: HttpRequest | None = None) -> tuple[AuthToken, str]:
    """A new token for ``user``, valid for RECTIFY_TOKEN_HOURS; returns the record and the secret (shown once)."""
    token, secret = AuthToken.objects.create(user=user)
    token_issued.send(sender=AuthToken, user=user, token=token, request=request)
    return token, secret


def alive(queryset=None):
    """Tokens not yet expired."""
    queryset = AuthToken.objects.all() if queryset is None else queryset
    return queryset.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))


def revoke(token: AuthToken, *, reason: str, actor: User | None = None) -> None:
    """Ends one token."""
    user = token.user
    AuthToken.objects.filter(digest=token.digest).delete()
    tokens_revoked.send(sender=AuthToken, user=user, count=1, reason=reason, actor=actor)


def revoke_all(user: User, *, reason: str, actor: User | None = None) -> int:
    """Ends every token of ``user``; the number ended."""
    with transaction.atomic():
        count, _by_model = AuthToken.objects.filter(user_id=user.pk).delete()
    if count:
        tokens_revoked.send(sender=AuthToken, user=user, count=count, reason=reason, actor=actor)
    return count


def is_security_admin(user: User) -> bool:
    return RoleCode.SECURITY_ADMIN in getattr(user, "role_codes", frozenset())


def within_security_admins_reach(actor: User, user: User) -> bool:
    """Whether ``actor``, a security administrator, may act on ``user``'s credentials: a business user's,
    never another administrator's."""
    if not is_security_admin(actor) or not user.is_active or user.is_superuser:
        return False
    return not user.roles.filter(code__in=ADMIN_ROLES).exists()


def token_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    """Whose tokens a user sees and may revoke: their own; the security administrator also every
    business user's (not another administrator's: an administrator's account is out of the others' reach)."""
    own = Q(user_id=user.pk)
    if RoleCode.SECURITY_ADMIN in roles:
        others = ~Q(user__roles__code__in=ADMIN_ROLES) & Q(user__is_superuser=False)
        return own | others
    return own if user.pk else NOTHING
