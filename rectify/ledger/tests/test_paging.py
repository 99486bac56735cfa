"""A ledger page over several jurisdictions, merged from each jurisdiction's walk (``findings.paging``),
lists the same findings in the same order as the plain slice, on the web ledger and in the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectify.audits.choices import AuditType
from rectify.findings.models import Finding
from rectify.findings.paging import in_default_order, mergeable, merged_page
from rectify.ledger.workbench import ledger_jurisdictions
from rectify.testing import PASSWORD, api_token, make_finding, make_project

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="ordered UNION branches")


@pytest.fixture
def two_districts(world):
    """25 findings of the city's two districts, their years and numbers interleaved."""
    projects = [
        make_project(world, world.office_a, [world.unit], AuditType.BUDGET_EXECUTION, year=2023),
        make_project(world, world.office_b, [world.unit_b], AuditType.BUDGET_EXECUTION, year=2024),
        world.project,
        world.project_b,
    ]
    for n in range(25):
        project = projects[n % len(projects)]
        unit = world.unit if project.jurisdiction_id == world.district_a.pk else world.unit_b
        auditor = world["auditor"] if unit == world.unit else world["auditor_b"]
        make_finding(world, state="issued", actor=auditor, project=project, unit=unit, title=f"问题{n}")
    return Finding.objects.restrict(world["city_auditor"])


def _sliced(queryset, start, stop) -> list[int]:
    return list(queryset.values_list("pk", flat=True)[start:stop])


def test_the_city_auditors_ledger_spans_both_districts_by_the_tallies(world, two_districts):
    assert ledger_jurisdictions(world["city_auditor"]) == sorted([world.district_a.pk, world.district_b.pk])
    assert ledger_jurisdictions(world["auditor"]) == [world.district_a.pk]
    assert in_default_order(two_districts) and not in_default_order(two_districts.order_by("deadline"))


@postgresql_only
@pytest.mark.parametrize(("start", "stop"), [(0, 3), (2, 9), (20, 25), (0, 100), (7, 7)])
def test_a_merged_page_is_the_slice(world, two_districts, start, stop):
    jurisdictions = ledger_jurisdictions(world["city_auditor"])
    assert mergeable(two_districts, jurisdictions)
    merged = [finding.pk for finding in merged_page(two_districts.with_colour(), jurisdictions, start, stop)]
    assert merged == _sliced(two_districts, start, stop)


def test_a_merge_is_not_tried_off_postgresql_in_another_order_or_for_one_jurisdiction(world, two_districts):
    both = ledger_jurisdictions(world["city_auditor"])
    assert not mergeable(two_districts.order_by("deadline"), both)
    assert not mergeable(two_districts, both[:1])
    assert mergeable(two_districts, both) == (connection.vendor == "postgresql")


def _ledger_ids(client, user, url: str) -> tuple[list[int], list[str]]:
    assert client.login(username=user.username, password=PASSWORD)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url, headers={"HX-Request": "true", "HX-Target": "ledger-table"}).content.decode()
    ids = [int(part.split("/")[0]) for part in html.split('href="/findings/')[1:]]
    return list(dict.fromkeys(ids)), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("page", [1, 2])
def test_the_city_auditors_ledger_pages_are_the_slices(client, world, two_districts, page):
    ids, sql = _ledger_ids(client, world["city_auditor"], f"/ledger/?per_page=20&page={page}")
    assert ids == _sliced(two_districts, (page - 1) * 20, page * 20)
    merged = any("UNION ALL" in statement for statement in sql)
    assert merged == (connection.vendor == "postgresql")


def test_a_sorted_or_single_district_ledger_is_sliced(client, world, two_districts):
    ids, sql = _ledger_ids(client, world["city_auditor"], "/ledger/?sort=deadline&per_page=20")
    assert ids == _sliced(two_districts.order_by("deadline"), 0, 20)
    assert not any("UNION ALL" in statement for statement in sql)
    ids, sql = _ledger_ids(client, world["auditor"], "/ledger/?per_page=20")
    assert ids == _sliced(Finding.objects.restrict(world["auditor"]), 0, 20)
    assert not any("UNION ALL" in statement for statement in sql)


def test_the_api_pages_are_the_slices(client, world, two_districts):
    headers = {"Authorization": f"Token {api_token(world['city_auditor'])}"}
    for page in (1, 2, 3):
        body = client.get(f"/api/findings/?page_size=10&page={page}", headers=headers).json()
        assert [row["id"] for row in body["results"]] == _sliced(two_districts, (page - 1) * 10, page * 10)
        assert body["count"] == 25


def test_a_scope_the_tallies_cannot_express_is_sliced(client, world, two_districts):
    """The discipline commission sees the findings a referral cites (a list of ids): no jurisdictions from the
    tallies, so the page is the plain slice, not an empty one."""
    from rectify.referrals.tests.helpers import drafted, falsified, sent

    cited = falsified(world)
    sent(world, drafted(world, cited))
    assert ledger_jurisdictions(world["discipline"]) is None
    ids, _sql = _ledger_ids(client, world["discipline"], "/ledger/")
    assert ids == [cited.pk]
    headers = {"Authorization": f"Token {api_token(world['discipline'])}"}
    assert [row["id"] for row in client.get("/api/findings/", headers=headers).json()["results"]] == [cited.pk]


def test_a_keyword_search_over_the_city_is_merged_and_lists_the_slice(client, world, two_districts):
    """A city's scope is small enough to be read row by row (the scan plan): its pages are merged too, each
    branch testing the words, and list what the plain search lists."""
    ids, sql = _ledger_ids(client, world["city_auditor"], "/ledger/?q=问题1&per_page=20")
    expected = _sliced(two_districts.filter(title__contains="问题1"), 0, 20)
    assert ids == expected and len(expected) == 11  # 问题1 and 问题10 to 问题19
    assert any("UNION ALL" in statement for statement in sql) == (connection.vendor == "postgresql")
