"""The API's side of the separation of duties: an administrator (三员) reaches no business endpoint,
whether signed in by session or by token (the token is read by DRF, after the middleware)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from rectify.accounts.middleware import is_administrator_only
from rectify.accounts.passwords import must_change_password


class NotAdministrator(BasePermission):
    """Refuses the three administrators (404, as anything outside a scope), unless the view says
    ``administrators_allowed = True``."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "administrators_allowed", False) or not is_administrator_only(request.user):
            return True
        raise NotFound(_("管理员不能查看整改业务数据。"))


class PasswordChanged(BasePermission):
    """A token's user whose password is initial, reset or expired changes it before using the API; a
    demo account's token serves only in demo mode."""

    message = _("请先修改密码。")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if getattr(user, "is_demo", False) and not settings.RECTIFY_DEMO_MODE:
            return False
        return not (request.user.is_authenticated and must_change_password(request.user))
