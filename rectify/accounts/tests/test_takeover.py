"""Defect 1 of the attack on the demo: one administrator alone reached business data. The security
administrator added `auditor` to the log auditor's account and reset its password; the log auditor
then read every finding. Each step is refused now and changes nothing."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from rectify.accounts.choices import RoleCode
from rectify.accounts.models import User
from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Taken-Over-2026"


def staff(world, username: str) -> User:
    """An administrator as the demo makes it: staff, with the permissions the demo grants it."""
    user = world[username]
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user", "view_role"]))
    return user


def standing(user: User) -> tuple:
    """What a refusal must leave as it was: roles, password, activity, staff flags, organization, history."""
    user = User.objects.get(pk=user.pk)
    return (
        frozenset(user.roles.values_list("code", flat=True)),
        user.password,
        user.is_active,
        user.is_staff,
        user.is_superuser,
        user.organization_id,
        user.history.count(),
    )


def business_reads(client: Client, finding) -> dict[str, int]:
    urls = [
        "/ledger/",
        f"/findings/{finding.pk}/",
        "/dashboard/",
        "/ledger/export.xlsx",
        "/api/findings/",
        f"/api/findings/{finding.pk}/",
        "/api/",
    ]
    return {url: client.get(url).status_code for url in urls}


def test_the_security_administrator_cannot_turn_the_log_auditor_into_an_auditor(client, world):
    finding = make_finding(world, "issued")
    staff(world, "secadmin")
    logaudit = world["logaudit"]
    before = standing(logaudit)
    client.login(username="secadmin", password=PASSWORD)
    change = client.post(
        f"/admin/accounts/user/{logaudit.pk}/change/",
        {
            "username": "logaudit",
            "full_name": "x",
            "organization": world.office_a.pk,
            "roles": [RoleCode.LOG_AUDITOR, RoleCode.AUDITOR],
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    password = client.post(
        f"/admin/accounts/user/{logaudit.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert standing(logaudit) == before
    assert change.status_code == 403 and password.status_code == 403
    # The log auditor, with its own password, reads no business data by any door.
    reader = Client()
    assert not reader.login(username="logaudit", password=NEW_PASSWORD)
    assert reader.login(username="logaudit", password=PASSWORD)
    for url, code in business_reads(reader, finding).items():
        assert code in (403, 404), url
    # The same through the services, which every path calls.
    from rectify.accounts import services
    from rectify.core.exceptions import ActionRefused

    before = standing(logaudit)  # signing in recorded its last login
    secadmin = User.objects.get(username="secadmin")
    with pytest.raises(ActionRefused):
        services.grant_roles(secadmin, logaudit, [RoleCode.LOG_AUDITOR, RoleCode.AUDITOR])
    with pytest.raises(ActionRefused):
        services.request_password_reset(secadmin, logaudit, "忘记密码")
    assert standing(logaudit) == before
