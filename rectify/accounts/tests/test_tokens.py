"""API tokens (defect 2 of the security issue): a new token per sign-in, stored hashed, expiring, listed
without their secret, revoked by their holder, by the security administrator, at the web logout and at
any change of password or roles or at deactivation. Before, one eternal token survived all of these."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.contrib.auth.forms import SetPasswordForm
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from rectify.accounts.choices import RoleCode
from rectify.accounts.models import Role, User
from rectify.testing import PASSWORD, api_token

pytestmark = pytest.mark.django_db


def sign_in(username: str, password: str = PASSWORD) -> str:
    response = APIClient().post("/api/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def works(token: str) -> bool:
    status = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/auth/me/").status_code
    assert status in (200, 401)
    return status == 200


def test_each_sign_in_issues_a_new_token_and_only_its_hash_is_stored(world):
    first, second = sign_in("auditor"), sign_in("auditor")
    assert first != second and works(first) and works(second)
    stored = AuthToken.objects.filter(user=world["auditor"])
    assert stored.count() == 2
    for token in (first, second):
        row = stored.get(token_key=token[:15])
        assert row.digest == hashlib.sha512(token.encode()).hexdigest() and token not in row.digest
    assert not AuthToken.objects.filter(digest__in=[first, second]).exists()


def test_the_old_drf_token_table_and_keys_are_gone(world):
    from django.apps import apps
    from django.db import connection

    assert not apps.is_installed("rest_framework.authtoken")
    assert "authtoken_token" not in connection.introspection.table_names()
    assert not works("0123456789abcdef0123456789abcdef01234567")  # an old 40-character key


def test_a_token_expires_after_the_configured_hours(world, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": datetime.timedelta(hours=2)}
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        response = APIClient().post("/api/auth/token/", {"username": "auditor", "password": PASSWORD}, format="json")
        token = response.json()["token"]
        assert response.json()["expiry"].startswith("2026-03-02T19:00")  # Asia/Shanghai, two hours on
    with time_machine.travel(start + datetime.timedelta(hours=1, minutes=59), tick=False):
        assert works(token)
    with time_machine.travel(start + datetime.timedelta(hours=2, minutes=1), tick=False):
        assert not works(token)
    assert not AuthToken.objects.filter(token_key=token[:15]).exists()


def test_delete_revokes_the_callers_token_and_no_other(world):
    first, second = sign_in("auditor"), sign_in("auditor")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.delete("/api/auth/token/").status_code == 204
    assert not works(first) and works(second)
    assert client.delete("/api/auth/token/").status_code == 401
    assert APIClient().delete("/api/auth/token/").status_code == 401


def test_a_stale_token_header_does_not_block_a_new_sign_in(world):
    client = APIClient(HTTP_AUTHORIZATION="Token deadbeef")
    response = client.post("/api/auth/token/", {"username": "auditor", "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_the_holder_lists_their_tokens_without_the_secret_and_revokes_one(world):
    mine, other_mine = sign_in("unit"), sign_in("unit")
    theirs = sign_in("unithead")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {mine}")
    listed = client.get("/api/auth/tokens/")
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 2 and {row["username"] for row in body["results"]} == {"unit"}
    assert {row["key"] for row in body["results"]} == {mine[:15], other_mine[:15]}
    assert [row["current"] for row in body["results"] if row["key"] == mine[:15]] == [True]
    text = listed.content.decode()
    assert mine not in text and other_mine not in text and "digest" not in text
    assert client.get(f"/api/auth/tokens/{theirs[:15]}/").status_code == 404  # another user's: not found
    assert client.delete(f"/api/auth/tokens/{theirs[:15]}/").status_code == 404 and works(theirs)
    assert client.delete(f"/api/auth/tokens/{other_mine[:15]}/").status_code == 204
    assert not works(other_mine) and works(mine)
    # A session lists the same.
    session = APIClient()
    session.force_login(world["unit"])
    assert session.get("/api/auth/tokens/").json()["count"] == 1


def test_the_security_administrator_lists_and_revokes_business_users_tokens(world):
    unit, auditor, log_auditor = sign_in("unit"), sign_in("auditor"), sign_in("logaudit")
    admin = APIClient(HTTP_AUTHORIZATION=f"Token {sign_in('secadmin')}")
    listed = admin.get("/api/auth/tokens/").json()
    usernames = {row["username"] for row in listed["results"]}
    assert {"unit", "auditor", "secadmin"} <= usernames and "logaudit" not in usernames
    only_unit = admin.get(f"/api/auth/tokens/?user={world['unit'].pk}").json()
    assert [row["username"] for row in only_unit["results"]] == ["unit"]
    assert admin.delete(f"/api/auth/tokens/{unit[:15]}/").status_code == 204
    assert not works(unit) and works(auditor)
    # Another administrator's account is out of reach.
    assert admin.delete(f"/api/auth/tokens/{log_auditor[:15]}/").status_code == 404 and works(log_auditor)
    # Nobody else sees other users' tokens.
    auditors = APIClient(HTTP_AUTHORIZATION=f"Token {auditor}").get("/api/auth/tokens/").json()
    assert {row["username"] for row in auditors["results"]} == {"auditor"}


def test_the_web_logout_revokes_every_token_of_the_user(world):
    first, second, other = sign_in("unit"), sign_in("unit"), sign_in("unithead")
    browser = Client()
    browser.force_login(world["unit"])
    assert browser.post("/accounts/logout/").status_code == 302
    assert not works(first) and not works(second) and works(other)


def test_a_password_change_by_any_path_revokes_the_tokens(world):
    token = sign_in("unit")
    user = User.objects.get(username="unit")
    user.set_password("Another-pass-2026")
    user.save()
    assert not works(token)

    token = sign_in("unit", "Another-pass-2026")
    form = SetPasswordForm(user, {"new_password1": "Third-pass-2026x", "new_password2": "Third-pass-2026x"})
    assert form.is_valid(), form.errors
    form.save()  # the administrator's reset path
    assert not works(token)

    token = sign_in("unit", "Third-pass-2026x")
    user.refresh_from_db()
    user.last_login = None
    user.save(update_fields=["last_login"])  # a save that does not touch the password keeps them
    user.full_name = "改名"
    user.save()
    assert works(token)


def test_a_role_change_revokes_the_tokens(world):
    user = User.objects.get(username="auditor")
    token = sign_in("auditor")
    user.roles.add(Role.objects.get(code=RoleCode.AUDIT_LEADER))
    assert not works(token)
    token = sign_in("auditor")
    user.roles.remove(Role.objects.get(code=RoleCode.AUDIT_LEADER))
    assert not works(token)
    token = sign_in("auditor")
    user.roles.set([Role.objects.get(code=RoleCode.AUDITOR)])  # unchanged: kept
    assert works(token)
    user.roles.clear()
    assert not works(token)


def test_deactivation_revokes_the_tokens_and_reactivation_does_not_bring_them_back(world):
    token = sign_in("unit")
    user = User.objects.get(username="unit")
    user.is_active = False
    user.save()
    assert not works(token)
    user.is_active = True
    user.save()
    assert not works(token)
    assert not AuthToken.objects.filter(user=user).exists()


def test_the_tokens_page_shows_and_revokes_the_users_own(world):
    mine, theirs = sign_in("unit"), sign_in("unithead")
    browser = Client()
    browser.force_login(world["unit"])
    page = browser.get("/accounts/tokens/")
    assert page.status_code == 200
    html = page.content.decode()
    assert mine[:8] in html and mine not in html and theirs[:8] not in html
    assert browser.post("/accounts/tokens/revoke/", {"key": theirs[:15]}).status_code == 404 and works(theirs)
    assert browser.post("/accounts/tokens/revoke/", {"user": "unithead"}).status_code == 404 and works(theirs)
    assert browser.post("/accounts/tokens/revoke/", {"key": mine[:15]}).status_code == 302
    assert not works(mine)


def test_the_security_administrator_revokes_a_users_tokens_on_the_page(world):
    first, second, auditor = sign_in("unit"), sign_in("unit"), sign_in("auditor")
    log_auditor = sign_in("logaudit")
    browser = Client()
    browser.force_login(world["secadmin"])
    html = browser.get("/accounts/tokens/?user=unit").content.decode()
    assert "接口令牌（全部业务用户）" in html and first[:8] in html and auditor[:8] not in html
    assert log_auditor[:8] not in browser.get("/accounts/tokens/").content.decode()
    assert browser.post("/accounts/tokens/revoke/", {"user": "unit"}).status_code == 302
    assert not works(first) and not works(second) and works(auditor)
    assert browser.post("/accounts/tokens/revoke/", {"user": "logaudit"}).status_code == 404 and works(log_auditor)


def test_the_test_helper_issues_working_tokens(world):
    assert works(api_token(world["dept"]))
