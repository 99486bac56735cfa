"""Loading in bulk on PostgreSQL: the secondary indexes of the large tables dropped before the load and
built after it, then ANALYZE. Indexes that back a constraint (primary keys, unique constraints such as
the ledger number's) stay: the load relies on them."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.apps import apps
from django.db import connection, connections
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
def indexes_built_after(enabled: bool, report=print, jobs: int = 1) -> Iterator[None]:
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
        _rebuild(indexes, report, jobs)
        raise
    _rebuild(indexes, report, jobs)


def _rebuild(indexes, report, jobs: int = 1) -> None:
    """The post-load steps: the indexes built again (``jobs`` at a time, largest tables first), then
    ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC"
        )
        order = {name: rank for rank, (name,) in enumerate(cursor.fetchall())}
    pending = queue.SimpleQueue()
    for _name, definition in sorted(indexes, key=lambda index: order.get(_table_of(index[1]), len(order))):
        pending.put(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))

    def build() -> None:
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '512MB'")
                while True:
                    try:
                        definition = pending.get_nowait()
                    except queue.Empty:
                        return
                    cursor.execute(definition)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections["default"].close()

    workers = max(1, min(jobs, len(indexes)))
    if workers == 1:
        build()
    else:
        with ThreadPoolExecutor(workers) as pool:
            for future in [pool.submit(build) for _ in range(workers)]:
                future.result()
    report(f"rebuilt {len(indexes)} secondary indexes")
    analyze()


def _table_of(definition: str) -> str:
    """The table of ``CREATE INDEX name ON schema.table USING …``."""
    return definition.split(" ON ", 1)[1].split()[0].split(".")[-1].strip('"')


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
