"""Rate limits (等保 2.0 level 3, control 5): sign-ins per address (web and API) and per username (API),
API requests per user and per address; 429 with a Chinese message and Retry-After."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from rectify.testing import PASSWORD, api_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.RECTIFY_RATE_LIMITS = {**settings.RECTIFY_RATE_LIMITS, **rates}

    return set_rates


def test_the_web_sign_in_is_limited_per_address(world, rates):
    rates(login_address="3/min")
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "unit", "password": "wrong"}).status_code == 200
    refused = client.post("/accounts/login/", {"username": "unit", "password": PASSWORD})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "秒后再试" in refused.content.decode()
    assert "_auth_user_id" not in client.session  # even the right password did not sign in
    # A forged X-Forwarded-For does not make a new address (no trusted proxy by default).
    forged = client.post("/accounts/login/", {"username": "unit", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert forged.status_code == 429
    # Another address, or the page itself, is not affected.
    assert (
        Client(REMOTE_ADDR="10.0.0.2").post("/accounts/login/", {"username": "unit", "password": PASSWORD}).status_code
        == 302
    )
    assert client.get("/accounts/login/").status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_counts(world, rates, settings):
    rates(login_address="1/min")
    settings.RECTIFY_PROXY_COUNT = 1  # RECTIFY_NUM_PROXIES
    proxy = Client(REMOTE_ADDR="10.0.0.9")
    body = {"username": "unit", "password": "wrong"}
    assert proxy.post("/accounts/login/", body, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert proxy.post("/accounts/login/", body, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 429
    assert proxy.post("/accounts/login/", body, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 200


def test_the_token_endpoint_is_limited_per_address_and_per_username(world, rates):
    rates(login_address="3/min", login_username="2/min")
    body = {"username": "auditor", "password": "wrong"}
    for address in ("10.0.1.1", "10.0.1.2"):
        assert APIClient(REMOTE_ADDR=address).post("/api/auth/token/", body, format="json").status_code == 400
    refused = APIClient(REMOTE_ADDR="10.0.1.3").post("/api/auth/token/", body, format="json")  # same username
    assert refused.status_code == 429 and refused.json()["detail"].startswith("请求过于频繁，请")
    assert int(refused["Retry-After"]) > 0
    client = APIClient(REMOTE_ADDR="10.0.2.1")
    for username in ("unit", "dept", "unithead"):
        client.post("/api/auth/token/", {"username": username, "password": "wrong"}, format="json")
    refused = client.post("/api/auth/token/", {"username": "orgdept", "password": PASSWORD}, format="json")
    assert refused.status_code == 429  # the same address, a fourth try


def test_the_api_is_limited_per_user_and_per_address(world, rates):
    rates(api_user="3/min", api_address="5/min")
    unit = APIClient(REMOTE_ADDR="10.0.3.1", HTTP_AUTHORIZATION=f"Token {api_token(world['unit'])}")
    for _ in range(3):
        assert unit.get("/api/auth/me/").status_code == 200
    refused = unit.get("/api/auth/me/")
    assert refused.status_code == 429 and "秒后再试" in refused.json()["detail"]
    # The user is limited from another address and with another token as well.
    elsewhere = APIClient(REMOTE_ADDR="10.0.3.2", HTTP_AUTHORIZATION=f"Token {api_token(world['unit'])}")
    assert elsewhere.get("/api/auth/me/").status_code == 429
    # The address is shared: a second user there has one request left of the address's five.
    dept = APIClient(REMOTE_ADDR="10.0.3.1", HTTP_AUTHORIZATION=f"Token {api_token(world['dept'])}")
    assert dept.get("/api/auth/me/").status_code == 200
    assert dept.get("/api/auth/me/").status_code == 429


def test_english_callers_read_the_limit_in_english(world, rates):
    rates(api_user="1/min")
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Token {api_token(world['unit'])}")
    client.get("/api/auth/me/")
    assert client.get("/api/auth/me/").json()["detail"].startswith("Too many requests")
