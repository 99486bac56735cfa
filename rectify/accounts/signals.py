"""The role rule guarded on the relation itself: whatever path adds roles to an account (a form, the
shell, the reverse side ``role.users.add``), business and administrator roles never end up together."""

from __future__ import annotations

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

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
