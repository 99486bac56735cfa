import pytest
from django.contrib.auth.models import Permission

from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(world):
    user = world["sysadmin"]
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    return user


def test_system_administrator_cannot_raise_itself(client, world, sysadmin):
    client.login(username="sysadmin", password=PASSWORD)
    page = client.get(f"/admin/accounts/user/{sysadmin.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="is_superuser"' not in html and 'name="roles"' not in html
    client.post(
        f"/admin/accounts/user/{sysadmin.pk}/change/",
        {"username": "sysadmin", "is_superuser": "on", "roles": ["auditor"], "full_name": "x"},
    )
    sysadmin.refresh_from_db()
    assert not sysadmin.is_superuser and not sysadmin.has_role("auditor")


def test_system_administrator_assigns_roles_to_others_but_not_superuser(client, world, sysadmin):
    client.login(username="sysadmin", password=PASSWORD)
    html = client.get(f"/admin/accounts/user/{world['unit'].pk}/change/").content.decode()
    assert 'name="roles"' in html and 'name="is_superuser"' not in html and 'name="user_permissions"' not in html
