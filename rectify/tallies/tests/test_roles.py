"""For every role of the demo district, the figures read from the tallies equal the figures counted from
the findings the user's scope gives: the workbench's figures, its overview and its task counts, and the
dashboard's charts. A scope the tallies cannot express is counted from the findings (and said here)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Count
from django.test import override_settings

from rectify.accounts.models import User
from rectify.findings.scopes import summary_findings
from rectify.ledger import workbench
from rectify.ledger.dashboard import dashboard_data
from rectify.ledger.figures import ledger_figures
from rectify.ledger.landing import overview
from rectify.tallies.services import ensure_fresh

pytestmark = pytest.mark.django_db

ROLES = (
    "auditor", "auditlead", "unit", "unithead", "dept", "gov", "committee", "congress", "orgdept", "finance",
    "discipline", "inspector", "internal",
)  # fmt: skip


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    from rectify.accounts.reference import ensure_roles
    from rectify.demo.services import load_demo
    from rectify.findings.reference import ensure_reference_data

    with django_db_blocker.unblock(), override_settings(RECTIFY_DEMO_MODE=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        ensure_roles()
        ensure_reference_data()
        load_demo(findings=120)
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _amounts(value):
    """Money as numbers (SQLite may write a sum with more trailing zeros)."""
    if isinstance(value, dict):
        return {key: _amounts(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_amounts(item) for item in value]
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def _live_task_counts(user: User) -> dict[str, int]:
    tasks = workbench._tasks(user)
    base = workbench.Finding.objects.restrict(user)
    live = [task for task in tasks if task.condition is not workbench.NOTHING]
    counts = base.aggregate(**{task.key: Count("pk", filter=task.condition) for task in live}) if live else {}
    return {task.key: counts.get(task.key, 0) for task in tasks}


@pytest.mark.parametrize("username", ROLES)
def test_the_figures_from_the_tallies_equal_the_recount_of_the_scope(demo, username):
    ensure_fresh()
    user = User.objects.get(username=username)
    scope = workbench.figures_scope(user)
    findings = summary_findings(user)
    if username in ("auditor", "unit", "dept", "gov", "orgdept", "finance"):
        assert scope is not None, f"{username}'s figures are expected from the tallies"
    if scope is None:
        return  # counted from the findings: nothing to compare
    assert workbench.summary_figures(user) == ledger_figures(findings)
    assert overview(findings, with_links=True, tally_scope=scope) == overview(findings, with_links=True)
    tallied = dashboard_data(findings, with_rows=True, tally_scope=scope)
    counted = dashboard_data(findings, with_rows=True)
    for key in ("figures", "by_year", "by_state", "by_colour", "by_unit", "by_department", "amounts"):
        assert _amounts(tallied[key]) == _amounts(counted[key]), key
    key = lambda row: row["filter"]["category"]  # noqa: E731 (ties in count come in any order)
    assert sorted(tallied["by_category"], key=key) == sorted(counted["by_category"], key=key)


@pytest.mark.parametrize("username", ROLES)
def test_the_task_counts_equal_the_recount(demo, username):
    ensure_fresh()
    user = User.objects.get(username=username)
    assert {task.key: task.count for task in workbench.tasks_for(user)} == _live_task_counts(
        User.objects.get(username=username)
    )


def _filter_cases() -> list[dict]:
    """Ledger filters the tallies express, with values the demo holds (and one it does not)."""
    from rectify.findings.choices import FindingState
    from rectify.findings.models import Category, Finding
    from rectify.organizations.choices import OrganizationKind
    from rectify.organizations.models import Organization

    some = Finding.objects.order_by("pk").select_related("category").first()
    department = Organization.objects.filter(kind=OrganizationKind.COMPETENT_DEPARTMENT).order_by("pk").first()
    group = Category.objects.filter(parent__isnull=True).order_by("pk").first()
    return [
        {},
        {"year": str(some.year)},
        {"year": "1999"},
        {"state": [FindingState.RECTIFYING, FindingState.CLOSED]},
        {"unit": str(some.unit_id), "audit_type": some.project.type},
        {"department": str(department.pk)},
        {"category": str(group.pk)},
        {"category": str(some.category_id), "year": str(some.year)},
    ]


ROW_ROLES = [name for name in ROLES if name not in ("gov", "committee", "congress", "discipline")]  # see the ledger


@pytest.mark.parametrize("username", ROW_ROLES)
def test_the_ledger_figures_from_the_tallies_equal_the_recount_of_the_filtered_ledger(demo, username):
    from rectify.findings.filters import FindingFilterSet
    from rectify.findings.models import Finding
    from rectify.tallies.figures import tally_scope

    ensure_fresh()
    user = User.objects.get(username=username)
    for data in _filter_cases():
        filters = FindingFilterSet(data, queryset=Finding.objects.restrict(user))
        plain = filters.plain_q()
        assert plain is not None, data
        # The condition is the filters' own: the same findings.
        assert set(Finding.objects.restrict(user).filter(plain).values_list("pk", flat=True)) == set(
            filters.qs.values_list("pk", flat=True)
        ), data
        if username in ("auditor", "unit", "dept"):
            assert tally_scope(plain) is not None and tally_scope(workbench._view(user)) is not None
        assert workbench.filtered_figures(user, plain, filters.qs) == ledger_figures(filters.qs), data


def test_filters_the_tallies_do_not_keep_are_counted_from_the_findings(demo):
    from rectify.findings.filters import FindingFilterSet
    from rectify.findings.models import Finding

    user = User.objects.get(username="auditor")
    for data in ({"q": "资金"}, {"colour": ["red"]}, {"amount_min": "1000"}, {"repeat": "true"}, {"year": "x"}):
        assert FindingFilterSet(data, queryset=Finding.objects.restrict(user)).plain_q() is None, data


@pytest.mark.parametrize("username", ["auditor", "unit", "dept", "inspector", "internal"])
def test_the_api_list_count_is_exact_and_read_from_the_tallies_for_plain_filters(demo, username):
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rectify.findings.filters import FindingFilterSet
    from rectify.findings.models import Finding

    ensure_fresh()
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    for data in [*_filter_cases(), {"q": "资金"}, {"colour": ["red"]}]:
        expected = FindingFilterSet(data, queryset=Finding.objects.restrict(user)).qs.count()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/findings/?{urlencode(data, doseq=True)}")
        assert response.status_code == 200, data
        assert response.json()["count"] == expected, data
        counted_findings = [q["sql"] for q in queries if "COUNT(" in q["sql"] and 'FROM "findings_finding"' in q["sql"]]
        if username in ("auditor", "unit", "dept") and "q" not in data and "colour" not in data:
            assert counted_findings == [], data  # read from the tallies
        if "q" in data:
            assert counted_findings, data  # a keyword: counted by the database


@pytest.mark.parametrize("username", ["auditor", "dept", "gov", "orgdept"])
def test_the_filtered_dashboard_from_the_tallies_equals_the_recount(demo, username):
    from urllib.parse import urlencode

    from django.test import Client

    from rectify.findings.filters import FindingFilterSet
    from rectify.findings.scopes import sees_rows

    ensure_fresh()
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    tallied_any = False
    for data in _filter_cases():
        if not sees_rows(user):
            data = {
                key: value for key, value in data.items() if key in ("year", "audit_type", "department", "category")
            }
        filters = FindingFilterSet(data or None, queryset=summary_findings(user))
        scope = workbench.narrowed(workbench.figures_scope(user), filters.plain_q())
        tallied_any |= scope is not None
        shown = client.get(f"/dashboard/?{urlencode(data, doseq=True)}").context["data"]
        counted = dashboard_data(filters.qs, with_rows=sees_rows(user))
        if not sees_rows(user):
            from rectify.ledger.small_groups import suppress_small_groups

            counted = suppress_small_groups(counted)
        for key in ("figures", "by_year", "by_state", "by_colour", "by_unit", "by_department", "amounts"):
            assert _amounts(shown[key]) == _amounts(counted[key]), (data, key)
    if username in ("auditor", "dept", "gov"):
        assert tallied_any


@pytest.mark.parametrize("username", ["auditor", "unit", "dept"])
def test_the_ledger_row_count_is_read_from_the_tallies_and_equals_the_recount(demo, username):
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rectify.findings.filters import FindingFilterSet
    from rectify.findings.models import Finding

    ensure_fresh()
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    colours = [{"colour": ["red"]}, {"colour": ["yellow", "green"]}, {"colour": ["red"], "state": ["rectifying"]}]
    for data in [*_filter_cases(), *colours]:
        expected = FindingFilterSet(data, queryset=Finding.objects.restrict(user)).qs.count()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                f"/ledger/?{urlencode(data, doseq=True)}", headers={"HX-Request": "true", "HX-Target": "ledger-table"}
            )
        shown = response.content.decode().split('data-testid="ledger-count">')[1].split("</span>")[0]
        assert shown == f"共 {expected} 个问题", data
        counted = [q["sql"] for q in queries if "COUNT(" in q["sql"] and 'FROM "findings_finding"' in q["sql"]]
        assert counted == [], data  # read from the tallies


@pytest.mark.parametrize("username", ["auditor", "gov"])
def test_the_audit_offices_and_the_governments_dashboards_read_no_finest_row(demo, username):
    """Their scope (jurisdiction, internal, state) and each of the dashboard's filters are kept by the lean grains
    (the audit type by the broad ones): a province's dashboard sums a few thousand rows, not one per group."""
    import re
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rectify.tallies.models import Grain

    ensure_fresh()
    client = Client()
    client.force_login(User.objects.get(username=username))
    filters = _filter_cases()
    some, department, group = filters[1], filters[5], filters[6]
    unit, audit_type = {"unit": filters[4]["unit"]}, {"audit_type": filters[4]["audit_type"]}
    cases = {
        "": {Grain.LEAN, Grain.LEAN_YEAR, Grain.LEAN_GROUP, Grain.LEAN_UNIT},
        urlencode(some): {Grain.LEAN_YEAR, Grain.LEAN_YEAR_GROUP, Grain.LEAN_UNIT_YEAR},
        urlencode(group): {Grain.LEAN_CATEGORY, Grain.LEAN_CATEGORY_YEAR, Grain.LEAN_CATEGORY_UNIT},
        urlencode(department): {Grain.LEAN_UNIT, Grain.LEAN_UNIT_YEAR, Grain.LEAN_CATEGORY_UNIT},
        urlencode(audit_type): {Grain.BASE, Grain.YEAR, Grain.GROUP, Grain.UNIT},
    }
    if username == "auditor":  # who sees rows may filter by a unit or a state too
        cases[urlencode(unit)] = cases[urlencode(department)]
        cases[urlencode({"state": "closed"})] = cases[""]
    for query, grains in cases.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/dashboard/?{query}").status_code == 200
        read = {
            int(grain)
            for sql in (q["sql"] for q in queries)
            for grain in re.findall(r'"tallies_findingtally"\."grain" = (\d+)', sql)
        }
        # The years the filter offers are read from the rows by year of the jurisdictions.
        assert read - {Grain.LEAN_YEAR} == grains - {Grain.LEAN_YEAR} and Grain.UNIT_CATEGORY not in read, query
