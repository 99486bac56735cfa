"""The administrators' own account pages (/manage/accounts/): the system administrator keeps accounts,
the security administrator grants business roles and lifts lockouts; each action confirmed or refused
with the reason, nothing changed on refusal, recorded in the security log; anyone else gets 404."""

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from rectify.accounts.choices import RoleCode
from rectify.accounts.models import User
from rectify.accounts.tests.test_takeover import standing
from rectify.security_log.models import SecurityEvent
from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def logged(action: str) -> SecurityEvent | None:
    return SecurityEvent.objects.filter(detail__action=action).order_by("-sequence").first()


@pytest.mark.parametrize("username", ["auditor", "auditlead", "unit", "dept", "committee", "logaudit"])
def test_the_pages_are_not_there_for_anyone_else(client, world, username):
    signed_in(client, username)
    target = world["unit"]
    for url in (
        "/manage/accounts/",
        "/manage/accounts/new/",
        f"/manage/accounts/{target.pk}/",
        f"/manage/accounts/{target.pk}/edit/",
        f"/manage/accounts/{target.pk}/roles/",
    ):
        assert client.get(url).status_code == 404, (username, url)
    before = standing(target)
    assert client.post(f"/manage/accounts/{target.pk}/deactivate/").status_code == 404
    assert standing(target) == before


def test_the_system_administrator_creates_edits_deactivates_and_reactivates(client, world):
    signed_in(client, "sysadmin")
    page = client.get("/manage/accounts/?q=unit").content.decode()
    assert 'data-testid="accounts"' in page and "unit" in page
    # A bad submission keeps what was typed and says what to fix.
    response = client.post("/manage/accounts/new/", {"username": "newcomer", "full_name": "新同事", "organization": ""})
    html = response.content.decode()
    assert response.status_code == 200 and 'value="新同事"' in html and "invalid-feedback" in html
    assert not User.objects.filter(username="newcomer").exists()
    response = client.post(
        "/manage/accounts/new/", {"username": "unit", "full_name": "重名", "organization": world.unit.pk}
    )
    assert response.status_code == 200 and "已存在" in response.content.decode()
    response = client.post(
        "/manage/accounts/new/", {"username": "newcomer", "full_name": "新同事", "organization": world.unit.pk}
    )
    newcomer = User.objects.get(username="newcomer")
    assert response.status_code == 302 and response.url == f"/manage/accounts/{newcomer.pk}/"
    assert not newcomer.has_usable_password() and newcomer.must_change_password and not newcomer.role_codes
    assert "已新建账号" in client.get(response.url).content.decode()
    assert logged("create_account").object_id == str(newcomer.pk)

    response = client.post(
        f"/manage/accounts/{newcomer.pk}/edit/",
        {"username": "renamed", "full_name": "新同事", "title": "科员", "organization": world.sibling_unit.pk},
    )
    newcomer.refresh_from_db()
    assert response.status_code == 302
    assert (newcomer.username, newcomer.title, newcomer.organization) == ("newcomer", "科员", world.sibling_unit)

    client.post(f"/manage/accounts/{newcomer.pk}/deactivate/")
    newcomer.refresh_from_db()
    assert not newcomer.is_active and logged("deactivate").object_id == str(newcomer.pk)
    client.post(f"/manage/accounts/{newcomer.pk}/activate/")
    newcomer.refresh_from_db()
    assert newcomer.is_active and logged("activate").object_id == str(newcomer.pk)


def test_the_system_administrator_grants_no_roles_and_reaches_no_administrator(client, world):
    signed_in(client, "sysadmin")
    unit = world["unit"]
    assert client.get(f"/manage/accounts/{unit.pk}/roles/").status_code == 403
    before = standing(unit)
    client.post(f"/manage/accounts/{unit.pk}/roles/", {"roles": [RoleCode.AUDITOR]})
    assert standing(unit) == before
    for name in ("secadmin", "logaudit", "sysadmin"):
        target = world[name]
        before = standing(target)
        detail = client.get(f"/manage/accounts/{target.pk}/").content.decode()
        assert 'data-testid="out-of-reach"' in detail and 'data-testid="deactivate"' not in detail
        assert client.get(f"/manage/accounts/{target.pk}/edit/").status_code == 403
        response = client.post(f"/manage/accounts/{target.pk}/deactivate/", follow=True)
        assert "管理员账号" in response.content.decode()
        assert standing(target) == before


def test_the_security_administrator_grants_business_roles_only(client, world):
    signed_in(client, "secadmin")
    unit = world["unit"]
    assert client.get(f"/manage/accounts/{unit.pk}/edit/").status_code == 403
    form = client.get(f"/manage/accounts/{unit.pk}/roles/").content.decode()
    assert f'value="{RoleCode.UNIT_HEAD}"' in form and f'value="{RoleCode.SECURITY_ADMIN}"' not in form
    response = client.post(f"/manage/accounts/{unit.pk}/roles/", {"roles": [RoleCode.UNIT_CONTACT, RoleCode.UNIT_HEAD]})
    assert response.status_code == 302
    assert User.objects.get(pk=unit.pk).role_codes == {RoleCode.UNIT_CONTACT, RoleCode.UNIT_HEAD}
    # An administrator role is not offered, and a forged one is refused with nothing changed.
    before = standing(unit)
    response = client.post(
        f"/manage/accounts/{unit.pk}/roles/", {"roles": [RoleCode.UNIT_CONTACT, RoleCode.LOG_AUDITOR]}
    )
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert standing(unit) == before
    # Nor on an administrator's account.
    logaudit = world["logaudit"]
    before = standing(logaudit)
    assert client.post(f"/manage/accounts/{logaudit.pk}/roles/", {"roles": [RoleCode.AUDITOR]}).status_code == 403
    assert standing(logaudit) == before
    # Nor deactivation: that is the system administrator's.
    client.post(f"/manage/accounts/{unit.pk}/deactivate/")
    assert User.objects.get(pk=unit.pk).is_active


def test_the_security_administrator_lifts_a_lockout(client, world, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": "unit", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "unit", "password": PASSWORD}).status_code == 429
    client.force_login(world["secadmin"])  # with the lockout on, axes wants a request for client.login
    unit = world["unit"]
    detail = client.get(f"/manage/accounts/{unit.pk}/").content.decode()
    assert 'data-testid="locked"' in detail
    response = client.post(f"/manage/accounts/{unit.pk}/unlock/", follow=True)
    assert "已解除登录锁定" in response.content.decode()
    assert not AccessAttempt.objects.filter(
        username="unit", attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    ).exists()
    assert logged("unlock").object_id == str(unit.pk)
    client.logout()
    response = client.post("/accounts/login/", {"username": "unit", "password": PASSWORD})
    assert response.status_code == 302


def test_the_menu_shows_the_pages_to_the_two_administrators_only(client, world):
    for username, shown in (("sysadmin", True), ("secadmin", True), ("logaudit", False), ("auditor", False)):
        signed_in(client, username)
        assert ('data-testid="nav-accounts"' in client.get("/workbench/").content.decode()) is shown, username
        client.logout()


def test_the_list_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    signed_in(client, "secadmin")
    client.get("/manage/accounts/")
    with django_assert_max_num_queries(14):
        assert client.get("/manage/accounts/").status_code == 200


def test_an_edit_made_over_another_administrators_is_refused_and_keeps_what_was_typed(client, world):
    """Optimistic locking (issue 11, defect 7) on the account page: two system administrators open the
    same account; the second save, made from the older version, overwrites nothing."""
    from rectify.accounts.services import update_account
    from rectify.testing import make_user

    other = make_user("sysadmin2", world.office_a, RoleCode.SYSTEM_ADMIN)
    signed_in(client, "sysadmin")
    unit = world["unit"]
    page = client.get(f"/manage/accounts/{unit.pk}/edit/").content.decode()
    assert f'name="version" value="{unit.version}"' in page
    update_account(other, unit, version=unit.version, title="科长")  # the other administrator, first
    response = client.post(
        f"/manage/accounts/{unit.pk}/edit/",
        {"full_name": "第二人的修改", "title": "科员", "organization": world.unit.pk, "version": unit.version},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in html and 'value="第二人的修改"' in html
    stored = User.objects.get(pk=unit.pk)
    assert stored.title == "科长" and stored.full_name != "第二人的修改"
