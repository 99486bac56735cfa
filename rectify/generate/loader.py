"""Loading in bulk on PostgreSQL: the secondary indexes of the large tables dropped before the load and
built after it, then ANALYZE. Indexes that back a constraint (primary keys, unique constraints such as
the ledger number's) stay: the load relies on them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connection
from simple_history.utils import get_history_model_for_model

# The tables that grow with the findings (each with its history table).
LARGE_MODELS = [
    "findings.Finding",
    "findings.Requirement",
    "findings.FindingEvent",
    "rectification.Plan",
    "rectification.Milestone",
    "rectification.ProgressReport",
    "rectification.AdoptedRule",
    "rectification.AccountabilityRecord",
    "rectification.Evidence",
    "rectification.Verification",
]


def large_tables() -> list[str]:
    tables = []
    for label in LARGE_MODELS:
        model = apps.get_model(label)
        tables.append(model._meta.db_table)
        try:
            tables.append(get_history_model_for_model(model)._meta.db_table)
        except Exception:  # a model without history (the events)
            pass
    tables.append(apps.get_model("findings.Finding").repeats.through._meta.db_table)
    return tables


def secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of ``tables`` that back no constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef
              FROM pg_indexes i
             WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
             ORDER BY i.tablename, i.indexname
            """,
            [tables],
        )
        return cursor.fetchall()


@contextmanager
def indexes_built_after(enabled: bool, report=print) -> Iterator[None]:
    """On PostgreSQL: drops the large tables' secondary indexes, yields, then builds them again (also when
    the load fails, so the database is left as migrated) and analyzes the database."""
    # Inside the caller's transaction (a test's) the indexes stay: rebuilding them there would meet the
    # transaction's pending deferred constraints.
    if not enabled or connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        if connection.vendor == "postgresql":
            analyze()
        return
    indexes = secondary_indexes(large_tables())
    with connection.cursor() as cursor:
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    report(f"dropped {len(indexes)} secondary indexes")
    try:
        yield
    except BaseException:
        connection.close()  # a connection a failure left in an aborted transaction
        _rebuild(indexes, report)
        raise
    _rebuild(indexes, report)


def _rebuild(indexes, report) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
    report(f"rebuilt {len(indexes)} secondary indexes")
    analyze()


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
