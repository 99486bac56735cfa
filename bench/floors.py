"""The floors: for every measured page, the bare SQL (a raw cursor, no ORM, no template) that returns what
the page shows, so that each page's time is read as a multiple of PostgreSQL's own.

- A list page (the ledger, its filters and sorts, keyword search, the API list): one query returning the
  page of rows in the page's order, with its filters, in the user's scope (``ledger_rows``).
- A figures page (the dashboard, the workbench): the aggregate queries that give the same numbers
  (``figures_queries``, ``dashboard_queries``, ``workbench_queries``), run one after the other.
- A finding (its page, the API detail): the finding and what hangs off it (``finding_queries``).
- The export: every row of the scope with the exported columns, read through a server-side cursor.
- The import: the rows inserted with one multi-row INSERT per batch, in a transaction rolled back.

Where a finding's year and jurisdiction come from is the one thing the schema is expected to change:
today they are the project's (a join to ``audits_auditproject``); once the finding carries its own
``year`` and ``jurisdiction_id`` columns, the floors read them from the finding. ``Schema.detect()``
looks at the table; ``RECTIFY_BENCH_FLOOR_SCHEMA=project|finding`` forces one or the other.

Only the user's scope is resolved in Python (the ids of the jurisdictions and units it reaches, as the
application caches them per user); everything else is SQL, written here to be read.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field

FINDING = "findings_finding"
PROJECT = "audits_auditproject"
ORG = "organizations_organization"
CATEGORY = "findings_category"
REPORT = "rectification_progressreport"
VERIFICATION = "rectification_verification"

RUNNING = ("issued", "rectifying", "long_term")
REJECTED = ("not_rectified", "false_rectification")
AMOUNT_METHODS = (
    "amount_to_treasury",
    "amount_returned_to_source",
    "amount_revitalized",
    "amount_adjusted_in_accounts",
    "amount_losses_recovered",
    "amount_other",
)
WORKBENCH_ITEMS = 8  # rectify.ledger.workbench.ITEMS_SHOWN
TOP_UNITS = 15  # rectify.ledger.dashboard.TOP_UNITS


@dataclass(frozen=True)
class Schema:
    """Where the floors read a finding's year and jurisdiction: ``p.`` (the project) or ``f.`` (the finding)."""

    year: str = "p.year"
    jurisdiction: str = "p.jurisdiction_id"

    @classmethod
    def detect(cls) -> Schema:
        from django.db import connection

        forced = os.environ.get("RECTIFY_BENCH_FLOOR_SCHEMA", "")
        if forced == "project":
            return cls()
        with connection.cursor() as cursor:
            columns = {c.name for c in connection.introspection.get_table_description(cursor, FINDING)}
        if forced == "finding" or {"year", "jurisdiction_id"} <= columns:
            return cls(year="f.year", jurisdiction="f.jurisdiction_id")
        return cls()


@dataclass
class Scope:
    """The findings a user reaches, as a condition on ``f`` (the finding) and ``p`` (its project)."""

    sql: str
    params: list = field(default_factory=list)
    label: str = ""


def scope_for(user, schema: Schema, action: str = "view") -> Scope:
    """The user's scope (rectify.findings.scopes), for the roles the bench signs in as: an auditor of an
    audit office, a unit, a competent department, and the summary roles (the government...), who see the
    figures of every published finding in their jurisdiction."""
    from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
    from rectify.accounts.scopes import jurisdiction_ids, subordinate_unit_ids
    from rectify.findings.scopes import SUMMARY_ROLES

    roles = user.role_codes
    parts: list[tuple[str, list]] = []
    internal = "(p.type = 'internal_audit' AND p.audit_office_id = f.unit_id)"
    if roles & AUDIT_ROLES:
        if action == "act":
            parts.append((f"{schema.jurisdiction} = %s AND NOT {internal}", [user.organization.jurisdiction_id]))
        else:
            parts.append(
                (
                    f"{schema.jurisdiction} = ANY(%s) AND NOT ({internal} AND f.state = 'draft')",
                    [sorted(jurisdiction_ids(user))],
                )
            )
    if roles & UNIT_ROLES:
        parts.append(("f.unit_id = %s AND f.state <> 'draft'", [user.organization_id]))
    if RoleCode.DEPT_SUPERVISOR in roles and action == "view":
        parts.append(("f.unit_id = ANY(%s) AND f.state <> 'draft'", [sorted(subordinate_unit_ids(user))]))
    if roles & SUMMARY_ROLES and action == "view":
        parts.append((f"{schema.jurisdiction} = ANY(%s) AND f.state <> 'draft'", [sorted(jurisdiction_ids(user))]))
    if not parts:
        raise ValueError(f"no floor scope for {user.username} ({sorted(roles)})")
    sql = " OR ".join(f"({part})" for part, _params in parts)
    return Scope(f"f.deleted_at IS NULL AND ({sql})", [p for _part, params in parts for p in params])


def colour_sql(today: datetime.date, warning_days: int) -> tuple[str, list]:
    """The warning colour (rectify.findings.warning.colour_expression) as a CASE."""
    yellow_from = today + datetime.timedelta(days=warning_days)
    sql = (
        "CASE WHEN f.state = 'submitted' THEN 'green' "
        "WHEN f.state IN ('issued', 'rectifying', 'long_term') THEN "
        "  CASE WHEN f.deadline IS NULL THEN 'green' WHEN f.deadline < %s THEN 'red' "
        "       WHEN f.deadline <= %s THEN 'yellow' ELSE 'green' END "
        "ELSE '' END"
    )
    return sql, [today, yellow_from]


def colour_where(colour: str, today: datetime.date, warning_days: int) -> tuple[str, list]:
    """One colour as a condition (rectify.findings.warning.colour_q)."""
    running = "f.state IN ('issued', 'rectifying', 'long_term')"
    yellow_from = today + datetime.timedelta(days=warning_days)
    if colour == "red":
        return f"{running} AND f.deadline < %s", [today]
    if colour == "yellow":
        return f"{running} AND f.deadline >= %s AND f.deadline <= %s", [today, yellow_from]
    if colour == "green":
        return f"(f.state = 'submitted' OR ({running} AND (f.deadline IS NULL OR f.deadline > %s)))", [yellow_from]
    raise ValueError(colour)


@dataclass
class Floor:
    """One floor: the queries run one after the other, as a request would. ``rows`` names the query
    whose ids (its first column) are the rows the page shows, to check them against the page."""

    queries: list[tuple[str, list]]
    rows: int | None = None
    stream: bool = False  # read through a server-side cursor (the export)
    rollback: bool = False  # writes, undone at the end (the import)


def _filters(filters: dict, schema: Schema, today: datetime.date, warning_days: int) -> tuple[str, list]:
    """The ledger's filters the bench uses (rectify.findings.filters.FindingFilterSet)."""
    where, params = [], []
    for word in (filters.get("q") or "").split():
        like = f"%{word}%"
        where.append("(f.ledger_number ILIKE %s OR f.title ILIKE %s OR f.description ILIKE %s OR u.name ILIKE %s)")
        params += [like] * 4
    if filters.get("state"):
        where.append("f.state = ANY(%s)")
        params.append(list(filters["state"]))
    if filters.get("colour"):
        ors = []
        for colour in filters["colour"]:
            sql, more = colour_where(colour, today, warning_days)
            ors.append(f"({sql})")
            params += more
        where.append("(" + " OR ".join(ors) + ")")
    if filters.get("unit"):
        where.append("f.unit_id = %s")
        params.append(int(filters["unit"]))
    if filters.get("year"):
        where.append(f"{schema.year} = %s")
        params.append(int(filters["year"]))
    return "".join(f" AND {w}" for w in where), params


# The ledger's sorts (django-tables2's ?sort=, FindingTable) and the API's ?ordering= as ORDER BY.
SORTS = {
    "": "{year} DESC, f.ledger_number ASC",  # FindingTable.Meta.order_by and Finding.Meta.ordering
    "deadline": "f.deadline ASC",
    "-deadline": "f.deadline DESC",
    "amount_involved": "f.amount_involved ASC",
    "-amount_involved": "f.amount_involved DESC",
    "ledger_number": "f.ledger_number ASC",
}


def ledger_rows(
    scope: Scope,
    schema: Schema,
    filters: dict,
    *,
    sort: str = "",
    page: int = 1,
    per_page: int = 50,
    today: datetime.date,
    warning_days: int,
) -> Floor:
    """The page of rows the ledger (or the API list) shows: the columns of the ledger's default view."""
    where, params = _filters(filters, schema, today, warning_days)
    colour, colour_params = colour_sql(today, warning_days)
    order = SORTS[sort].format(year=schema.year)
    sql = (
        f"SELECT f.id, f.ledger_number, {schema.year} AS year, u.name AS unit, c.name AS category, f.title, "
        f"f.amount_involved, f.kind, f.deadline, f.state, {colour} AS colour "
        f"FROM {FINDING} f JOIN {PROJECT} p ON p.id = f.project_id JOIN {ORG} u ON u.id = f.unit_id "
        f"JOIN {CATEGORY} c ON c.id = f.category_id "
        f"WHERE {scope.sql}{where} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    return Floor([(sql, colour_params + scope.params + params + [per_page, (page - 1) * per_page])], rows=0)


def figures_queries(scope: Scope, schema: Schema, today: datetime.date, warning_days: int) -> list[tuple[str, list]]:
    """rectify.ledger.figures.ledger_figures: counts by state and colour with the money involved; the money
    of the counted report rounds by method; the money of each finding's latest verification."""
    base = f"FROM {FINDING} f JOIN {PROJECT} p ON p.id = f.project_id WHERE {scope.sql}"
    colours, colour_params = [], []
    for colour in ("red", "yellow", "green"):
        sql, more = colour_where(colour, today, warning_days)
        colours.append(f"count(*) FILTER (WHERE {sql}) AS {colour}")
        colour_params += more
    states = ", ".join(
        f"count(*) FILTER (WHERE f.state = '{s}') AS {s}"
        for s in ("draft", "issued", "rectifying", "submitted", "long_term", "closed")
    )
    counts = (
        f"SELECT count(*), {', '.join(colours)}, {states}, sum(f.amount_involved) {base}",
        colour_params + scope.params,
    )
    sums = ", ".join(f"sum(r.{m})" for m in AMOUNT_METHODS)
    rectified = (
        f"SELECT {sums} FROM {REPORT} r JOIN {FINDING} f ON f.id = r.finding_id "
        f"JOIN {PROJECT} p ON p.id = f.project_id "
        f"LEFT JOIN {VERIFICATION} v ON v.report_id = r.id "
        f"WHERE r.deleted_at IS NULL AND (v.verdict IS NULL OR v.verdict <> ALL(%s)) AND {scope.sql}",
        [list(REJECTED), *scope.params],
    )
    verified = (
        f"SELECT sum(latest.verified_amount) FROM (SELECT DISTINCT ON (v.finding_id) v.verified_amount "
        f"FROM {VERIFICATION} v JOIN {FINDING} f ON f.id = v.finding_id JOIN {PROJECT} p ON p.id = f.project_id "
        f"WHERE v.deleted_at IS NULL AND {scope.sql} "
        f"ORDER BY v.finding_id, v.verified_at DESC, v.id DESC) latest",
        scope.params,
    )
    return [counts, rectified, verified]


def dashboard_queries(
    scope: Scope, schema: Schema, today: datetime.date, warning_days: int, *, with_rows: bool = True
) -> Floor:
    """rectify.ledger.dashboard.dashboard_data: the figures, then by year, by category, the top units,
    the counts per unit (summed up the department tree in Python, as the page does) and the ten most
    overdue findings (for those who see rows)."""
    base = f"FROM {FINDING} f JOIN {PROJECT} p ON p.id = f.project_id WHERE {scope.sql}"
    counted = "count(*), count(*) FILTER (WHERE f.state <> 'draft'), count(*) FILTER (WHERE f.state = 'closed')"
    queries = figures_queries(scope, schema, today, warning_days)
    queries += [
        (f"SELECT {schema.year}, {counted} {base} GROUP BY 1 ORDER BY 1", scope.params),
        (
            f"SELECT c.parent_id, pc.name, {counted}, sum(f.amount_involved) FROM {FINDING} f "
            f"JOIN {PROJECT} p ON p.id = f.project_id JOIN {CATEGORY} c ON c.id = f.category_id "
            f"LEFT JOIN {CATEGORY} pc ON pc.id = c.parent_id WHERE {scope.sql} GROUP BY 1, 2 ORDER BY 3 DESC",
            scope.params,
        ),
        (
            f"SELECT f.unit_id, u.name, {counted} FROM {FINDING} f JOIN {PROJECT} p ON p.id = f.project_id "
            f"JOIN {ORG} u ON u.id = f.unit_id WHERE {scope.sql} GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT {TOP_UNITS}",
            scope.params,
        ),
        (f"SELECT f.unit_id, {counted} {base} GROUP BY 1", scope.params),
    ]
    if with_rows:
        red, red_params = colour_where("red", today, warning_days)
        queries.append(
            (
                f"SELECT f.id, f.ledger_number, f.title, u.name, f.deadline FROM {FINDING} f "
                f"JOIN {PROJECT} p ON p.id = f.project_id JOIN {ORG} u ON u.id = f.unit_id "
                f"WHERE {scope.sql} AND {red} ORDER BY f.deadline LIMIT 10",
                scope.params + red_params,
            )
        )
    return Floor(queries)


def workbench_queries(
    scope: Scope, acting: Scope | None, schema: Schema, today: datetime.date, warning_days: int
) -> Floor:
    """rectify.ledger.workbench: the figures of the scope, then the tasks. The tasks' floor is their
    plain part: the count of each state and of the red findings in the scope the user acts in, and the
    first WORKBENCH_ITEMS findings of each (by deadline), in one query each; the page's finer conditions
    (a report not yet verified, a live delay explanation, a return) add lookups this floor leaves out."""
    queries = figures_queries(scope, schema, today, warning_days)
    tasks = acting or scope
    red, red_params = colour_where("red", today, warning_days)
    base = f"FROM {FINDING} f JOIN {PROJECT} p ON p.id = f.project_id WHERE {tasks.sql}"
    states = ", ".join(
        f"count(*) FILTER (WHERE f.state = '{s}')" for s in ("draft", "issued", "rectifying", "submitted", "long_term")
    )
    queries.append((f"SELECT {states}, count(*) FILTER (WHERE {red}) {base}", red_params + tasks.params))
    queries.append(
        (
            f"SELECT * FROM (SELECT f.id, f.ledger_number, f.title, u.name, f.deadline, f.state, "
            f"row_number() OVER (PARTITION BY CASE WHEN {red} THEN 'red' ELSE f.state END "
            f"ORDER BY f.deadline NULLS LAST, f.id) AS n "
            f"FROM {FINDING} f JOIN {PROJECT} p ON p.id = f.project_id JOIN {ORG} u ON u.id = f.unit_id "
            f"WHERE {tasks.sql} AND f.state <> 'closed') ranked WHERE n <= {WORKBENCH_ITEMS}",
            red_params + tasks.params,
        )
    )
    return Floor(queries)


def finding_queries(finding_id: int, scope: Scope, *, page: bool = True) -> Floor:
    """A finding in the user's scope with its project, unit and category; its requirements; and, for its
    page, its report rounds with their verifications and its timeline (the API detail: the requirements
    and the repeats)."""
    queries = [
        (
            f"SELECT f.*, p.name, p.year, u.name, c.name, pc.name FROM {FINDING} f "
            f"JOIN {PROJECT} p ON p.id = f.project_id JOIN {ORG} u ON u.id = f.unit_id "
            f"JOIN {CATEGORY} c ON c.id = f.category_id LEFT JOIN {CATEGORY} pc ON pc.id = c.parent_id "
            f"WHERE f.id = %s AND {scope.sql}",
            [finding_id, *scope.params],
        ),
        (
            "SELECT * FROM findings_requirement WHERE finding_id = %s AND deleted_at IS NULL ORDER BY number",
            [finding_id],
        ),
    ]
    if page:
        queries += [
            (
                f"SELECT r.*, v.* FROM {REPORT} r LEFT JOIN {VERIFICATION} v ON v.report_id = r.id "
                f"WHERE r.finding_id = %s ORDER BY r.round",
                [finding_id],
            ),
            ("SELECT * FROM findings_findingevent WHERE finding_id = %s ORDER BY at, id", [finding_id]),
        ]
    else:
        queries.append(("SELECT to_finding_id FROM findings_finding_repeats WHERE from_finding_id = %s", [finding_id]))
    return Floor(queries)


def export_rows(scope: Scope, schema: Schema) -> Floor:
    """Every row of the scope with what the Excel ledger exports (rectify.exchange.services.ledger_rows): the
    finding's columns, its requirements, its plan, the money of its counted report rounds and its latest
    progress; read through a server-side cursor, not written to a file."""
    sums = ", ".join(f"sum(r.{m})" for m in AMOUNT_METHODS)
    sql = (
        f"SELECT f.id, f.ledger_number, {schema.year}, p.name, p.report_number, u.name, c.name, pc.name, f.title, "
        f"f.description, f.legal_basis, f.amount_involved, f.kind, f.deadline, f.state, f.disclosure, "
        f"f.rectified_during_audit, f.issued_at, f.closed_at, "
        f"(SELECT string_agg(q.text, E'\\n' ORDER BY q.number) FROM findings_requirement q "
        f" WHERE q.finding_id = f.id AND q.deleted_at IS NULL), "
        f"pl.responsible_person, pl.measures, rp.* "
        f"FROM {FINDING} f JOIN {PROJECT} p ON p.id = f.project_id JOIN {ORG} u ON u.id = f.unit_id "
        f"JOIN {CATEGORY} c ON c.id = f.category_id LEFT JOIN {CATEGORY} pc ON pc.id = c.parent_id "
        f"LEFT JOIN rectification_plan pl ON pl.finding_id = f.id "
        f"LEFT JOIN LATERAL (SELECT {sums}, (array_agg(r.progress ORDER BY r.round DESC))[1] "
        f" FROM {REPORT} r LEFT JOIN {VERIFICATION} v ON v.report_id = r.id "
        f" WHERE r.finding_id = f.id AND r.deleted_at IS NULL AND (v.verdict IS NULL OR v.verdict <> ALL(%s))) rp "
        f"ON true WHERE {scope.sql} ORDER BY {SORTS[''].format(year=schema.year)}"
    )
    return Floor([(sql, [list(REJECTED), *scope.params])], stream=True)


def import_rows(
    count: int, *, project_id: int, unit_ids: list[int], category_id: int, user_id: int, year: int, jurisdiction_id: int
) -> Floor:
    """``count`` new findings of one project with two requirements each, written by multi-row INSERTs
    (1,000 rows a statement) and rolled back: the rows the import of a file of ``count`` rows writes,
    without its checks, events and history."""
    # The finding's copies of its project's year and jurisdiction and its money columns (no default in the
    # database) are written too: the import writes them.
    money = ", ".join(f"rectified_{method.removeprefix('amount_')}" for method in AMOUNT_METHODS)
    columns = (
        "created, last_updated, ledger_number, sequence, title, description, legal_basis, amount_involved, kind, "
        "deadline, disclosure, rectified_during_audit, involves_fiscal_funds, state, category_id, created_by_id, "
        f"project_id, unit_id, version, year, jurisdiction_id, {money}, amount_verified"
    )
    zeros = ", ".join(["0"] * (len(AMOUNT_METHODS) + 1))
    queries = []
    for first in range(0, count, 1000):
        size = min(1000, count - first)
        values = ", ".join(["(now(), now(), %s, %s, %s, %s, '', %s, 'immediate', %s, 'public', false, false, "
                            f"'draft', %s, %s, %s, %s, 1, %s, %s, {zeros})"] * size)  # fmt: skip
        params: list = []
        for n in range(first, first + size):
            params += [
                f"FLOOR-{project_id}-{n:06d}", 900000 + n, f"导入问题{n}：结余资金未上缴",
                f"第{n}号导入问题：项目结余资金{n % 97 + 1}万元未按规定上缴财政。", f"{n * 7 % 100000}.50",
                datetime.date(2026, 12, 31), category_id, user_id, project_id, unit_ids[n % len(unit_ids)],
                year, jurisdiction_id,
            ]  # fmt: skip
        queries.append((f"WITH made AS (INSERT INTO {FINDING} ({columns}) VALUES {values} RETURNING id) "
                        "INSERT INTO findings_requirement (created, last_updated, finding_id, number, text) "
                        "SELECT now(), now(), id, n, CASE n WHEN 1 THEN '上缴结余资金' ELSE '完善结余资金管理制度' END "
                        "FROM made CROSS JOIN (VALUES (1), (2)) AS numbers(n)", params))  # fmt: skip
    return Floor(queries, rollback=True)


def run_floor(floor: Floor) -> list | None:
    """Runs the floor's queries on Django's connection (a raw cursor); the ids of its rows query, if any."""
    from django.db import connection, transaction

    ids = None
    if floor.stream:
        with transaction.atomic(), connection.connection.cursor(name="bench_floor") as cursor:
            cursor.itersize = 2000
            (sql, params) = floor.queries[0]
            cursor.execute(sql, params)
            count = sum(1 for _row in cursor)
        return [count]
    if floor.rollback:
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, params in floor.queries:
                cursor.execute(sql, params)
            transaction.set_rollback(True)
        return None
    with connection.cursor() as cursor:
        for number, (sql, params) in enumerate(floor.queries):
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if number == floor.rows:
                ids = [row[0] for row in rows]
    return ids
