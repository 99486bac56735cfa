"""The password policy (等保 2.0 身份鉴别), configured in the settings (from the environment):

RECTIFY_PASSWORD_MIN_LENGTH         minimum length (default 8)
RECTIFY_PASSWORD_CHARACTER_CLASSES  how many of upper case, lower case, digits and symbols (default 3)
RECTIFY_PASSWORD_HISTORY            none of the last N passwords may be used again (default 5; 0: off)
RECTIFY_PASSWORD_MAX_AGE_DAYS       a password expires after N days (default 90; 0: never)
"""

from __future__ import annotations

import string
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from rectify.accounts.models import User


def character_classes(password: str) -> int:
    kinds = [
        any(c in string.ascii_uppercase for c in password),
        any(c in string.ascii_lowercase for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(kinds)


class ComplexityValidator:
    """At least RECTIFY_PASSWORD_CHARACTER_CLASSES of the four character classes."""

    def validate(self, password: str, user=None) -> None:
        wanted = min(settings.RECTIFY_PASSWORD_CHARACTER_CLASSES, 4)
        if character_classes(password) < wanted:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {
            "n": min(settings.RECTIFY_PASSWORD_CHARACTER_CLASSES, 4)
        }


class MinimumLengthValidator:
    """RECTIFY_PASSWORD_MIN_LENGTH characters at least (read when checking, so a test may change it)."""

    def validate(self, password: str, user=None) -> None:
        if len(password) < settings.RECTIFY_PASSWORD_MIN_LENGTH:
            raise ValidationError(self.get_help_text(), code="password_too_short")

    def get_help_text(self) -> str:
        n = settings.RECTIFY_PASSWORD_MIN_LENGTH
        return ngettext("密码长度至少为 %(n)d 个字符。", "密码长度至少为 %(n)d 个字符。", n) % {"n": n}


class HistoryValidator:
    """None of the last RECTIFY_PASSWORD_HISTORY passwords (the current one included) is used again;
    their hashes are kept when a password is set (``password_changed``)."""

    def validate(self, password: str, user=None) -> None:
        keep = settings.RECTIFY_PASSWORD_HISTORY
        if keep <= 0 or user is None or not user.pk:
            return
        from rectify.accounts.models import PasswordHistory

        earlier = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:keep])
        if user.has_usable_password():
            earlier.append(user.password)
        if any(check_password(password, hashed) for hashed in earlier):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        if user is None or not user.pk or not user.has_usable_password():
            return
        from rectify.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        keep = max(settings.RECTIFY_PASSWORD_HISTORY, 1)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        n = settings.RECTIFY_PASSWORD_HISTORY
        return ngettext("不能使用最近 %(n)d 次用过的密码。", "不能使用最近 %(n)d 次用过的密码。", n) % {"n": n}


def password_expired(user: User) -> bool:
    days = settings.RECTIFY_PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return changed + timedelta(days=days) < timezone.now()


def demo_exempt(user: User) -> bool:
    """Demo accounts in demo mode keep their shared password (DESIGN section 7)."""
    return user.is_demo and settings.RECTIFY_DEMO_MODE


def must_change_password(user: User) -> bool:
    """Whether the user is sent to the change page before anything else."""
    if not user.is_authenticated or demo_exempt(user):
        return False
    return user.must_change_password or password_expired(user)
