"""The application's own PostgreSQL role, apart from the role that owns the tables (等保 2.0 level 3).

The owner of the tables runs the migrations; the web processes and workers connect as a role that
may read and write the business tables but holds no DDL and no TRUNCATE anywhere, and on an
append-only table (the security log) only SELECT and INSERT. A trigger already refuses UPDATE and
DELETE on the log to every role; the missing privileges make TRUNCATE, which fires no row trigger,
impossible too. ``rectify grant-app-role NAME`` applies these grants (run it as the owner, after
each migration), ``--print`` only shows them.

Apps declare their append-only tables with ``append_only(model)`` when they load.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.db.models import Model

_APPEND_ONLY: set[str] = set()


def append_only(model: type[Model] | str) -> None:
    """Declares ``model``'s table append-only for the application's role (SELECT and INSERT only)."""
    label = model if isinstance(model, str) else model._meta.label_lower
    _APPEND_ONLY.add(label.lower())


def append_only_tables() -> list[str]:
    return sorted(apps.get_model(label)._meta.db_table for label in _APPEND_ONLY)


def grant_statements(role: str) -> list[str]:
    """The SQL that gives ``role`` the application's privileges on the current schema, and no more."""
    quote = connection.ops.quote_name
    name = quote(role)
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}",
        f"GRANT USAGE ON SCHEMA public TO {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {name}",
    ]
    for table in append_only_tables():
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {name}")
    return statements


def grant_application_role(role: str) -> list[str]:
    """Applies ``grant_statements(role)`` in one transaction; answers the statements run."""
    if connection.vendor != "postgresql":
        raise RuntimeError("database roles exist on PostgreSQL only")
    statements = grant_statements(role)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements
