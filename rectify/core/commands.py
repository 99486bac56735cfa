"""The base class of the ``rectify`` commands: the acting user looked up once, and a run lock.

``exclusive(name)`` keeps two runs of the same job from overlapping, whether two commands, two
workers, or a command and a scheduled job: a PostgreSQL advisory lock where the database is
PostgreSQL (so it holds across machines), a file lock under the var directory otherwise.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class AlreadyRunning(Exception):
    """Another run of the same job holds the lock."""


def _advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"rectify:{name}".encode()).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def _transaction_lock(key: int, name: str) -> Iterator[None]:
    holder = connection.copy()
    try:
        holder.ensure_connection()
        raw = holder.connection
        raw.autocommit = False
        if not raw.execute("SELECT pg_try_advisory_xact_lock(%s)", [key]).fetchone()[0]:
            raise AlreadyRunning(name)
        yield
    finally:
        if holder.connection is not None:
            holder.connection.rollback()  # ends the transaction: the lock goes with it
        holder.close()


@contextlib.contextmanager
def exclusive(name: str) -> Iterator[None]:
    """Runs the block only if no other run of ``name`` is running; raises AlreadyRunning otherwise."""
    if connection.vendor == "postgresql" and connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        # Behind PgBouncer's transaction pooling (RECTIFY_PGBOUNCER) a session lock would stay on whichever
        # server connection took it: hold a transaction-level lock in a transaction of a connection of its
        # own, open for the whole run (the pool keeps it on one server connection until it ends).
        with _transaction_lock(_advisory_key(name), name):
            yield
        return
    if connection.vendor == "postgresql":
        key = _advisory_key(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if not cursor.fetchone()[0]:
                raise AlreadyRunning(name)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    # One lock per database: runs against two databases (two test workers, two instances) are not one job.
    name_of_database = str(connection.settings_dict["NAME"])
    if ":memory:" in name_of_database or "mode=memory" in name_of_database:
        name_of_database += f"#{os.getpid()}"  # an in-memory database is its process's alone
    database = hashlib.sha256(name_of_database.encode()).hexdigest()[:12]
    with open(folder / f"{name}-{database}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(name) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class RectifyCommand(BaseCommand):
    """A ``rectify`` command. Subclasses set ``needs_user`` to take ``--user`` (the acting account,
    looked up once, active required) and ``lock_name`` to refuse to overlap with another run."""

    needs_user = False
    user_required = True
    lock_name: str | None = None

    def add_arguments(self, parser) -> None:
        if self.needs_user:
            parser.add_argument("--user", required=self.user_required, help="以哪个账号的身份执行（用户名）")
        self.add_command_arguments(parser)

    def add_command_arguments(self, parser) -> None:
        """Subclasses add their own arguments here."""

    def get_actor(self, username: str | None):
        if not username:
            return None
        try:
            return get_user_model().objects.select_related("organization").get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"账号「{username}」不存在或已停用。") from None

    def handle(self, *args: Any, **options: Any):
        try:
            return self._handle(*args, **options)
        except Exception as error:
            # A database that is locked or cut off mid-way: a clear line, not a traceback; the command's
            # transaction rolled back, so nothing was saved.
            from rectify.core.middleware import database_trouble

            trouble = database_trouble(error)
            if trouble is None:
                raise
            what = "数据库正忙" if trouble == "busy" else "数据库无法访问"
            raise CommandError(f"{what}（{error}），本次操作未生效，数据未作任何修改。请稍后重试。") from None

    def _handle(self, *args: Any, **options: Any):
        self.actor = self.get_actor(options.get("user")) if self.needs_user else None
        if not self.lock_name:
            return self.run(*args, **options)
        try:
            with exclusive(self.lock_name):
                return self.run(*args, **options)
        except AlreadyRunning:
            raise CommandError(f"「{self.lock_name}」已在运行，本次不重复执行。") from None

    def run(self, *args: Any, **options: Any):
        raise NotImplementedError
