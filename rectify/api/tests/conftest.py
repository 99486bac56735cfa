"""Fixtures of the API tests: callers with tokens, and a ledger spread over units, states and colours."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import signals
from django.db import close_old_connections
from rest_framework.test import APIClient

from rectify.testing import api_token, make_finding

# Every API test runs on this day, so deadlines give known colours.
TODAY = datetime.date(2025, 9, 25)


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(datetime.datetime(2025, 9, 25, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def client_for(user=None, language: str = "zh-hans") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


@pytest.fixture
def api(world):
    """``api("auditor")``: a client signed in with that user's token; ``api(None)``: anonymous."""

    def make(username: str | None, language: str = "zh-hans") -> APIClient:
        return client_for(world[username] if username else None, language)

    return make


@pytest.fixture
def ledger(world):
    """Findings of every state, in both districts, for units, sibling units, fiscal and cadre audits."""
    day = datetime.timedelta(days=1)
    findings = {
        "draft": make_finding(world, state="draft", title="会计核算不规范"),
        "issued_green": make_finding(world, state="issued", deadline=TODAY + 60 * day),
        "issued_yellow": make_finding(world, state="issued", deadline=TODAY + 3 * day, title="公务接待超标准"),
        "rectifying_red": make_finding(world, state="rectifying", deadline=TODAY - 10 * day),
        "submitted": make_finding(world, state="submitted", deadline=TODAY + 30 * day),
        "closed": make_finding(world, state="closed"),
        "long_term": make_finding(world, state="long_term", deadline=TODAY + 200 * day, kind="long_term"),
        "sibling": make_finding(world, state="rectifying", unit=world.sibling_unit, deadline=TODAY + 5 * day),
        "other": make_finding(world, state="issued", unit=world.other_unit, deadline=TODAY + 90 * day),
        "fiscal": make_finding(world, state="issued", category=world.fiscal_category, deadline=TODAY + 40 * day),
        "cadre": make_finding(world, state="issued", project=world.cadre_project, deadline=TODAY + 50 * day),
        "district_b": make_finding(
            world,
            state="issued",
            actor=world["auditor_b"],
            project=world.project_b,
            unit=world.unit_b,
            deadline=TODAY + 20 * day,
        ),
    }
    # A plan and a delay explanation, so that no collection is empty.
    from rectify.rectification.services import explain_delay, submit_plan

    submit_plan(
        world["unit"],
        findings["rectifying_red"],
        measures="逐笔核对，限期清理",
        responsible_person="李四",
        planned_completion=TODAY + 30 * day,
        milestones=[("完成核对", TODAY + 10 * day)],
        delay_reason="挂账单位已撤销，需重新确认债务人",  # after its deadline: a plan says why
    )
    explain_delay(world["unit"], findings["issued_yellow"], reason="资金尚未到位", expected_completion=TODAY + 20 * day)
    return findings


@pytest.fixture
def wsgi_application():
    """The real WSGI stack, kept on the test's database connection (as Django's test client does)."""
    from rectify.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def django_settings(settings):
    """pytest-django's ``settings`` under another name (hypothesis has its own)."""
    return settings
