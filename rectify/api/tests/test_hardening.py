"""The API's schema and docs behind sign-in (defect 13), and deeply nested JSON answered with 400, not
a 500 from a RecursionError (defect 10), also anonymously and on the sign-in endpoint."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from rectify.core.parsers import depth, loads
from rectify.testing import api_token

pytestmark = pytest.mark.django_db


def test_the_schema_and_docs_are_behind_sign_in(world):
    anonymous = Client()
    assert anonymous.get("/api/schema/").status_code == 401
    assert anonymous.get("/api/schema/?format=json").status_code == 401
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"] == "/accounts/login/?next=%2Fapi%2Fdocs%2F"
    assert anonymous.get("/api/docs/?script=").status_code == 302
    token = APIClient(HTTP_AUTHORIZATION=f"Token {api_token(world['unit'])}")
    assert token.get("/api/schema/?format=json").json()["openapi"].startswith("3.")
    assert token.get("/api/docs/").status_code == 200
    assert APIClient(HTTP_AUTHORIZATION="Token 0123456789").get("/api/schema/").status_code == 401
    session = Client()
    session.force_login(world["unit"])
    assert session.get("/api/schema/").status_code == 200 and session.get("/api/docs/").status_code == 200


NESTED = [
    "[" * 1000,
    "[" * 1000 + "]" * 1000,
    '{"a":' * 1000 + "1" + "}" * 1000,
    "[" * 100_000,
    '{"username": ' + "[" * 40 + "]" * 40 + ', "password": "x"}',
]


@pytest.mark.parametrize("body", NESTED, ids=["open", "closed", "objects", "very-deep", "past-the-bound"])
def test_deeply_nested_json_is_a_400_everywhere(world, body):
    anonymous = APIClient()
    signed_in = APIClient(HTTP_AUTHORIZATION=f"Token {api_token(world['auditor'])}")
    for client, path in (
        (anonymous, "/api/auth/token/"),
        (signed_in, "/api/findings/"),
        (signed_in, "/api/auth/token/"),
    ):
        response = client.generic("POST", path, body, content_type="application/json")
        assert response.status_code == 400, (path, response.status_code)
        assert "detail" in response.json()


def test_nesting_within_the_bound_is_read_and_the_depth_is_counted_without_recursion(settings):
    settings.RECTIFY_JSON_MAX_DEPTH = 4
    assert loads('{"a": [[{"b": "1.10"}]]}') == {"a": [[{"b": "1.10"}]]}
    assert str(loads('{"amount": 1.10}')["amount"]) == "1.10"  # a Decimal, as written
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert depth(deep) == 100_001 and depth(1) == 0 and depth({"a": []}) == 2
