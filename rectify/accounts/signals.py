"""The role rule guarded on the relation itself: whatever path adds roles to an account (a form, the
shell, the reverse side ``role.users.add``), business and administrator roles never end up together.

What ends a user's API tokens (rectify.accounts.tokens), whichever path made the change: the web
logout, a changed password (the stored hash compared before each save of the User), a changed set of
roles (either side of the relation) and deactivation. And, at each sign-in, whether the session owes
the second factor.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from rectify.accounts import otp, tokens
from rectify.accounts.models import User, check_role_combination


@receiver(m2m_changed, sender=User.roles.through, dispatch_uid="accounts.role_combination")
def refuse_mixed_roles(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # role.users.add(...): instance is the role, pk_set the users
        for user_pk in pk_set:
            held = set(sender.objects.filter(user_id=user_pk).values_list("role_id", flat=True))
            check_role_combination(held | {instance.pk})
        return
    held = set(sender.objects.filter(user_id=instance.pk).values_list("role_id", flat=True))
    check_role_combination(held | set(pk_set))


WATCHED = {"password", "is_active"}


def _note_change(sender, instance: User, update_fields=None, raw=False, **kwargs) -> None:
    instance._tokens_revoke_reason = None
    if raw or instance.pk is None or (update_fields is not None and not WATCHED & set(update_fields)):
        return
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password:
        instance._tokens_revoke_reason = tokens.Reason.PASSWORD
    elif before["is_active"] and not instance.is_active:
        instance._tokens_revoke_reason = tokens.Reason.DEACTIVATED


def _revoke_after_save(sender, instance: User, raw=False, **kwargs) -> None:
    reason = getattr(instance, "_tokens_revoke_reason", None)
    if reason and not raw:
        instance._tokens_revoke_reason = None
        tokens.revoke_all(instance, reason=reason)


def _revoke_at_role_change(sender, instance, action: str, reverse: bool, pk_set=None, **kwargs) -> None:
    if action == "pre_clear" and reverse:
        instance._clearing_user_ids = list(instance.users.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        if action == "post_clear" or pk_set:
            tokens.revoke_all(instance, reason=tokens.Reason.ROLES)
        return
    user_ids = getattr(instance, "_clearing_user_ids", []) if action == "post_clear" else (pk_set or [])
    for user in User.objects.filter(pk__in=list(user_ids)):
        tokens.revoke_all(user, reason=tokens.Reason.ROLES)


def _revoke_at_logout(sender, request, user, **kwargs) -> None:
    if user is not None and user.pk:
        tokens.revoke_all(user, reason=tokens.Reason.LOGOUT, actor=user)


def _remember_second_factor(sender, request, user, **kwargs) -> None:
    otp.remember_at_sign_in(request, user)


def connect() -> None:
    pre_save.connect(_note_change, sender=User, dispatch_uid="rectify.accounts.tokens.note_change")
    post_save.connect(_revoke_after_save, sender=User, dispatch_uid="rectify.accounts.tokens.revoke_after_save")
    m2m_changed.connect(_revoke_at_role_change, sender=User.roles.through, dispatch_uid="rectify.accounts.tokens.roles")
    user_logged_out.connect(_revoke_at_logout, dispatch_uid="rectify.accounts.tokens.logout")
    user_logged_in.connect(_remember_second_factor, dispatch_uid="rectify.accounts.otp.sign_in")
