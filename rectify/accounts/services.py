"""Actions on accounts: the one place that grants roles, sets passwords, moves and deactivates accounts.

The Django admin, the management pages under /manage/ and the commands all call these; none writes an
account's roles, password or standing itself. The rules (三员分立, 等保 2.0 level 3):

- An account holding an administrator role (system_admin, security_admin, log_auditor), a staff
  account or a superuser is out of every administrator's reach: only a superuser (created at the
  console) acts on it. No one acts on their own account here.
- The system administrator keeps accounts (creates them, sets their organization, deactivates and
  reactivates them); the security administrator grants business roles and requests password resets;
  only a superuser grants administrator roles.
- Business roles and administrator roles are never held together (also guarded on the model).
- A password is reset under the two-person rule: one security administrator requests it, another
  administrator approves it; the approval sets a one-time password that the user must change at the
  next sign-in. New accounts have no usable password until such a reset.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.choices import ADMIN_ROLES, RoleCode
from rectify.accounts.models import PasswordReset, PasswordResetState, Role, User, check_role_combination
from rectify.core import audit_log
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import bump_version, check_version

# Administrators who may approve another's password reset request (the log auditor reaches nothing but
# the log).
RESET_APPROVERS = frozenset({RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN})


def within_reach(actor: User, target: User) -> bool:
    """Whether ``actor`` may act on ``target``'s account at all: a superuser on any; anyone else never on
    their own account nor on an administrator's, a staff account or a superuser."""
    if actor.is_superuser:
        return True
    if target.pk == actor.pk:
        return False
    return not (target.is_superuser or target.is_staff or target.is_administrator)


def _require(actor: User, *roles: str) -> None:
    if not (actor.is_active and (actor.is_superuser or actor.has_role(*roles))):
        raise ActionRefused(_("您的角色不能进行此项操作。"), code="forbidden")


def _require_reach(actor: User, target: User) -> None:
    if not within_reach(actor, target):
        raise ActionRefused(
            _("不能操作本人账号、管理员账号或超级用户账号；管理员账号只能由超级用户在控制台管理。"), code="forbidden"
        )


def _fresh(user: User) -> User:
    """The account as stored now (roles and standing not cached from earlier in the request)."""
    return User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def create_account(actor: User, *, username: str, organization=None, **fields) -> User:
    """A new account, without a usable password: its first password comes through a reset (two people)."""
    _require(actor, RoleCode.SYSTEM_ADMIN)
    if User.objects.filter(username__iexact=username).exists():
        raise ActionRefused({"username": [_("用户名「%(name)s」已存在。") % {"name": username}]})
    allowed = {"full_name", "title", "phone", "email"}
    unknown = set(fields) - allowed
    if unknown:
        raise ActionRefused(_("不能在此设置：%(fields)s。") % {"fields": "、".join(sorted(unknown))}, code="forbidden")
    user = User(username=username, organization=organization, **fields)
    user.set_unusable_password()
    user.password_changed_at = None
    user.must_change_password = True
    user.full_clean(exclude=["password"])
    user.save()
    audit_log.record(actor, "admin", user, action="create_account")
    return user


@transaction.atomic
def update_account(actor: User, target: User, *, version=None, **fields) -> User:
    """The system administrator's fields of an account: name, title, contact, organization. ``version``
    (the one the editor read) refuses an edit made over someone else's since."""
    _require(actor, RoleCode.SYSTEM_ADMIN)
    _require_reach(actor, target)
    allowed = {"full_name", "title", "phone", "email", "organization", "first_name", "last_name"}
    unknown = set(fields) - allowed
    if unknown:
        raise ActionRefused(_("不能在此设置：%(fields)s。") % {"fields": "、".join(sorted(unknown))}, code="forbidden")
    user = _fresh(target)
    check_version(user, version)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    bump_version(user)
    user.save(update_fields=[*fields, "version"])
    audit_log.record(actor, "admin", user, action="update_account", fields=sorted(fields))
    return user


def set_organization(actor: User, target: User, organization) -> User:
    return update_account(actor, target, organization=organization)


@transaction.atomic
def set_active(actor: User, target: User, active: bool) -> User:
    """Deactivates (or reactivates) an account; accounts are never removed."""
    _require(actor, RoleCode.SYSTEM_ADMIN)
    _require_reach(actor, target)
    user = _fresh(target)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_log.record(actor, "admin", user, action="activate" if active else "deactivate")
    return user


def deactivate(actor: User, target: User) -> User:
    return set_active(actor, target, False)


def check_grant(actor: User, target: User, codes: Iterable[str]) -> set[str]:
    """Refuses (ActionRefused) a grant ``grant_roles`` would refuse; the forms show it before saving."""
    _require(actor, RoleCode.SECURITY_ADMIN)
    _require_reach(actor, target)
    codes = {str(code) for code in codes}
    unknown = codes - set(RoleCode.values)
    if unknown:
        raise ActionRefused({"roles": [_("未知角色：%(codes)s。") % {"codes": "、".join(sorted(unknown))}]})
    if codes & ADMIN_ROLES and not actor.is_superuser:
        raise ActionRefused({"roles": [_("管理员角色只能由超级用户授予。")]}, code="forbidden")
    try:
        check_role_combination(codes)
    except ValidationError as error:
        raise ActionRefused(error.message_dict, code="forbidden") from error
    return codes


@transaction.atomic
def grant_roles(actor: User, target: User, codes: Iterable[str]) -> User:
    """Sets ``target``'s roles to exactly ``codes``. Business roles by the security administrator;
    administrator roles by a superuser only."""
    codes = check_grant(actor, target, codes)
    user = _fresh(target)
    if set(user.roles.values_list("code", flat=True)) != codes:
        user.roles.set(Role.objects.filter(code__in=codes))
    # The Django admin is the administrators' interface: staff follows the administrator roles.
    staff = bool(codes & ADMIN_ROLES)
    if user.is_staff != staff and not user.is_superuser:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("role_codes", None)
    return user


@transaction.atomic
def change_own_password(user: User, raw_password: str) -> User:
    """The user's own change (self-service, or the forced change of an initial or reset password)."""
    fresh = _fresh(user)
    validate_password(raw_password, fresh)
    fresh.set_password(raw_password)
    fresh.must_change_password = False
    fresh.save()
    audit_log.record(user, "admin", fresh, action="change_own_password")
    user.password = fresh.password
    user.password_changed_at = fresh.password_changed_at
    user.must_change_password = False
    return fresh


@transaction.atomic
def request_password_reset(actor: User, target: User, reason: str) -> PasswordReset:
    """A security administrator asks for ``target``'s password to be reset; another administrator approves."""
    _require(actor, RoleCode.SECURITY_ADMIN)
    _require_reach(actor, target)
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused({"reason": [_("请填写重置原因。")]})
    user = _fresh(target)
    if PasswordReset.objects.filter(user=user, state=PasswordResetState.PENDING).exists():
        raise ActionRefused(_("该账号已有待批准的密码重置申请。"), code="invalid_state")
    reset = PasswordReset.objects.create(user=user, reason=reason[:200], requested_by=actor)
    audit_log.record(actor, "admin", user, action="request_password_reset", reset=reset.pk)
    return reset


def _one_time_password() -> str:
    """A random password of every character class, longer than any policy asks for."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(16))
    upper, lower, digit = (
        secrets.choice(chars) for chars in (string.ascii_uppercase, string.ascii_lowercase, string.digits)
    )
    return f"{upper}{lower}{digit}-{body}"


def _pending(reset: PasswordReset) -> PasswordReset:
    reset = PasswordReset.objects.select_for_update().select_related("user").get(pk=reset.pk)
    if reset.state != PasswordResetState.PENDING:
        raise ActionRefused(_("该申请已处理。"), code="invalid_state")
    return reset


def _require_second_person(actor: User, reset: PasswordReset) -> None:
    _require(actor, *RESET_APPROVERS)
    if reset.requested_by_id == actor.pk:
        raise ActionRefused(_("密码重置须由另一名管理员批准，申请人不能批准自己的申请。"), code="forbidden")
    _require_reach(actor, reset.user)


@transaction.atomic
def approve_password_reset(actor: User, reset: PasswordReset) -> str:
    """Approves a reset: sets a one-time password (answered once, to the approver, to hand to the user),
    which the user must change at the next sign-in."""
    reset = _pending(reset)
    _require_second_person(actor, reset)
    password = _one_time_password()
    user = _fresh(reset.user)
    user.set_password(password)
    user.must_change_password = True
    user.save()
    reset.state = PasswordResetState.APPROVED
    reset.decided_by = actor
    reset.decided_at = timezone.now()
    reset.save(update_fields=["state", "decided_by", "decided_at"])
    audit_log.record(actor, "admin", user, action="approve_password_reset", reset=reset.pk)
    return password


@transaction.atomic
def refuse_password_reset(actor: User, reset: PasswordReset) -> PasswordReset:
    reset = _pending(reset)
    if reset.requested_by_id != actor.pk:  # the requester may withdraw its own request
        _require_second_person(actor, reset)
    reset.state = PasswordResetState.REFUSED
    reset.decided_by = actor
    reset.decided_at = timezone.now()
    reset.save(update_fields=["state", "decided_by", "decided_at"])
    audit_log.record(actor, "admin", reset.user, action="refuse_password_reset", reset=reset.pk)
    return reset


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of ``usernames`` are locked out now by failed sign-ins (one query)."""
    from axes.models import AccessAttempt
    from django.conf import settings

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


@transaction.atomic
def unlock(actor: User, target: User) -> int:
    """The security administrator lifts a lockout of failed sign-ins; answers the attempts cleared."""
    from axes.utils import reset

    _require(actor, RoleCode.SECURITY_ADMIN)
    _require_reach(actor, target)
    cleared = reset(username=target.username)
    audit_log.record(actor, "admin", target, action="unlock", cleared=cleared)
    return cleared
