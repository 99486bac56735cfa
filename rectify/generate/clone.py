"""Districts cloned from template districts, in SQL (PostgreSQL): how a province of a million findings is
written in minutes.

A few districts (the templates) are built for real, story by story, through the services' row builders
(builder.py). Every other district is a copy of one of them, made by the database from staging copies of
the template's rows (``INSERT … SELECT``), with:

- its own jurisdiction, organizations and accounts, built by the real builder (its own names, codes,
  people), and every reference to the template's remapped to them;
- new ids: each table's ids moved by a block reserved on its sequence, so references stay exact;
- its place names in every text (江州市涪城区 → 临川市石桥县, 涪城审〔2024〕3号 → 石桥审〔2024〕3号), its code in
  the ledger numbers;
- the findings' amounts multiplied by a whole factor drawn per finding (1, 2 or 3, so the reports' and
  verifications' amounts still add up exactly), the same factor applied to the amounts in their texts;
- the findings' titles and descriptions varied again (texts.vary: other wordings, counts, amounts), so
  the province's findings do not repeat one district's texts word for word;
- every date moved back by the same whole number of weeks (0 to 3), so the order of events and the
  weekdays stay.

Deterministic: a clone depends on the seed, its index and its template's rows, which the seed fixes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models
from simple_history.utils import get_history_model_for_model

from rectify.accounts.models import User
from rectify.audits.models import AuditProject
from rectify.demo import district as D
from rectify.findings.models import Finding
from rectify.generate import texts
from rectify.generate.province import Place
from rectify.organizations.models import Jurisdiction, Organization

LOCK = 0x52454354  # the advisory lock under which id blocks are reserved

# The tables a district's findings fill, with the column that leads to the finding (or the project) a row
# belongs to, in the order they are copied (their foreign keys are deferred: the order is for reading).
# (label, how the staging copy finds the template's rows, the owning finding's id in it)
_OWNED = [
    ("audits.AuditProject", "jurisdiction_id = %(district)s", "NULL::bigint"),
    ("findings.Finding", "project_id IN (SELECT id FROM {audits_auditproject})", "t.id"),
    ("findings.Requirement", "finding_id IN (SELECT id FROM {findings_finding})", "t.finding_id"),
    ("findings.FindingEvent", "finding_id IN (SELECT id FROM {findings_finding})", "t.finding_id"),
    ("rectification.Plan", "finding_id IN (SELECT id FROM {findings_finding})", "t.finding_id"),
    ("rectification.ProgressReport", "finding_id IN (SELECT id FROM {findings_finding})", "t.finding_id"),
    ("rectification.Verification", "finding_id IN (SELECT id FROM {findings_finding})", "t.finding_id"),
]
# Rows reached through a parent copied before: (label, column, parent label).
_CHILDREN = [
    ("rectification.Milestone", "plan_id", "rectification.Plan"),
    ("rectification.AdoptedRule", "report_id", "rectification.ProgressReport"),
    ("rectification.AccountabilityRecord", "report_id", "rectification.ProgressReport"),
    ("rectification.Evidence", "report_id", "rectification.ProgressReport"),
]
# The text columns varied in Python (amounts scaled with the finding's factor; a finding's title and
# description also reworded): label → columns.
_VARIED = {
    "findings.Finding": ["title", "description"],
    "findings.Requirement": ["text"],
    "rectification.Plan": ["measures"],
    "rectification.ProgressReport": ["measures", "progress", "unfinished_reason", "next_steps", "excess_reason"],
    "rectification.Verification": ["reasons"],
}
# Text columns that never hold a place name.
_PLAIN_TEXT = {"ledger_number", "request_id", "sha256", "content_type", "actor_name", "person_name",
               "responsible_person", "original_name", "history_type", "legal_basis"}  # fmt: skip
FACTORS = (1, 1, 1, 1, 2, 2, 3)


def _models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label, *_ in _OWNED + _CHILDREN]


def _staging(template: int, table: str) -> str:
    return f"gen{template}_{table}"


@dataclass
class Template:
    """A template district as staged: its index (the n-th template), its place, its jurisdiction's id,
    the number of its findings."""

    number: int
    place: Place
    district_id: int
    findings: int


def stage(number: int, place: Place) -> Template:
    """Copies a template district's rows into unlogged staging tables (one per table, with the owning
    finding's id in ``gen_fid``), read by each of its clones."""
    district_id = Jurisdiction.all_objects.get(code=place.code).pk
    names = {}
    with connection.cursor() as cursor:
        for label, where, owner in _OWNED:
            model = apps.get_model(label)
            table = model._meta.db_table
            names[table] = _staging(number, table)
            condition = where.format(**names) % {"district": int(district_id)}
            _create(cursor, names[table], f"SELECT t.*, {owner} AS gen_fid FROM {table} t WHERE {condition}")
        for label, column, parent in _CHILDREN:
            model = apps.get_model(label)
            table = model._meta.db_table
            names[table] = _staging(number, table)
            parent_table = names[apps.get_model(parent)._meta.db_table]
            _create(
                cursor,
                names[table],
                f"SELECT t.*, p.gen_fid FROM {table} t JOIN {parent_table} p ON p.id = t.{column}",
            )
        for model in _models():
            history = _history(model)
            if history is None:
                continue
            base = names[model._meta.db_table]
            table = history._meta.db_table
            names[table] = _staging(number, table)
            _create(cursor, names[table], f"SELECT h.*, b.gen_fid FROM {table} h JOIN {base} b ON b.id = h.id")
        finding_table = names[Finding._meta.db_table]
        project_table = names[AuditProject._meta.db_table]
        for through, owner_column, base in (
            (Finding.repeats.through, "from_finding_id", finding_table),
            (AuditProject.units.through, "auditproject_id", project_table),
            (AuditProject.team.through, "auditproject_id", project_table),
        ):
            table = through._meta.db_table
            names[table] = _staging(number, table)
            fid = "t.from_finding_id" if base is finding_table else "NULL::bigint"
            _create(
                cursor,
                names[table],
                f"SELECT t.*, {fid} AS gen_fid FROM {table} t WHERE {owner_column} IN (SELECT id FROM {base})",
            )
        cursor.execute(f"SELECT count(*) FROM {finding_table}")
        (count,) = cursor.fetchone()
    return Template(number=number, place=place, district_id=district_id, findings=count)


def _create(cursor, name: str, select: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE UNLOGGED TABLE {name} AS {select} ORDER BY 1")
    cursor.execute(f"CREATE INDEX ON {name} (gen_fid)")
    cursor.execute(f"ANALYZE {name}")


def drop_staging(numbers: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename ~ %s",
            [r"^gen\d+_"],
        )
        for (name,) in cursor.fetchall():
            if int(name[3:].split("_", 1)[0]) in numbers:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _history(model):
    try:
        return get_history_model_for_model(model)
    except Exception:  # the events have none
        return None


class Clone:
    """One district copied from a template (see the module's docstring). ``builder`` is the district's
    DistrictBuilder, its organizations and accounts already written."""

    def __init__(self, template: Template, builder, findings: int, seed: int) -> None:
        self.t = template
        self.b = builder
        self.place: Place = builder.place
        self.findings = findings
        self.rng = random.Random(f"clone-{seed}-{self.place.index}")
        self.seed = seed
        self.shift = 7 * self.rng.randint(0, 3)
        self.deltas: dict[type[models.Model], int] = {}

    # --- maps -----------------------------------------------------------------------------------------

    def _maps(self) -> None:
        """Template organization and account ids → this district's, as SQL array lookups."""
        template_place = self.t.place
        by_name = {name.replace("重庆市黔江区", template_place.full): key for key, name, *_rest in D.ORGANIZATIONS}
        old_orgs = {
            by_name[name]: pk
            for pk, name in Organization.all_objects.filter(jurisdiction_id=self.t.district_id).values_list(
                "pk", "name"
            )
        }
        org_map = {old_orgs[key]: self.b.orgs[key].pk for key in old_orgs}
        prefix = template_place.code.lower() + "_"
        new_prefix = self.place.code.lower() + "_"
        new_users = {u.username: u for u in self.b.users.values()}
        user_map: dict[int, User] = {}
        for pk, username in User.objects.filter(username__startswith=prefix).values_list("pk", "username"):
            target = new_users.get(new_prefix + username[len(prefix) :])
            if target is not None:
                user_map[pk] = target
        self.org_sql = _array_lookup(org_map)
        self.user_sql = _array_lookup({pk: u.pk for pk, u in user_map.items()})
        self.user_names = _array_lookup({pk: u.full_name for pk, u in user_map.items()}, kind="text")

    def _reserve(self, cursor) -> None:
        """A block of ids on each copied table's sequence, as long as the template's span of ids."""
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK])
        try:
            for model in _models():
                table = model._meta.db_table
                cursor.execute(f"SELECT min(id), max(id) FROM {_staging(self.t.number, table)}")
                low, high = cursor.fetchone()
                if low is None:
                    self.deltas[model] = 0
                    continue
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
                (start,) = cursor.fetchone()
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, start + high - low])
                self.deltas[model] = start - low
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK])

    # --- texts ----------------------------------------------------------------------------------------

    def _places(self, text: str) -> str:
        old, new = self.t.place, self.place
        return text.replace(old.full, new.full).replace(old.city_name, new.city_name).replace(old.abbr, new.abbr)

    def _places_sql(self, column: str) -> str:
        old, new = self.t.place, self.place
        expression = column
        for a, b in ((old.full, new.full), (old.city_name, new.city_name), (old.abbr, new.abbr)):
            if a != b:
                expression = f"replace({expression}, {_literal(a)}, {_literal(b)})"
        return expression

    def _varied_texts(self, cursor) -> None:
        """Temporary tables ``gx_<table>`` (id, varied columns; for the findings, the factor ``k``)."""
        finding_table = _staging(self.t.number, Finding._meta.db_table)
        cursor.execute(
            f"SELECT id, ledger_number, title, description FROM {finding_table} WHERE id <= %s ORDER BY id",
            [self.cutoff],
        )
        factors: dict[int, int] = {}
        rows = []
        for pk, number, title, description in cursor.fetchall():
            rng = random.Random(f"{self.seed}-{self.place.index}-{number}")
            k = rng.choice(FACTORS)
            factors[pk] = k
            rows.append(
                (
                    pk,
                    k,
                    self._places(texts.vary(rng, title, k))[:200],
                    self._places(texts.vary(rng, description, k, opening=True)),
                )
            )
        self._temp(cursor, "gx_findings_finding", ["id bigint", "k int", "title text", "description text"], rows)
        for label, columns in _VARIED.items():
            if label == "findings.Finding":
                continue
            table = apps.get_model(label)._meta.db_table
            cursor.execute(
                f"SELECT id, gen_fid, {', '.join(columns)} FROM {_staging(self.t.number, table)} "
                f"WHERE gen_fid <= %s AND ({' OR '.join(f'{c} LIKE %s' for c in columns)})",
                [self.cutoff] + ["%元%"] * len(columns),
            )
            rows = []
            for pk, fid, *values in cursor.fetchall():
                k = factors.get(fid, 1)
                rows.append((pk, *[self._places(texts.scale(v, k)) if v else v for v in values]))
            self._temp(cursor, f"gx_{table}", ["id bigint"] + [f"{c} text" for c in columns], rows)

    @staticmethod
    def _temp(cursor, name: str, columns: list[str], rows: list[tuple]) -> None:
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ({', '.join(columns)}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {name} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"CREATE INDEX ON {name} (id)")
        cursor.execute(f"ANALYZE {name}")

    # --- the copy -------------------------------------------------------------------------------------

    def copy(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        self._maps()
        with connection.cursor() as cursor, _without_reference_checks(cursor):
            finding_table = _staging(self.t.number, Finding._meta.db_table)
            cursor.execute(f"SELECT id FROM {finding_table} ORDER BY id OFFSET %s LIMIT 1", [self.findings - 1])
            self.cutoff = cursor.fetchone()[0]
            self._reserve(cursor)
            self._varied_texts(cursor)
            for model in _models():
                counts[model._meta.label] = self._copy(cursor, model, model)
                history = _history(model)
                if history is not None:
                    counts[history._meta.label] = self._copy(cursor, history, model)
            for through in (Finding.repeats.through, AuditProject.units.through, AuditProject.team.through):
                counts[through._meta.label] = self._copy(cursor, through, None)
        return counts

    def _copy(self, cursor, model, base) -> int:
        """INSERT … SELECT of ``model``'s rows from the template's staging copy, remapped."""
        table = model._meta.db_table
        source = _staging(self.t.number, table)
        varied_label = base._meta.label if base is not None else None
        varied = _VARIED.get(varied_label, [])
        joins = []
        if varied:
            joins.append(f"LEFT JOIN gx_{base._meta.db_table} x ON x.id = s.id")
        money = any(isinstance(f, models.DecimalField) for f in model._meta.concrete_fields)
        if money:
            joins.append("LEFT JOIN gx_findings_finding k ON k.id = s.gen_fid")
        columns, expressions = [], []
        for f in model._meta.concrete_fields:
            expression = self._expression(f, model, base, varied)
            if expression is None:
                continue
            columns.append(connection.ops.quote_name(f.column))
            expressions.append(expression)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {source} s "
            f"{' '.join(joins)} WHERE s.gen_fid IS NULL OR s.gen_fid <= %s",
            [self.cutoff],
        )
        return cursor.rowcount

    def _expression(self, f: models.Field, model, base, varied: list[str]) -> str | None:
        column = f"s.{connection.ops.quote_name(f.column)}"
        if f.primary_key:
            if base is model:
                return f"{column} + {self.deltas[model]}"
            return None  # a history or link table's own id: the sequence's
        if base is not None and base is not model and f.attname == base._meta.pk.attname:
            return f"{column} + {self.deltas[base]}"  # a history row's object id
        if f.is_relation:
            target = f.related_model
            if target in self.deltas:
                return f"{column} + {self.deltas[target]}"
            if target is Organization:
                return f"COALESCE({self.org_sql}[{column} - {self.org_sql.base}], {column})"
            if target is User or (isinstance(target, type) and issubclass(target, User)):
                return f"COALESCE({self.user_sql}[{column} - {self.user_sql.base}], {column})"
            if target is Jurisdiction:
                return (
                    f"CASE WHEN {column} = {int(self.t.district_id)} THEN {int(self.b.district.pk)} ELSE {column} END"
                )
            return column
        if f.column == "actor_name":
            return f"COALESCE({self.user_names}[s.actor_id - {self.user_names.base}], {column})"
        if f.column == "ledger_number":
            return f"{_literal(self.place.code)} || substr({column}, {len(self.t.place.code) + 1})"
        if isinstance(f, models.DateTimeField):
            return f"{column} - interval '{self.shift} days'" if self.shift else column
        if isinstance(f, models.DateField):
            return f"{column} - {self.shift}" if self.shift else column
        if isinstance(f, models.DecimalField):
            return f"{column} * COALESCE(k.k, 1)"
        if isinstance(f, (models.CharField, models.TextField)) and not f.choices and f.column not in _PLAIN_TEXT:
            if type(f).__module__.startswith("django."):  # not an encrypted field's ciphertext
                replaced = self._places_sql(column)
                return f"COALESCE(x.{f.column}, {replaced})" if f.column in varied else replaced
        return column


@contextmanager
def _without_reference_checks(cursor) -> Iterator[None]:
    """The copied rows' foreign keys are not checked one by one at commit (that would take as long as the
    copy): they are moved with their targets by construction. Only for a superuser; the constraints'
    triggers fire again after."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    superuser = cursor.fetchone()[0]
    if superuser:
        cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = origin")


class _Lookup(str):
    """An SQL array literal indexed from ``base``: ``arr[id - base]``."""

    base: int


def _array_lookup(mapping: dict, kind: str = "bigint") -> _Lookup:
    if not mapping:
        lookup = _Lookup(f"(ARRAY[NULL]::{kind}[])")
        lookup.base = 0
        return lookup
    low, high = min(mapping), max(mapping)
    values = [mapping.get(i) for i in range(low, high + 1)]
    items = ", ".join("NULL" if v is None else (str(int(v)) if kind == "bigint" else _literal(v)) for v in values)
    lookup = _Lookup(f"(ARRAY[{items}]::{kind}[])")
    lookup.base = low - 1
    return lookup


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


__all__ = ["Clone", "Template", "drop_staging", "stage"]
