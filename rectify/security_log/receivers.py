"""What the security log listens to: sign-ins and sign-outs (Django's auth signals), failures and
lockouts (django-axes), the administrators' changes (the admin's LogEntry, role grants), and every named
action of the services (the event bus, after its commit)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save

from rectify.core.events import Event
from rectify.security_log.choices import EventKind, Outcome
from rectify.security_log.services import current_request, describe_label, record_quietly

ADMIN_ACTIONS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


def on_login(sender, request, user, **kwargs) -> None:
    record_quietly(request if request is not None else user, EventKind.LOGIN, user)


def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_quietly(user if request is None else request, EventKind.LOGOUT, user)


def on_login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    # Django scrubs the password from ``credentials``; only the name tried is kept.
    username = str(credentials.get("username", ""))
    record_quietly(request, EventKind.LOGIN_FAILED, None, Outcome.FAILURE, username=username)


def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    record_quietly(request, EventKind.LOCKOUT, None, Outcome.FAILURE, username=str(username or ""))


def on_admin_log_entry(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created:
        return
    label = instance.content_type.model_class()._meta.label if instance.content_type_id else ""
    obj = describe_label(label, instance.object_id, instance.object_repr)
    record_quietly(
        instance.user,
        EventKind.ADMIN,
        obj,
        action=ADMIN_ACTIONS.get(instance.action_flag, str(instance.action_flag)),
        change=instance.get_change_message(),
    )


def on_roles_changed(sender, instance, action: str, pk_set, **kwargs) -> None:
    """A role granted or taken away, by whatever path: the most security-relevant change of all."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    request = current_request()
    actor = request if request is not None and getattr(request.user, "is_authenticated", False) else None
    user_model = get_user_model()
    if isinstance(instance, user_model):
        users, roles = [instance], sorted(pk_set or [])
    else:  # changed from the role's side
        users, roles = list(user_model._default_manager.filter(pk__in=pk_set or [])), [instance.pk]
    verb = {"post_add": "grant_roles", "post_remove": "revoke_roles", "post_clear": "clear_roles"}[action]
    for user in users:
        record_quietly(actor, EventKind.ADMIN, user, action=verb, roles=[str(role) for role in roles])


def on_token_issued(sender, user, token, request=None, **kwargs) -> None:
    """An API sign-in (``POST /api/auth/token/``): the token is named by its short identifying prefix."""
    # The user as the actor (the request is still anonymous); the address comes from the bound request.
    record_quietly(user, EventKind.LOGIN, user, channel="api_token")


def on_tokens_revoked(sender, user, count: int, reason: str, actor=None, **kwargs) -> None:
    request = current_request()
    who = actor if actor is not None else request
    record_quietly(who, EventKind.ADMIN, user, action="revoke_tokens", reason=str(reason), count=count)


def on_code_checked(sender, user, success: bool, step: str, request=None, **kwargs) -> None:
    """Each second-factor code checked: a wrong one is a failed sign-in step."""
    kind = EventKind.LOGIN if success else EventKind.LOGIN_FAILED
    outcome = Outcome.SUCCESS if success else Outcome.FAILURE
    record_quietly(user, kind, user, outcome, second_factor=step)


def on_event(event: Event) -> None:
    """Each named action of a service (``finding.issued``, ``referral.sent`` …), once committed."""
    obj = describe_label(event.object_label, event.object_id)
    # Comments and reasons are business text, which the log auditor does not read; the rest are ids and states.
    data: dict[str, Any] = {key: value for key, value in event.data.items() if key not in {"comment", "reason"}}
    record_quietly(event.actor_id, EventKind.CHANGE, obj, event=event.name, data=data)


def _one_entry_at_a_time() -> None:
    """The admin logs a bulk action (deleting several selected objects) with ``bulk_create``, which sends
    no ``post_save``: each entry is saved on its own instead, so every one reaches the security log."""
    manager = LogEntry.objects
    if getattr(manager, "_rectify_one_at_a_time", False):
        return
    bulk = manager.log_actions

    def log_actions(user_id, queryset, action_flag, change_message="", *, single_object=False):
        if single_object:
            return bulk(user_id, queryset, action_flag, change_message, single_object=True)
        return [bulk(user_id, [obj], action_flag, change_message, single_object=True) for obj in queryset]

    manager.log_actions = log_actions
    manager._rectify_one_at_a_time = True


def connect() -> None:
    _one_entry_at_a_time()
    user_logged_in.connect(on_login, dispatch_uid="security_log_login")
    user_logged_out.connect(on_logout, dispatch_uid="security_log_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="security_log_login_failed")
    post_save.connect(on_admin_log_entry, sender=LogEntry, dispatch_uid="security_log_admin")
    m2m_changed.connect(on_roles_changed, sender=get_user_model().roles.through, dispatch_uid="security_log_roles")
    from axes.signals import user_locked_out

    from rectify.accounts import otp, tokens

    tokens.token_issued.connect(on_token_issued, dispatch_uid="security_log_token_issued")
    tokens.tokens_revoked.connect(on_tokens_revoked, dispatch_uid="security_log_tokens_revoked")
    otp.code_checked.connect(on_code_checked, dispatch_uid="security_log_code_checked")

    user_locked_out.connect(on_locked_out, dispatch_uid="security_log_lockout")
