"""The TOTP second factor (等保 2.0 identity): owed by the administrators and the audit leaders outside
demo mode (configurable for all), by anyone who enrolled; asked after the password on the web and with
the password by ``POST /api/auth/token/``."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def required(settings):
    """Outside demo mode, with the default roles."""
    settings.RECTIFY_OTP_REQUIRED = True
    settings.RECTIFY_OTP_ROLES = ["system_admin", "security_admin", "log_auditor", "audit_leader"]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def sign_in(client: Client, username: str):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD, "next": "/workbench/"})


def test_an_administrator_without_a_device_is_held_at_enrolment_until_confirmed(client, world, required, clock):
    response = sign_in(client, "secadmin")
    assert response.status_code == 302
    held = client.get("/workbench/")
    assert held.status_code == 302 and held["Location"].startswith("/accounts/otp/setup/?next=%2Fworkbench%2F")
    assert client.get("/accounts/tokens/").status_code == 302
    assert client.get("/api/auth/me/").status_code in (401, 403)  # the session does not count for the API
    page = client.get(held["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "须使用动态口令" in html
    assert "http" not in re.search(r"<svg.*?</svg>", html, re.S).group(0).replace("http://www.w3.org", "")
    device = TOTPDevice.objects.get(user=world["secadmin"], confirmed=False)
    wrong = client.post("/accounts/otp/setup/", {"otp": "000000", "next": "/workbench/"})
    assert wrong.status_code == 200 and "动态口令不正确" in wrong.content.decode()
    clock.shift(datetime.timedelta(seconds=5))  # django-otp's pause after a wrong code
    done = client.post("/accounts/otp/setup/", {"otp": code(device), "next": "/workbench/"})
    assert done.status_code == 302 and done["Location"] == "/workbench/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/workbench/").status_code == 200
    assert client.get("/api/auth/me/").status_code == 200


def test_an_enrolled_user_gives_the_code_after_the_password(client, world, required, clock):
    device = enrol(world["auditlead"])
    sign_in(client, "auditlead")
    held = client.get("/ledger/")
    assert held["Location"].startswith("/accounts/otp/?next=%2Fledger%2F")
    wrong = client.post("/accounts/otp/", {"otp": "123456", "next": "/ledger/"})
    assert wrong.status_code == 200 and "动态口令不正确" in wrong.content.decode()
    assert client.get("/ledger/").status_code == 302
    clock.shift(datetime.timedelta(seconds=5))
    passed = client.post("/accounts/otp/", {"otp": code(device), "next": "/ledger/"})
    assert passed.status_code == 302 and passed["Location"] == "/ledger/"
    assert client.get("/ledger/").status_code == 200
    # The same code a second time (a replay) does not pass another session.
    other = Client()
    sign_in(other, "auditlead")
    assert other.post("/accounts/otp/", {"otp": code(device), "next": "/ledger/"}).status_code == 200
    # An open redirect is not followed.
    clock.shift(datetime.timedelta(seconds=60))
    outside = other.post("/accounts/otp/", {"otp": code(device), "next": "https://evil.example/"})
    assert outside.status_code == 302 and outside["Location"] == "/"


def test_business_users_are_not_asked_unless_configured_for_all(client, world, required, settings):
    sign_in(client, "auditor")
    assert client.get("/workbench/").status_code == 200
    settings.RECTIFY_OTP_ROLES = ["all"]
    other = Client()
    sign_in(other, "unit")
    assert other.get("/workbench/")["Location"].startswith("/accounts/otp/setup/")


def test_in_demo_mode_the_administrators_keep_password_sign_in(client, world, settings):
    settings.RECTIFY_OTP_REQUIRED = False  # what RECTIFY_DEMO_MODE=1 (make run) sets
    sign_in(client, "secadmin")
    assert client.get("/accounts/tokens/").status_code == 200
    response = APIClient().post("/api/auth/token/", {"username": "secadmin", "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_whoever_enrolled_is_asked_even_when_not_required(client, world, clock):
    enrol(world["unit"])
    sign_in(client, "unit")
    assert client.get("/workbench/")["Location"].startswith("/accounts/otp/?")
    response = APIClient().post("/api/auth/token/", {"username": "unit", "password": PASSWORD}, format="json")
    assert response.status_code == 400 and "otp" in response.json()


def test_the_token_endpoint_takes_the_code_and_refuses_without_it(world, required, clock):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = {"username": "sysadmin", "password": PASSWORD}
    unenrolled = client.post("/api/auth/token/", body, format="json")
    assert unenrolled.status_code == 400 and "尚未绑定" in unenrolled.json()["otp"][0]
    device = enrol(world["sysadmin"])
    missing = client.post("/api/auth/token/", body, format="json")
    assert missing.status_code == 400 and missing.json() == {"otp": ["该账号须提供动态口令（otp）。"]}
    wrong = client.post("/api/auth/token/", {**body, "otp": "000000"}, format="json")
    assert wrong.status_code == 400 and wrong.json() == {"otp": ["动态口令不正确或已过期。"]}
    clock.shift(datetime.timedelta(seconds=5))
    given = client.post("/api/auth/token/", {**body, "otp": code(device)}, format="json")
    assert given.status_code == 200 and given.json()["token"]
    # The wrong password is refused before the code is looked at.
    refused = client.post("/api/auth/token/", {"username": "sysadmin", "password": "x", "otp": "1"}, format="json")
    assert refused.status_code == 400 and "non_field_errors" in refused.json()


def test_a_verified_user_may_replace_the_device_but_an_unverified_one_may_not(client, world, clock):
    old = enrol(world["unit"])
    sign_in(client, "unit")
    assert client.get("/accounts/otp/setup/")["Location"].startswith("/accounts/otp/")
    client.post("/accounts/otp/", {"otp": code(old), "next": "/"})
    page = client.get("/accounts/otp/setup/")
    assert page.status_code == 200
    new = TOTPDevice.objects.get(user=world["unit"], confirmed=False)
    clock.shift(datetime.timedelta(seconds=60))
    assert client.post("/accounts/otp/setup/", {"otp": code(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=world["unit"])) == [new]


def test_the_security_administrator_resets_a_business_users_device_only(client, world):
    enrol(world["unit"])
    enrol(world["logaudit"])
    client.force_login(world["secadmin"])
    page = client.get("/accounts/tokens/?user=unit").content.decode()
    assert "unit 已绑定动态口令" in page and 'data-testid="otp-reset"' in page
    assert client.post("/accounts/otp/reset/", {"user": "unit"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=world["unit"]).exists()
    assert 'data-testid="otp-reset"' not in client.get("/accounts/tokens/?user=logaudit").content.decode()
    assert client.post("/accounts/otp/reset/", {"user": "logaudit"}).status_code == 404
    assert TOTPDevice.objects.filter(user=world["logaudit"]).exists()
    other = Client()
    other.force_login(world["auditor"])
    enrol(world["unit"])
    assert other.post("/accounts/otp/reset/", {"user": "unit"}).status_code == 404
    assert TOTPDevice.objects.filter(user=world["unit"]).exists()


def test_the_admin_site_issues_no_token_and_shows_no_authenticator_key(client, world):
    from django.contrib import admin
    from knox.models import AuthToken

    assert not admin.site.is_registered(AuthToken) and not admin.site.is_registered(TOTPDevice)
    world["sysadmin"].is_staff = True
    world["sysadmin"].is_superuser = True
    world["sysadmin"].save()
    client.force_login(world["sysadmin"])
    assert client.get("/admin/knox/authtoken/add/").status_code == 404
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_each_code_checked_is_announced_for_the_security_log(world, clock):
    from rectify.accounts.otp import code_checked

    seen = []

    def record(sender, user, request, success, step, **kwargs):
        seen.append((user.username, success, step))

    code_checked.connect(record)
    try:
        enrol(world["unit"])
        body = {"username": "unit", "password": PASSWORD, "otp": "000000"}
        APIClient().post("/api/auth/token/", body, format="json")
    finally:
        code_checked.disconnect(record)
    assert seen == [("unit", False, "token")]
