"""Failed sign-ins lock the account for a while (等保 2.0: failed-login handling)."""

import pytest
from django.test import Client

from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def sign_in(client: Client, password: str):
    return client.post("/accounts/login/", {"username": "unit", "password": password})


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, world, lockout):
    for _ in range(2):
        assert sign_in(client, "wrong").status_code == 200
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429 and "账号已被暂时锁定" in locked.content.decode()
    refused = sign_in(client, PASSWORD)
    assert refused.status_code == 429  # the right password no longer helps while locked
    assert "_auth_user_id" not in client.session
    other = Client()
    response = other.post("/accounts/login/", {"username": "auditor", "password": PASSWORD})
    assert response.status_code == 302  # another account is not affected


def test_a_success_before_the_limit_clears_the_count(client, world, lockout):
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302


def test_the_api_token_endpoint_counts_failures_too_and_never_fails_with_500(world, lockout):
    api = Client()
    for _ in range(3):
        response = api.post(
            "/api/auth/token/", {"username": "unit", "password": "wrong"}, content_type="application/json"
        )
        assert response.status_code in (400, 403, 429)
    response = api.post("/api/auth/token/", {"username": "unit", "password": PASSWORD}, content_type="application/json")
    assert response.status_code in (400, 403, 429) and "token" not in response.json()


def test_the_lockout_page_says_how_long_the_lock_lasts_from_the_setting(client, world, lockout, settings):
    from datetime import timedelta

    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    for _ in range(3):
        locked = sign_in(client, "wrong")
    html = locked.content.decode()
    assert locked.status_code == 429
    assert "15 分钟后可再次登录" in html and "0:15:00" not in html
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    assert "30 分钟后可再次登录" in sign_in(client, "wrong").content.decode()


def test_the_login_form_says_how_many_tries_remain_before_the_lock(client, world, lockout, settings):
    from datetime import timedelta

    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    page = client.get("/accounts/login/").content.decode()
    assert "连续 3 次密码错误，账号将被锁定 15 分钟。" in page
    first = sign_in(client, "wrong").content.decode()
    assert "再错 2 次，该账号将被锁定 15 分钟。" in first
    second = sign_in(client, "wrong").content.decode()
    assert "再错 1 次，该账号将被锁定 15 分钟。" in second
    assert sign_in(client, "wrong").status_code == 429


def test_a_success_starts_the_count_again(client, world, lockout):
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    assert "再错 2 次" in sign_in(client, "wrong").content.decode()
