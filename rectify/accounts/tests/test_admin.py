"""The three administrators (三员) keep apart: none can give itself, or an account it controls, access
to business data."""

import pytest
from django.contrib.auth.models import Permission

from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db


def make_admin(world, username: str):
    user = world[username]
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user", "add_user"]))
    return user


def change_page(client, target) -> str:
    return client.get(f"/admin/accounts/user/{target.pk}/change/").content.decode()


def test_system_administrator_cannot_raise_itself(client, world):
    sysadmin = make_admin(world, "sysadmin")
    client.login(username="sysadmin", password=PASSWORD)
    html = change_page(client, sysadmin)
    assert 'name="is_superuser"' not in html and 'name="roles"' not in html
    client.post(
        f"/admin/accounts/user/{sysadmin.pk}/change/",
        {"username": "sysadmin", "is_superuser": "on", "roles": ["auditor"], "full_name": "x"},
    )
    sysadmin.refresh_from_db()
    assert not sysadmin.is_superuser and not sysadmin.has_role("auditor")


def test_system_administrator_keeps_accounts_but_grants_no_roles_and_resets_no_passwords(client, world):
    make_admin(world, "sysadmin")
    unit = world["unit"]
    client.login(username="sysadmin", password=PASSWORD)
    html = change_page(client, unit)
    assert 'name="organization"' in html and 'name="is_active"' in html
    assert 'name="roles"' not in html and 'name="is_superuser"' not in html and 'name="user_permissions"' not in html
    response = client.post(
        f"/admin/accounts/user/{unit.pk}/password/",
        {"password1": "Another-pass-2026", "password2": "Another-pass-2026"},
    )
    assert response.status_code == 403
    assert client.login(username="unit", password=PASSWORD)  # unchanged


def test_security_administrator_grants_roles_of_business_users_only_and_sets_no_password(client, world):
    make_admin(world, "secadmin")
    sysadmin = make_admin(world, "sysadmin")
    client.login(username="secadmin", password=PASSWORD)
    assert 'name="roles"' in change_page(client, world["unit"])
    # A password is never set by one administrator alone (two-person reset on /manage/password-resets/).
    response = client.post(
        f"/admin/accounts/user/{world['unit'].pk}/password/",
        {"password1": "Another-pass-2026", "password2": "Another-pass-2026"},
    )
    assert response.status_code == 403
    assert client.login(username="unit", password=PASSWORD)  # unchanged
    client.login(username="secadmin", password=PASSWORD)
    # Another administrator's account is out of reach: neither its page nor its password.
    assert 'name="username"' not in change_page(client, sysadmin)  # view only
    response = client.post(
        f"/admin/accounts/user/{sysadmin.pk}/password/",
        {"password1": "Another-pass-2026", "password2": "Another-pass-2026"},
    )
    assert response.status_code == 403
    # And its own roles stay as they are.
    assert 'name="roles"' not in change_page(client, world["secadmin"])


def test_roles_are_fixed_by_the_code(client, world, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/accounts/role/add/").status_code == 403
    from rectify.accounts.models import Role

    role = Role.objects.first()
    assert client.post(f"/admin/accounts/role/{role.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Role.objects.filter(pk=role.pk).exists()
