"""Server time of the pages, per role, each beside its floor: p50 and p95 of the page over RUNS requests, and
in the same run the p95 of the bare SQL that returns what the page shows (bench/floors.py), and the ratio.

Pages: the ledger (unfiltered, colour=red&sort=deadline, a state filter, page 3, a unit filter), keyword
search (?q=资金), the API list (?page_size=50) and detail, the workbench, the dashboard and the finding
page; with ``RECTIFY_BENCH_ALL_PAGES=1`` also the projects, a project, an organization, a closed finding and
a finding's print (with the bench's general bound of 300 ms and no floor). The list pages' rows are checked
against the floor's: "=" the same rows in the same order, "set" the same rows in another order (ties of the
sort), "≠" different rows.

On the demo district (``make bench``): auditor, unit, dept and gov. With ``make bench SCALE=N`` (see run.py),
the generated province's accounts: the auditors of the province (who sees everything), of a city and of
a district, that district's unit and department, and the governments of the province and the district.

Each page: one warm-up request, then RUNS (15) requests, or as many as fit in BUDGET seconds (at least
MIN_RUNS); the floor the same way. ``RECTIFY_BENCH_RUNS`` and ``RECTIFY_BENCH_BUDGET`` override them.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import floors
import summary

RUNS = int(os.environ.get("RECTIFY_BENCH_RUNS", "15"))
MIN_RUNS = 5
BUDGET = float(os.environ.get("RECTIFY_BENCH_BUDGET", "30"))
FINDING_LINK = re.compile(r'href="/findings/(\d+)/"')


def _scaled() -> bool:
    return bool(os.environ.get("SCALE") or os.environ.get("RECTIFY_BENCH_SCALE"))


# Parts of addresses to measure alone (RECTIFY_BENCH_PAGES="/ledger/,/api/"); every page when empty.
ONLY_URLS = [part for part in os.environ.get("RECTIFY_BENCH_PAGES", "").split(",") if part]


class _SqlClock:
    """The time a request spends in the database: every query's execution, summed (an execute wrapper)."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def _timed(call) -> tuple[list[float], object]:
    """Milliseconds of RUNS calls (after one warm-up), bounded by BUDGET seconds; the last result."""
    result = call()
    timings: list[float] = []
    began = time.perf_counter()
    while len(timings) < RUNS and (len(timings) < MIN_RUNS or time.perf_counter() - began < BUDGET):
        started = time.perf_counter()
        result = call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings, result


class Case:
    """One page for one user: its address, its kind (summary.TARGETS) and its floor (or None)."""

    def __init__(self, label: str, url: str, kind: str, floor: floors.Floor | None = None, api: bool = False):
        self.label, self.url, self.kind, self.floor, self.api = label, url, kind, floor, api


def _cases(user) -> list[Case]:
    from django.conf import settings

    from rectify.findings.models import Finding
    from rectify.findings.scopes import sees_rows
    from rectify.findings.warning import local_today

    schema = floors.Schema.detect()
    today, days = local_today(), settings.RECTIFY_WARNING_DAYS
    scope = floors.scope_for(user, schema)
    try:
        acting = floors.scope_for(user, schema, "act")
    except ValueError:
        acting = None
    workbench = floors.workbench_queries(scope, acting, schema, today, days)
    if not sees_rows(user):  # figures only (the government, the committee): no ledger, no finding pages
        return [
            Case("/workbench/", "/workbench/", "figures", workbench),
            Case(
                "/dashboard/",
                "/dashboard/",
                "figures",
                floors.dashboard_queries(scope, schema, today, days, with_rows=False),
            ),
        ]

    def rows(filters=None, **kwargs) -> floors.Floor:
        return floors.ledger_rows(scope, schema, filters or {}, today=today, warning_days=days, **kwargs)

    visible = Finding.objects.restrict(user)
    finding = visible.exclude(state="draft").order_by("-pk").first()
    cases = [
        Case("/workbench/", "/workbench/", "figures", workbench),
        Case("/ledger/", "/ledger/", "list", rows()),
        Case(
            "/ledger/?colour=red&sort=deadline",
            "/ledger/?colour=red&sort=deadline",
            "list",
            rows({"colour": ["red"]}, sort="deadline"),
        ),
        Case(
            "/ledger/?state=rectifying&state=long_term",
            "/ledger/?state=rectifying&state=long_term",
            "list",
            rows({"state": ["rectifying", "long_term"]}),
        ),
        Case("/ledger/?page=3", "/ledger/?page=3", "list", rows(page=3)),
    ]
    if finding:
        cases.append(
            Case("/ledger/?unit=<id>", f"/ledger/?unit={finding.unit_id}", "list", rows({"unit": finding.unit_id}))
        )
    cases += [
        Case("/ledger/?q=资金", "/ledger/?q=资金", "search", rows({"q": "资金"})),
        Case("/api/findings/?page_size=50", "/api/findings/?page_size=50", "list", rows(), api=True),
        Case("/dashboard/", "/dashboard/", "figures", floors.dashboard_queries(scope, schema, today, days)),
    ]
    if finding:
        cases += [
            Case("/findings/<id>/", f"/findings/{finding.pk}/", "finding", floors.finding_queries(finding.pk, scope)),
            Case(
                "/api/findings/<id>/",
                f"/api/findings/{finding.pk}/",
                "finding",
                floors.finding_queries(finding.pk, scope, page=False),
                api=True,
            ),
        ]
    if os.environ.get("RECTIFY_BENCH_ALL_PAGES"):
        cases += _other_pages(user, finding)
    return cases


def _other_pages(user, finding) -> list[Case]:
    from rectify.audits.models import AuditProject
    from rectify.findings.models import Finding
    from rectify.organizations.models import Organization

    cases = [Case("/projects/", "/projects/", "page")]
    closed = Finding.objects.restrict(user).filter(state="closed").order_by("-pk").first()
    project = AuditProject.objects.restrict(user).order_by("-year").first()
    if finding:
        cases.append(Case("/findings/<id>/print/", f"/findings/{finding.pk}/print/", "page"))
    if closed:
        cases.append(Case("/findings/<closed>/", f"/findings/{closed.pk}/", "finding"))
    if project:
        cases.append(Case("/projects/<id>/", f"/projects/{project.pk}/", "page"))
    if Organization.objects.restrict(user).filter(pk=user.organization_id).exists():
        cases.append(Case("/organizations/<own>/", f"/organizations/{user.organization_id}/", "page"))
    return cases


def _shown_ids(case: Case, response) -> list[int] | None:
    """The ids of the rows the page shows, in its order (the list pages only)."""
    if case.kind not in ("list", "search"):
        return None
    if case.api:
        return [row["id"] for row in response.json()["results"]]
    ids: list[int] = []
    for match in FINDING_LINK.finditer(response.content.decode()):
        pk = int(match.group(1))
        if pk not in ids:
            ids.append(pk)
    return ids


def _check(shown: list[int] | None, floor_ids: list | None) -> str:
    if shown is None or floor_ids is None:
        return ""
    if shown == floor_ids:
        return "="
    if sorted(shown) == sorted(floor_ids):
        return "set"
    return f"≠ ({len(shown)} vs {len(floor_ids)})"


def _usernames() -> list[str]:
    from rectify.accounts.models import User

    if not _scaled():
        return ["auditor", "unit", "dept", "gov"]
    from rectify.generate.province import PROVINCE

    top = PROVINCE[1].lower()
    district = User.objects.filter(username__endswith="_unit").order_by("username").first().username[:-5]
    city = district[: len(top) + 2]
    wanted = [f"{top}_auditor", f"{city}_auditor", f"{district}_auditor", f"{district}_unit", f"{district}_dept"]
    wanted += [f"{top}_gov", f"{district}_gov"]
    if os.environ.get("RECTIFY_BENCH_USERS"):  # a comma-separated subset, e.g. "sy_auditor,sy0101_dept"
        wanted = os.environ["RECTIFY_BENCH_USERS"].split(",")
    return [name for name in wanted if User.objects.filter(username=name).exists()]


def run() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from rectify.accounts.models import User
    from rectify.core.collector import settle
    from rectify.findings.models import Finding

    started = time.perf_counter()
    if _scaled():
        print(f"generated province: {Finding.objects.count()} findings")
    else:
        call_command("demo", once=True, verbosity=0)
        print(f"demo district ready in {time.perf_counter() - started:.1f} s; findings: {Finding.objects.count()}")
    postgres = connection.vendor == "postgresql"
    if not postgres:
        print("floors: not on SQLite (they are PostgreSQL SQL); set DATABASE_URL to a PostgreSQL database")
    settings_note = ""
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit'), current_setting('work_mem'), version()")
            jit, work_mem, version = cursor.fetchone()
        settings_note = f"; {version.split(' on ')[0]}, jit {jit}, work_mem {work_mem} (the pages' and the floors')"
    print(f"floor schema: {floors.Schema.detect()}{settings_note}")
    print(f"{RUNS} runs per page (or {BUDGET:.0f} s, at least {MIN_RUNS}) after one warm-up; the floor likewise")
    settle()  # as rectify.wsgi does in a serving process
    for username in _usernames():
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)  # the sign-in lockout (django-axes) needs a request that login() does not pass
        print(f"-- {username} ({', '.join(sorted(user.role_codes))}; {user.organization})", flush=True)
        for case in _cases(user):
            if ONLY_URLS and not any(part in case.url for part in ONLY_URLS):
                continue
            sql_times: list[float] = []

            def get(case=case, client=client, sql_times=sql_times):
                clock = _SqlClock()
                with connection.execute_wrapper(clock):
                    response = client.get(case.url)
                sql_times.append(clock.ms)
                assert response.status_code == 200, (case.url, response.status_code)
                return response

            timings, response = _timed(get)
            p50, p95 = statistics.median(timings), summary.percentile(timings, 0.95)
            sql_p95 = summary.percentile(sql_times[1:], 0.95)  # the warm-up's left out, as for the timings
            floor_p95 = ratio = None
            check = ""
            if case.floor is not None and postgres:
                floor_timings, floor_ids = _timed(lambda case=case: floors.run_floor(case.floor))
                floor_p95 = summary.percentile(floor_timings, 0.95)
                ratio = p95 / floor_p95 if floor_p95 else None
                check = _check(_shown_ids(case, response), floor_ids)
            target, status = summary.verdict(case.kind, p95, floor_p95)
            floor_text = f"floor p95 {floor_p95:7.1f} ms  ×{ratio:5.1f}" if floor_p95 is not None else " " * 27
            sql_ratio = sql_p95 / floor_p95 if floor_p95 else None
            sql_text = f"sql p95 {sql_p95:6.1f} ms" + (f" ×{sql_ratio:5.1f}" if sql_ratio is not None else "")
            print(
                f"{case.url[:55]:55s} p50 {p50:7.1f}  p95 {p95:7.1f} ms  {floor_text}  {sql_text}  "
                f"{target:22s} {status} {check}",
                flush=True,
            )
            summary.record(
                page=case.label, who=username, p50=p50, p95=p95, floor_p95=floor_p95, ratio=ratio,
                sql_p95=sql_p95, sql_ratio=sql_ratio, target=target, status=status, check=check, runs=len(timings),
            )  # fmt: skip
