"""Reliability and transport (issue 11): TLS settings, no caching of audit data, and a busy database
answering 503 with a retry instead of 500."""

from __future__ import annotations

import json
import subprocess
import sys
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from rectify.core.deployment import tls_settings
from rectify.testing import PASSWORD, make_finding

# --- Defect 8: TLS -----------------------------------------------------------------------------


def test_without_tls_nothing_forces_https():
    settings = tls_settings({}, debug=False)
    assert settings["SECURE_HSTS_SECONDS"] == 0
    assert not settings["SESSION_COOKIE_SECURE"] and not settings["CSRF_COOKIE_SECURE"]
    assert not settings["SECURE_SSL_REDIRECT"] and settings["SECURE_PROXY_SSL_HEADER"] is None


def test_declared_tls_turns_every_protection_on_when_debug_is_off():
    settings = tls_settings({"RECTIFY_TLS": "1"}, debug=False)
    assert settings["SECURE_HSTS_SECONDS"] == 31536000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["SECURE_SSL_REDIRECT"]
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_debug_keeps_tls_protections_off_unless_set_one_by_one():
    assert tls_settings({"RECTIFY_TLS": "1"}, debug=True)["SECURE_HSTS_SECONDS"] == 0
    assert not tls_settings({"RECTIFY_TLS": "1"}, debug=True)["SESSION_COOKIE_SECURE"]
    assert tls_settings({"RECTIFY_TLS": "1", "RECTIFY_SECURE_COOKIES": "1"}, debug=True)["SESSION_COOKIE_SECURE"]


def test_each_tls_setting_is_configurable():
    settings = tls_settings(
        {
            "RECTIFY_TLS": "1", "RECTIFY_HSTS_SECONDS": "600", "RECTIFY_HSTS_INCLUDE_SUBDOMAINS": "0",
            "RECTIFY_SSL_REDIRECT": "0", "RECTIFY_PROXY_SSL_HEADER": "X-Forwarded-Scheme: https",
        },
        debug=False,
    )  # fmt: skip
    assert settings["SECURE_HSTS_SECONDS"] == 600 and not settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert not settings["SECURE_SSL_REDIRECT"] and settings["SESSION_COOKIE_SECURE"]
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_SCHEME", "https")
    unproxied = tls_settings({"RECTIFY_TLS": "1", "RECTIFY_PROXY_SSL_HEADER": "off"}, False)
    assert unproxied["SECURE_PROXY_SSL_HEADER"] is None


def _settings_in_a_fresh_process(tmp_path, **env) -> dict:
    names = ["SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
             "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_INCLUDE_SUBDOMAINS"]  # fmt: skip
    code = f"import json, rectify.settings as s; print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    base = {"PATH": "/usr/bin:/bin", "RECTIFY_VAR_DIR": str(tmp_path), "SECRET_KEY": "x" * 50}
    out = subprocess.run([sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_settings_module_reads_the_tls_declaration(tmp_path):
    on = _settings_in_a_fresh_process(tmp_path, RECTIFY_TLS="1")
    assert on["SECURE_HSTS_SECONDS"] > 0 and on["SESSION_COOKIE_SECURE"] and on["CSRF_COOKIE_SECURE"]
    assert on["SECURE_SSL_REDIRECT"] and on["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    off = _settings_in_a_fresh_process(tmp_path, RECTIFY_TLS="1", DEBUG="1")
    assert off["SECURE_HSTS_SECONDS"] == 0 and not off["SESSION_COOKIE_SECURE"]


@pytest.mark.django_db
def test_a_tls_deployment_sends_hsts_and_secure_cookies_and_trusts_the_proxy(client, world, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200  # the load balancer's probe is not redirected
    response = client.post(
        "/accounts/login/", {"username": "unit", "password": PASSWORD}, HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 302
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.cookies["sessionid"]["secure"]


# --- Defect 11: caching ------------------------------------------------------------------------


@pytest.fixture
def closed_finding(world):
    return make_finding(world, state="submitted")


def _no_store(response) -> bool:
    value = response.get("Cache-Control", "")
    return "no-store" in value and "private" in value


@pytest.mark.django_db
def test_every_kind_of_answer_carrying_audit_data_is_private_no_store(client, world, closed_finding):
    from rectify.rectification.models import Evidence

    evidence = Evidence.objects.filter(report__finding=closed_finding).first()
    assert client.login(username="auditor", password=PASSWORD)
    pages = [
        "/workbench/", "/ledger/", f"/findings/{closed_finding.pk}/", "/dashboard/",  # pages
        "/ledger/export.xlsx",  # an export
        f"/evidence/{evidence.pk}/download/",  # evidence
        f"/projects/{closed_finding.project_id}/documents/notice.docx",  # a generated document
        "/api/findings/", f"/api/findings/{closed_finding.pk}/", f"/api/evidence/{evidence.pk}/download/",  # the API
    ]  # fmt: skip
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _no_store(response), (path, response.get("Cache-Control"))
    # Refusals too: an error page may name what was asked for.
    assert _no_store(client.get("/findings/999999/"))
    api = Client()
    assert _no_store(api.get("/api/findings/"))  # 401/403 answers as well


@pytest.mark.django_db
def test_static_files_and_the_public_portal_keep_their_own_caching(client, world):
    static = client.get("/static/rectify/rectify.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
    assert "no-store" not in client.get("/public/").get("Cache-Control", "")


@pytest.mark.django_db
def test_a_view_that_declares_its_caching_keeps_it(rf):
    from django.http import HttpResponse

    from rectify.core.middleware import NoStoreMiddleware

    def cached(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "public, max-age=60"
        return response

    assert NoStoreMiddleware(cached)(rf.get("/x/"))["Cache-Control"] == "public, max-age=60"
    assert NoStoreMiddleware(lambda r: HttpResponse("x"))(rf.get("/x/"))["Cache-Control"] == "private, no-store"


# --- Defect 5 (second half): a busy database is a 503 with a retry --------------------------------


def _locked(*args, **kwargs):
    raise OperationalError("database is locked")


@pytest.mark.django_db
def test_a_locked_database_answers_503_with_retry_on_the_web(client, world):
    assert client.login(username="auditor", password=PASSWORD)
    # The ledger's figures (loaded beside its rows, /ledger/figures/) meet the locked database.
    with mock.patch("rectify.ledger.views.filtered_figures", side_effect=_locked):
        response = client.get("/ledger/figures/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "系统正忙" in html and "未生效" in html and 'data-status="503"' in html


@pytest.mark.django_db
def test_a_locked_database_answers_503_json_with_retry_in_the_api(client, world):
    finding = make_finding(world)
    assert client.login(username="auditor", password=PASSWORD)
    with mock.patch("rectify.findings.services.correct_finding", side_effect=_locked):
        response = client.patch(
            f"/api/findings/{finding.pk}/", {"title": "新标题"}, content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )  # fmt: skip
    assert response.status_code == 503 and response["Retry-After"]
    assert "系统正忙" in response.json()["detail"] and response.json()["code"] == "database_busy"


@pytest.mark.django_db
def test_a_database_busy_outside_any_view_is_still_a_503(world):
    """A session saved after the view (in a middleware) when the database is locked."""
    client = Client(raise_request_exception=False)
    assert client.login(username="auditor", password=PASSWORD)
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.save", side_effect=_locked):
        response = client.get("/workbench/")
    assert response.status_code == 503 and response["Retry-After"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("database is locked", "busy"),
        ("canceling statement due to lock timeout", "busy"),
        ("could not serialize access due to concurrent update", "busy"),
        ("connection refused", "unavailable"),
        ("no such table: findings_finding", None),
    ],
)
def test_which_database_errors_are_a_retry(message, expected):
    from rectify.core.middleware import database_trouble

    assert database_trouble(OperationalError(message)) == expected
    assert database_trouble(ValueError(message)) is None


def test_sqlite_waits_for_a_writer_before_giving_up():
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        assert database["OPTIONS"]["timeout"] >= 5
    else:
        assert "lock_timeout" in database["OPTIONS"].get("options", "")
