"""The bench's floors (bench/floors.py) return what the pages show: the ledger's rows in its order, with its
filters and in the user's scope, and the figures' numbers. PostgreSQL only (the floors are its SQL)."""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings

from rectify.accounts.models import User
from rectify.findings.models import Finding
from rectify.findings.warning import local_today
from rectify.ledger.figures import ledger_figures

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
import floors

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the floors are PostgreSQL SQL")
LINK = re.compile(r'href="/findings/(\d+)/"')


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker, tmp_path_factory):
    from rectify.demo.services import load_demo

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=fast,
            AXES_ENABLED=False,
            RECTIFY_DEMO_MODE=True,
        ),  # fmt: skip
    ):
        with transaction.atomic():
            load_demo(findings=200)
            yield
            transaction.set_rollback(True)


def shown(client: Client, url: str) -> list[int]:
    ids: list[int] = []
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    for match in LINK.finditer(response.content.decode()):
        if int(match.group(1)) not in ids:
            ids.append(int(match.group(1)))
    return ids


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["auditor", "unit", "dept"])
@pytest.mark.parametrize(
    ("url", "filters", "options"),
    [
        ("/ledger/?per_page=20", {}, {"per_page": 20}),
        ("/ledger/?per_page=20&page=2", {}, {"per_page": 20, "page": 2}),
        ("/ledger/?state=rectifying&state=long_term", {"state": ["rectifying", "long_term"]}, {}),
        ("/ledger/?q=资金", {"q": "资金"}, {}),
        ("/ledger/?sort=ledger_number&per_page=20", {}, {"sort": "ledger_number", "per_page": 20}),
    ],
)
def test_ledger_floor_returns_the_rows_the_page_shows(demo_district, username, url, filters, options):
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    schema = floors.Schema.detect()
    floor = floors.ledger_rows(
        floors.scope_for(user, schema), schema, filters, today=local_today(),
        warning_days=settings.RECTIFY_WARNING_DAYS, **options,
    )  # fmt: skip
    rows = floors.run_floor(floor)
    assert rows  # the demo gives every user some rows here
    assert shown(client, url) == rows


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["auditor", "unit", "dept", "gov"])
def test_figures_floor_gives_the_numbers_of_the_figures(demo_district, username):
    from rectify.findings.scopes import summary_findings

    user = User.objects.get(username=username)
    figures = ledger_figures(summary_findings(user))
    schema = floors.Schema.detect()
    queries = floors.figures_queries(
        floors.scope_for(user, schema), schema, local_today(), settings.RECTIFY_WARNING_DAYS
    )
    results = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            results.append(cursor.fetchone())
    counts, rectified, verified = results
    assert counts[0] == figures["total"]
    assert list(counts[1:4]) == [figures["colours"][c] for c in ("red", "yellow", "green")]
    assert (counts[-1] or Decimal("0")) == figures["amount_involved"]
    assert sum(value or Decimal("0") for value in rectified) == figures["amount_rectified"]
    assert (verified[0] or Decimal("0")) == figures["amount_verified"]


@pytest.mark.django_db
def test_the_floor_schema_is_the_project_join_until_the_finding_has_its_own_columns(demo_district):
    columns = {f.column for f in Finding._meta.concrete_fields}
    schema = floors.Schema.detect()
    assert (schema.year == "f.year") == ({"year", "jurisdiction_id"} <= columns)
