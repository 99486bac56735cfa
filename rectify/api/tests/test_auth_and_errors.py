"""Signing in (token and session), the caller's own view, and errors in the request's language."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_token_is_obtained_with_username_and_password_and_then_used(world, ledger):
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": "auditor", "password": PASSWORD}, format="json")
    assert response.status_code == 200 and set(response.json()) == {"token", "expiry"}
    token = response.json()["token"]
    again = client.post("/api/auth/token/", {"username": "auditor", "password": PASSWORD}, format="json")
    assert again.json()["token"] != token  # a new token at each sign-in
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/findings/").json()["count"] == 11
    me = client.get("/api/auth/me/").json()
    assert me["username"] == "auditor" and me["roles"] == ["auditor"] and me["organization"] == world.office_a.pk


def test_a_wrong_password_or_an_inactive_account_gets_no_token(world):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/auth/token/", {"username": "auditor", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    user = world["unit"]
    user.is_active = False
    user.save()
    response = client.post("/api/auth/token/", {"username": "unit", "password": PASSWORD}, format="json")
    assert response.status_code == 400


def test_a_bad_or_revoked_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert client.get("/api/findings/").status_code == 401


def test_a_session_works_too_and_guards_writes_with_csrf(world, ledger):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="auditor", password=PASSWORD)
    assert client.get("/api/findings/").json()["count"] == 11
    pk = ledger["draft"].pk
    refused = client.post(f"/api/findings/{pk}/issue/", {}, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    token = "k" * 32  # a CSRF secret as a browser would hold it in its cookie
    client.cookies["csrftoken"] = token
    issued = client.post(f"/api/findings/{pk}/issue/", {}, format="json", HTTP_X_CSRFTOKEN=token)
    assert issued.status_code == 200 and issued.json()["state"] == "issued"


def test_framework_errors_follow_accept_language(api, ledger):
    hidden = ledger["district_b"].pk
    assert api("unit", "en").get(f"/api/findings/{hidden}/").json() == {"detail": "Not found."}
    assert api("unit", "zh-hans").get(f"/api/findings/{hidden}/").json() == {"detail": "未找到。"}
    english = api("auditor", "en").post("/api/findings/", {}, format="json").json()
    assert english["title"] == ["This field is required."]
    chinese = api("auditor", "zh-hans").post("/api/findings/", {}, format="json").json()
    assert chinese["title"] == ["该字段是必填项。"]
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/findings/").json()
    assert anonymous == {"detail": "Authentication credentials were not provided."}
    assert api("auditor", "en").delete("/api/findings/").json() == {"detail": 'Method "DELETE" not allowed.'}


def test_the_api_root_lists_the_collections(api):
    root = api("auditor").get("/api/").json()
    for name in (
        "findings", "audit-projects", "organizations", "progress-reports", "verifications", "plans", "evidence",
        "requirements", "categories", "finding-events", "delay-explanations",
    ):  # fmt: skip
        assert root[name].endswith(f"/api/{name}/"), name
