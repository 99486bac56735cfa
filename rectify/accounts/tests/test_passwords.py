"""Identity (等保 2.0 身份鉴别): the password policy, the user's own change, the forced change of an
initial, reset or expired password, the two-person reset, and the demo accounts only in demo mode."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rectify.accounts import services
from rectify.accounts.models import PasswordReset, PasswordResetState, User
from rectify.core.exceptions import ActionRefused
from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = "/accounts/password/change/"


def change(client: Client, old: str, new: str, follow: bool = False):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new}, follow=follow)


def test_the_user_menu_leads_to_the_change_page_which_states_the_policy(client, world, settings):
    settings.RECTIFY_PASSWORD_MIN_LENGTH = 12
    client.login(username="unit", password=PASSWORD)
    workbench = client.get("/workbench/").content.decode()
    assert f'href="{CHANGE}"' in workbench
    page = client.get(CHANGE).content.decode()
    assert "密码长度至少为 12 个字符" in page and "至少 3 类" in page


def test_a_password_change_follows_the_policy_and_keeps_the_user_signed_in(client, world, settings):
    settings.RECTIFY_PASSWORD_MIN_LENGTH = 10
    settings.RECTIFY_PASSWORD_CHARACTER_CLASSES = 3
    client.login(username="unit", password=PASSWORD)
    before = User.objects.get(username="unit").password
    for weak, message in [
        ("Ab-1", "密码长度至少为 10 个字符"),
        ("abcdefghijkl", "至少 3 类"),
        ("abcdefgh1234", "至少 3 类"),
        (PASSWORD, "不能使用最近 5 次用过的密码"),
    ]:
        response = change(client, PASSWORD, weak)
        assert response.status_code == 200 and message in response.content.decode(), weak
        assert User.objects.get(username="unit").password == before
    assert change(client, "wrong", "Brand-New-2026").status_code == 200  # the current password is asked for
    assert User.objects.get(username="unit").password == before
    response = change(client, PASSWORD, "Brand-New-2026")
    assert response.status_code == 302
    assert client.get("/ledger/").status_code == 200  # still signed in
    assert Client().login(username="unit", password="Brand-New-2026")
    assert not Client().login(username="unit", password=PASSWORD)


def test_none_of_the_last_n_passwords_is_used_again(world, settings):
    settings.RECTIFY_PASSWORD_HISTORY = 3
    user = world["unit"]
    for n in range(1, 4):
        services.change_own_password(user, f"Rotation-{n}-pass")
    for earlier in ("Rotation-1-pass", "Rotation-2-pass", "Rotation-3-pass"):
        with pytest.raises(Exception, match="不能使用最近 3 次"):
            services.change_own_password(user, earlier)
    services.change_own_password(user, "Rotation-4-pass")
    # The oldest one dropped out of the last three: it may be used again.
    services.change_own_password(user, "Rotation-1-pass")
    assert user.password_history.count() == 3


def test_an_expired_password_is_changed_before_anything_else(client, world, settings):
    settings.RECTIFY_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(username="unit").update(password_changed_at=timezone.now() - timedelta(days=91))
    client.login(username="unit", password=PASSWORD)
    response = client.get("/ledger/")
    assert response.status_code == 302 and response["Location"].startswith(CHANGE)
    assert "您的密码已过期" in client.get(CHANGE).content.decode()
    assert client.get("/api/findings/").status_code == 403
    assert change(client, PASSWORD, "Brand-New-2026").status_code == 302
    assert client.get("/ledger/").status_code == 200
    User.objects.filter(username="auditor").update(password_changed_at=timezone.now() - timedelta(days=89))
    other = Client()
    other.login(username="auditor", password=PASSWORD)
    assert other.get("/ledger/").status_code == 200


def request_and_approve(world) -> str:
    secadmin, sysadmin, unit = world["secadmin"], world["sysadmin"], world["unit"]
    reset = services.request_password_reset(secadmin, unit, "本人来电称忘记密码，已核实身份")
    return services.approve_password_reset(sysadmin, reset)


def test_a_reset_takes_two_administrators_and_the_user_then_chooses_a_password(client, world):
    secadmin, unit = world["secadmin"], world["unit"]
    before = User.objects.get(pk=unit.pk).password
    reset = services.request_password_reset(secadmin, unit, "忘记密码")
    assert User.objects.get(pk=unit.pk).password == before  # a request alone changes nothing
    with pytest.raises(ActionRefused, match="另一名管理员"):
        services.approve_password_reset(secadmin, reset)
    with pytest.raises(ActionRefused):
        services.approve_password_reset(world["logaudit"], reset)  # reaches nothing but the log
    with pytest.raises(ActionRefused):
        services.approve_password_reset(world["auditor"], reset)
    assert User.objects.get(pk=unit.pk).password == before
    assert PasswordReset.objects.get(pk=reset.pk).state == PasswordResetState.PENDING
    one_time = services.approve_password_reset(world["sysadmin"], reset)
    with pytest.raises(ActionRefused, match="已处理"):
        services.approve_password_reset(world["sysadmin"], reset)
    # The user signs in with it and must choose a password of their own before anything else.
    assert not client.login(username="unit", password=PASSWORD)
    assert client.login(username="unit", password=one_time)
    response = client.get("/findings/")
    assert response.status_code == 302 and response["Location"].startswith(CHANGE)
    assert "管理员重置的密码" in client.get(CHANGE).content.decode()
    assert change(client, one_time, one_time).status_code == 200  # not the one-time password again
    assert change(client, one_time, "Mine-Again-2026").status_code == 302
    assert client.get("/ledger/").status_code == 200
    assert not User.objects.get(pk=unit.pk).must_change_password


def test_reset_requests_that_are_refused_change_nothing(world):
    secadmin, sysadmin, unit = world["secadmin"], world["sysadmin"], world["unit"]
    before = {u.pk: u.password for u in User.objects.all()}
    for actor, target in [
        (sysadmin, unit),  # the system administrator does not request resets
        (secadmin, secadmin),  # nor anyone their own
        (secadmin, sysadmin),  # nor an administrator's
        (secadmin, world["logaudit"]),
        (world["auditor"], unit),
    ]:
        with pytest.raises(ActionRefused):
            services.request_password_reset(actor, target, "忘记密码")
    with pytest.raises(ActionRefused):
        services.request_password_reset(secadmin, unit, "  ")
    assert not PasswordReset.objects.exists()
    services.request_password_reset(secadmin, unit, "忘记密码")
    with pytest.raises(ActionRefused, match="待批准"):
        services.request_password_reset(secadmin, unit, "再次申请")
    assert {u.pk: u.password for u in User.objects.all()} == before


def test_the_reset_page_of_the_two_administrators(client, world):
    staff_names = ("secadmin", "sysadmin")
    for name in staff_names:
        User.objects.filter(username=name).update(is_staff=True)
    client.login(username="secadmin", password=PASSWORD)
    page = client.get("/manage/password-resets/").content.decode()
    assert "双人规则" in page and 'data-testid="reset-request"' in page
    refused = client.post("/manage/password-resets/", {"username": "sysadmin", "reason": "忘记密码"})
    assert refused.status_code == 400 and "管理员账号只能由超级用户" in refused.content.decode()
    assert client.post("/manage/password-resets/", {"username": "unit", "reason": "忘记密码"}).status_code == 302
    reset = PasswordReset.objects.get()
    # The requester's own approval is refused and changes nothing.
    client.post(f"/manage/password-resets/{reset.pk}/approve/")
    assert PasswordReset.objects.get().state == PasswordResetState.PENDING
    approver = Client()
    approver.login(username="sysadmin", password=PASSWORD)
    assert 'data-testid="reset-request"' not in approver.get("/manage/password-resets/").content.decode()
    done = approver.post(f"/manage/password-resets/{reset.pk}/approve/")
    assert done.status_code == 200 and "no-store" in done.get("Cache-Control", "")
    one_time = done.content.decode().split('data-testid="one-time-password">')[1].split("<")[0]
    assert Client().login(username="unit", password=one_time)
    # The log auditor and business users have no such page.
    for name in ("logaudit", "unit"):
        other = Client()
        other.login(username=name, password=PASSWORD if name != "unit" else one_time)
        assert other.get("/manage/password-resets/").status_code in (302, 403)


def test_a_superuser_sets_an_initial_password_that_is_changed_at_sign_in(client, world, admin_user):
    client.force_login(admin_user)
    unit = world["unit"]
    response = client.post(
        f"/admin/accounts/user/{unit.pk}/password/", {"password1": "Initial-2026-x", "password2": "Initial-2026-x"}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=unit.pk).must_change_password
    user = Client()
    assert user.login(username="unit", password="Initial-2026-x")
    assert user.get("/ledger/")["Location"].startswith(CHANGE)


def test_demo_accounts_sign_in_only_in_demo_mode_and_keep_their_password_there(client, world, settings):
    User.objects.filter(username="auditor").update(
        is_demo=True, password_changed_at=timezone.now() - timedelta(days=400)
    )
    settings.RECTIFY_PASSWORD_MAX_AGE_DAYS = 90
    settings.RECTIFY_DEMO_MODE = False
    assert not client.login(username="auditor", password=PASSWORD)
    response = client.post("/accounts/login/", {"username": "auditor", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    token = Client().post(
        "/api/auth/token/", {"username": "auditor", "password": PASSWORD}, content_type="application/json"
    )
    assert token.status_code == 400
    from rectify.testing import api_token

    key = api_token(world["auditor"])  # a token taken in demo mode
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/findings/").status_code == 403
    settings.RECTIFY_DEMO_MODE = True
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/findings/").status_code == 200
    assert client.login(username="auditor", password=PASSWORD)
    assert client.get("/ledger/").status_code == 200  # exempt from expiry (and forced change) in demo mode
    # A session opened in demo mode ends when demo mode is off.
    settings.RECTIFY_DEMO_MODE = False
    response = client.get("/ledger/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/api/auth/me/").status_code in (401, 403)
    # Accounts that are not demo accounts are not affected.
    assert Client().login(username="unit", password=PASSWORD)
