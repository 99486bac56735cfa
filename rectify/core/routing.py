"""Reads of reports and exports on a read replica; everything else, and every write, on the primary.

With ``DATABASE_REPLICA_URL`` set (rectify.core.deployment.database_settings) the settings hold a
second database alias, ``replica``: a streaming standby of the primary. The places that hand a user an
export (the web views of rectify.exchange, ``rectify export-ledger``) run its reads there by saying so::

    with replica_reads():
        content = cadre_workbook(request.user, projects)

(or ``@replica_reads()`` on a function). The export services themselves do not choose: a job that puts
an export into a larger package (a referral's evidence package) reads it with the rest, on the primary.
Outside such a block, and inside one wherever the replica cannot serve, reads go to the primary
(``default``):

- the caller is inside a transaction on the primary (it may have written what it now reads back, which
  the standby has not replayed yet);
- the replica does not answer, or has fallen behind the primary by more than
  ``RECTIFY_REPLICA_MAX_LAG_SECONDS`` (checked at most every ``RECTIFY_REPLICA_CHECK_SECONDS`` per
  process).

Without a replica alias the router changes nothing. Writes always go to the primary; migrations run
on the primary alone (the standby replays them).
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from contextlib import ContextDecorator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

log = logging.getLogger(__name__)

REPLICA = "replica"

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("rectify_replica_reads", default=False)


class replica_reads(ContextDecorator):
    """Within the block (or the decorated function) reads go to the replica where it can serve them."""

    def _recreate_cm(self) -> replica_reads:
        return type(self)()  # a decorated function may run in several threads at once: a block per call

    def __enter__(self) -> replica_reads:
        self._token = _replica_reads.set(True)
        return self

    def __exit__(self, *exc) -> None:
        _replica_reads.reset(self._token)


def replica_configured() -> bool:
    return REPLICA in connections.settings


# --- health: is the replica up and close enough behind? ------------------------------------------

_LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
END
"""

_health_lock = threading.Lock()
_health: dict[str, float | bool] = {"checked_at": float("-inf"), "usable": False}


def replica_lag_seconds() -> float:
    """How far the replica's replay is behind (0 when it has replayed all it received while streaming).

    Raises the database's error when the replica does not answer."""
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(_LAG_SQL)
        return float(cursor.fetchone()[0])


def replica_usable() -> bool:
    """The replica answers and lags by at most RECTIFY_REPLICA_MAX_LAG_SECONDS (cached for a few seconds)."""
    interval = float(getattr(settings, "RECTIFY_REPLICA_CHECK_SECONDS", 10))
    now = time.monotonic()
    with _health_lock:
        if now - float(_health["checked_at"]) < interval:
            return bool(_health["usable"])
        try:
            lag = replica_lag_seconds()
            usable = lag <= float(getattr(settings, "RECTIFY_REPLICA_MAX_LAG_SECONDS", 30))
            if not usable:
                log.warning("read replica lags by %.0f s: reports and exports read the primary", lag)
        except Exception:
            log.warning("read replica unreachable: reports and exports read the primary", exc_info=True)
            connections[REPLICA].close()
            usable = False
        _health.update(checked_at=now, usable=usable)
        return usable


def forget_replica_health() -> None:
    """The next read in a ``replica_reads`` block checks the replica again (tests, after a failover)."""
    with _health_lock:
        _health.update(checked_at=float("-inf"), usable=False)


class ReplicaRouter:
    """Settings' DATABASE_ROUTERS: sends the reads of ``replica_reads`` blocks to the replica."""

    def db_for_read(self, model, **hints) -> str | None:
        if not _replica_reads.get() or not replica_configured():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # read back what this transaction may have written, on the primary
        return REPLICA if replica_usable() else None

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the primary's rows: an object read there relates to one read here

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        if db == REPLICA:
            return False
        return None
