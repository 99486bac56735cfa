"""Separation of the three administrators (三员分立): one administrator alone never reaches business
data, by any path that grants a role or a password; the administrators open no business page."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from rectify.accounts import services
from rectify.accounts.choices import RoleCode
from rectify.accounts.models import Role, User
from rectify.accounts.tests.test_takeover import business_reads, staff, standing
from rectify.core.exceptions import ActionRefused
from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db


def test_business_and_administrator_roles_are_never_held_together_by_any_path(world, admin_user):
    auditor_role, admin_role = Role.objects.get(code=RoleCode.AUDITOR), Role.objects.get(code=RoleCode.SYSTEM_ADMIN)
    logaudit, auditor = world["logaudit"], world["auditor"]
    before = standing(logaudit), standing(auditor)
    for attempt in (
        lambda: logaudit.roles.add(auditor_role),
        lambda: auditor_role.users.add(logaudit),  # the reverse side
        lambda: auditor.roles.add(admin_role),
        lambda: logaudit.roles.add(admin_role),  # two administrator roles in one hand
        lambda: auditor.roles.set([auditor_role, admin_role]),
    ):
        with pytest.raises(ValidationError), transaction.atomic():
            attempt()
    # Not even a superuser.
    with pytest.raises(ActionRefused):
        services.grant_roles(admin_user, auditor, [RoleCode.AUDITOR, RoleCode.SYSTEM_ADMIN])
    assert (standing(logaudit), standing(auditor)) == before


def test_only_a_superuser_makes_an_administrator(world, admin_user):
    secadmin, unit = world["secadmin"], world["unit"]
    before = standing(unit)
    with pytest.raises(ActionRefused):
        services.grant_roles(secadmin, unit, [RoleCode.SYSTEM_ADMIN])
    assert standing(unit) == before
    promoted = services.grant_roles(admin_user, unit, [RoleCode.SYSTEM_ADMIN])
    assert promoted.role_codes == {RoleCode.SYSTEM_ADMIN} and promoted.is_staff
    # From then on, out of the security administrator's reach.
    with pytest.raises(ActionRefused):
        services.grant_roles(secadmin, promoted, [RoleCode.UNIT_CONTACT])


def test_the_security_administrator_grants_business_roles_through_the_admin(client, world):
    staff(world, "secadmin")
    unit = world["unit"]
    client.login(username="secadmin", password=PASSWORD)
    page = client.get(f"/admin/accounts/user/{unit.pk}/change/").content.decode()
    assert 'name="roles"' in page and 'name="organization"' not in page  # accounts are the system admin's
    response = client.post(
        f"/admin/accounts/user/{unit.pk}/change/", {"roles": [RoleCode.UNIT_CONTACT, RoleCode.UNIT_HEAD]}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=unit.pk).role_codes == {RoleCode.UNIT_CONTACT, RoleCode.UNIT_HEAD}
    # An administrator role in the same form: refused on the form, nothing changed.
    before = standing(unit)
    response = client.post(
        f"/admin/accounts/user/{unit.pk}/change/", {"roles": [RoleCode.UNIT_CONTACT, RoleCode.SECURITY_ADMIN]}
    )
    assert response.status_code == 200 and "管理员角色只能由超级用户授予" in response.content.decode()
    assert standing(unit) == before


def test_the_system_administrator_keeps_accounts_but_no_administrator_account(client, world):
    staff(world, "sysadmin")
    client.login(username="sysadmin", password=PASSWORD)
    response = client.post(
        "/admin/accounts/user/add/", {"username": "newcomer", "full_name": "新同事", "organization": world.unit.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newcomer = User.objects.get(username="newcomer")
    # No usable password until a two-person reset gives one; no role from the system administrator.
    assert not newcomer.has_usable_password() and newcomer.must_change_password and not newcomer.role_codes
    unit = world["unit"]
    response = client.post(
        f"/admin/accounts/user/{unit.pk}/change/",
        {"username": "unit", "full_name": "改名", "organization": world.sibling_unit.pk, "is_active": ""},
    )
    assert response.status_code == 302
    unit = User.objects.get(pk=unit.pk)
    assert unit.organization == world.sibling_unit and not unit.is_active and unit.full_name == "改名"
    assert unit.role_codes == frozenset()  # inactive: holds nothing
    assert set(unit.roles.values_list("code", flat=True)) == {RoleCode.UNIT_CONTACT}  # roles untouched
    for name in ("secadmin", "logaudit"):
        target = world[name]
        before = standing(target)
        response = client.post(
            f"/admin/accounts/user/{target.pk}/change/",
            {"username": name, "full_name": "x", "organization": world.unit.pk, "is_active": ""},
        )
        assert response.status_code == 403, name
        assert client.post(f"/admin/accounts/user/{target.pk}/delete/", {"post": "yes"}).status_code == 403
        assert standing(target) == before
    sysadmin = User.objects.get(username="sysadmin")
    with pytest.raises(ActionRefused):
        services.deactivate(sysadmin, world["secadmin"])
    with pytest.raises(ActionRefused):
        services.deactivate(sysadmin, sysadmin)  # nor itself
    with pytest.raises(ActionRefused):
        services.grant_roles(sysadmin, world["auditor"], [RoleCode.AUDITOR, RoleCode.AUDIT_LEADER])


def test_django_permissions_stay_with_the_superuser(client, world):
    secadmin = staff(world, "secadmin")
    own = set(secadmin.user_permissions.all())
    client.login(username="secadmin", password=PASSWORD)
    permission = Permission.objects.get(codename="view_finding")
    client.post(
        f"/admin/accounts/user/{world['unit'].pk}/change/",
        {"roles": [RoleCode.UNIT_CONTACT], "user_permissions": [permission.pk], "is_superuser": "on"},
    )
    unit = User.objects.get(pk=world["unit"].pk)
    assert not unit.is_superuser and not unit.user_permissions.exists()
    assert set(secadmin.user_permissions.all()) == own


@pytest.mark.parametrize("username", ["sysadmin", "secadmin", "logaudit"])
def test_each_administrator_sees_no_business_data_and_its_workbench_says_what_it_does(client, world, username):
    finding = make_finding(world, "issued")
    client.login(username=username, password=PASSWORD)
    for url, code in business_reads(client, finding).items():
        assert code in (403, 404), (username, url, code)
    workbench = client.get("/workbench/")
    assert workbench.status_code == 200
    guide = {"sysadmin": "系统管理员负责", "secadmin": "安全管理员负责", "logaudit": "安全审计员负责"}[username]
    assert guide in workbench.content.decode()
    # By token too: the API refuses the administrators whatever the authentication.
    from rectify.testing import api_token

    api = Client(HTTP_AUTHORIZATION=f"Token {api_token(world[username])}")
    assert api.get("/api/findings/").status_code == 404
    assert api.get(f"/api/findings/{finding.pk}/").status_code == 404
    assert api.get("/api/auth/me/").status_code == 200


def test_each_administrator_sees_only_its_own_sections_of_the_admin(client, world):
    for name in ("sysadmin", "secadmin"):
        staff(world, name)
    client.login(username="sysadmin", password=PASSWORD)
    assert client.get("/admin/organizations/organization/").status_code == 200
    assert client.get("/admin/axes/accessattempt/").status_code == 403
    client.login(username="secadmin", password=PASSWORD)
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    assert client.get("/admin/organizations/organization/").status_code == 403
    assert client.get("/admin/findings/finding/").status_code in (403, 404)
