"""Signing in with a password, except for demo accounts outside demo mode."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Django's backend, refusing the demo accounts unless RECTIFY_DEMO_MODE is on: their password is
    published (DESIGN section 7), so outside demo mode they must not open anything. ``get_user`` asks
    the same, so a session opened in demo mode ends when demo mode is switched off."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.RECTIFY_DEMO_MODE:
            return False
        return super().user_can_authenticate(user)

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        """Django's permissions, plus those of the administrator role held: each administrator sees its
        own sections of the admin and no other (三员分立)."""
        permissions = super().get_all_permissions(user_obj, obj)
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return permissions
        extra: set[str] = set()
        for role in user_obj.role_codes:
            extra |= ROLE_PERMISSIONS.get(role, set())
        return permissions | extra


def _perms(app: str, actions: str, *models: str) -> set[str]:
    return {f"{app}.{action}_{model}" for action in actions.split() for model in models}


# What each administrator role may do in the admin, whoever granted it (a superuser at the console).
ROLE_PERMISSIONS: dict[str, set[str]] = {
    # Accounts (create, organization, deactivate) and the reference data.
    "system_admin": _perms("organizations", "view add change", "jurisdiction", "sector", "organization")
    | _perms("findings", "view add change", "category", "deadlinerule")
    | _perms("accounts", "view add change delete", "user")
    | {"accounts.view_role"},
    # Roles, password resets and lockouts (unlocking is deleting the access attempt).
    "security_admin": _perms("accounts", "view change", "user")
    | {"accounts.view_role"}
    | _perms("axes", "view", "accessattempt", "accesslog", "accessfailurelog")
    | {"axes.delete_accessattempt"},
    # The log auditor reads the security log on its own page, nothing in the admin.
    "log_auditor": set(),
}
