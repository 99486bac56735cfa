"""Deployment beyond one machine (issue 14 item 5): the settings read from the environment (a read
replica, PgBouncer, S3-compatible storage, the shared Redis cache) and the router that sends the reads
of exports to the replica and every write to the primary (docs/DEPLOYMENT.md)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, router
from django.test.utils import CaptureQueriesContext

from rectify.core import routing
from rectify.core.deployment import cache_settings, database_settings, storage_settings
from rectify.core.routing import REPLICA, replica_reads

PRIMARY = "postgresql://rectify@db1.example:5432/rectify"
STANDBY = "postgresql://rectify_ro@db2.example:5432/rectify"

# --- settings ---------------------------------------------------------------------------------


def test_without_a_replica_there_is_one_database_with_the_lock_wait_bound():
    databases = database_settings({"DATABASE_URL": PRIMARY, "DB_CONN_MAX_AGE": "60"}, "sqlite:///x")
    assert list(databases) == ["default"]
    assert databases["default"]["HOST"] == "db1.example"
    assert databases["default"]["CONN_MAX_AGE"] == 60
    assert databases["default"]["OPTIONS"]["options"] == "-c lock_timeout=15000 -c jit=off"
    assert not databases["default"]["DISABLE_SERVER_SIDE_CURSORS"]


def test_a_replica_url_adds_the_replica_alias_mirroring_the_primary_in_tests():
    databases = database_settings({"DATABASE_URL": PRIMARY, "DATABASE_REPLICA_URL": STANDBY}, "sqlite:///x")
    assert list(databases) == ["default", REPLICA]
    assert databases[REPLICA]["HOST"] == "db2.example" and databases[REPLICA]["USER"] == "rectify_ro"
    assert databases[REPLICA]["TEST"] == {"MIRROR": "default"}


def test_pgbouncer_turns_off_server_side_cursors_and_the_startup_options_on_both_aliases():
    env = {"DATABASE_URL": PRIMARY, "DATABASE_REPLICA_URL": STANDBY, "RECTIFY_PGBOUNCER": "1"}
    databases = database_settings(env, "sqlite:///x")
    for alias in ("default", REPLICA):
        assert databases[alias]["DISABLE_SERVER_SIDE_CURSORS"] is True
        # PgBouncer refuses the "options" startup parameter; lock_timeout is set on the role instead.
        assert "options" not in databases[alias]["OPTIONS"]


def test_the_embedded_default_is_sqlite():
    databases = database_settings({}, "sqlite:////tmp/rectify-test.sqlite3")
    assert databases["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert "options" not in databases["default"].get("OPTIONS", {})


def test_storage_is_the_file_system_unless_a_bucket_is_named():
    assert storage_settings({})["BACKEND"] == "rectify.core.files.TransactionalFileSystemStorage"
    storage = storage_settings(
        {
            "RECTIFY_S3_BUCKET": "rectify-evidence",
            "RECTIFY_S3_ENDPOINT_URL": "https://oss.example.gov.cn",
            "RECTIFY_S3_ACCESS_KEY_ID": "id",
            "RECTIFY_S3_SECRET_ACCESS_KEY": "secret",
            "RECTIFY_S3_PREFIX": "/district/",
            "RECTIFY_S3_SERVER_SIDE_ENCRYPTION": "AES256",
        }
    )
    assert storage["BACKEND"] == "rectify.core.object_storage.TransactionalS3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "rectify-evidence"
    assert options["endpoint_url"] == "https://oss.example.gov.cn"
    assert options["location"] == "district"
    # Private objects; a second file of the same name never replaces the first.
    assert options["default_acl"] == "private" and options["file_overwrite"] is False
    assert options["object_parameters"] == {"ServerSideEncryption": "AES256"}


def test_a_cache_redis_url_adds_the_shared_cache():
    assert set(cache_settings({})) == {"default"}
    caches = cache_settings({"RECTIFY_CACHE_REDIS_URL": "redis://127.0.0.1:6379/1"})
    assert caches["shared"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert caches["shared"]["LOCATION"] == "redis://127.0.0.1:6379/1"


# --- the router ----------------------------------------------------------------------------------


@pytest.fixture
def replica_alias(monkeypatch) -> Iterator[str]:
    """A second connection on the test database, as the settings make of DATABASE_REPLICA_URL in tests
    (TEST MIRROR). Made here rather than declared in the settings: Django lets a test use a connection
    made while it runs, where it would refuse an alias of the settings the test did not declare."""
    from django.db.utils import load_backend

    settings_dict = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
    connections[REPLICA] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, REPLICA)
    monkeypatch.setattr(routing, "replica_configured", lambda: True)
    routing.forget_replica_health()
    try:
        yield REPLICA
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        routing.forget_replica_health()


def test_without_a_replica_every_read_stays_on_the_primary():
    from rectify.findings.models import Finding

    with replica_reads():
        assert Finding.objects.all().db == DEFAULT_DB_ALIAS


def test_reads_in_a_replica_block_go_to_the_replica_and_writes_to_the_primary(replica_alias, monkeypatch):
    from rectify.findings.models import Finding

    monkeypatch.setattr(routing, "replica_usable", lambda: True)
    assert Finding.objects.all().db == DEFAULT_DB_ALIAS  # outside the block
    with replica_reads():
        assert Finding.objects.all().db == REPLICA
        assert router.db_for_write(Finding) == DEFAULT_DB_ALIAS
    assert Finding.objects.all().db == DEFAULT_DB_ALIAS


def test_a_lagging_or_unreachable_replica_leaves_the_reads_on_the_primary(replica_alias, monkeypatch):
    from rectify.findings.models import Finding

    monkeypatch.setattr(routing, "replica_lag_seconds", lambda: 3600.0)
    with replica_reads():
        assert Finding.objects.all().db == DEFAULT_DB_ALIAS

    def unreachable() -> float:
        raise OSError("connection refused")

    routing.forget_replica_health()
    monkeypatch.setattr(routing, "replica_lag_seconds", unreachable)
    with replica_reads():
        assert Finding.objects.all().db == DEFAULT_DB_ALIAS


def test_inside_a_transaction_on_the_primary_reads_stay_there(replica_alias, db, monkeypatch):
    """What the transaction wrote is not on the standby yet: it reads it back from the primary."""
    from rectify.findings.models import Finding

    monkeypatch.setattr(routing, "replica_usable", lambda: True)
    assert connections[DEFAULT_DB_ALIAS].in_atomic_block  # the test's own transaction
    with replica_reads():
        assert Finding.objects.all().db == DEFAULT_DB_ALIAS


def test_the_ledger_export_reads_the_findings_on_the_replica(replica_alias, transactional_db, tmp_path):
    """`rectify export-ledger` of an auditor, on committed data: its queries of the findings run on the
    replica's connection, none on the primary's; the file holds every visible finding."""
    from django.core.management import call_command

    from rectify.exchange.tests.helpers import sheet_rows
    from rectify.findings.models import Finding
    from rectify.testing import build_world, make_finding

    world = build_world()
    make_finding(world, state="issued")
    make_finding(world, state="rectifying")
    expected = Finding.objects.restrict(world["auditor"]).count()
    assert expected >= 2
    target = tmp_path / "ledger.xlsx"
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        call_command("export_ledger", str(target), user=world["auditor"].username, stdout=io.StringIO())
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    primary_sql = " ".join(q["sql"] for q in on_primary.captured_queries)
    assert '"findings_finding"' in replica_sql
    assert '"findings_finding"' not in primary_sql
    _header, *rows = sheet_rows(io.BytesIO(target.read_bytes()))
    assert len(rows) == expected

    # The same export on the web: the findings are read on the replica, the security log written on the primary.
    from django.test import Client

    client = Client()
    client.force_login(world["auditor"])
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        response = client.get("/ledger/export.xlsx")
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    _header, *rows = sheet_rows(io.BytesIO(content))
    assert len(rows) == expected
    assert '"findings_finding"' in " ".join(q["sql"] for q in on_replica.captured_queries)
    primary_sql = " ".join(q["sql"] for q in on_primary.captured_queries)
    assert '"findings_finding"' not in primary_sql
    assert "INSERT INTO" in primary_sql and "security_log" in primary_sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's advisory locks")
def test_behind_pgbouncer_two_runs_of_a_job_still_do_not_overlap(db, monkeypatch):
    """With transaction pooling the run lock is a transaction-level lock held on a connection of its own
    (a session lock would stay on whichever server connection took it)."""
    import threading

    from rectify.core.commands import AlreadyRunning, exclusive

    monkeypatch.setitem(connections[DEFAULT_DB_ALIAS].settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    outcome = []

    def another_run():
        try:
            with exclusive("pgbouncer-job"):
                outcome.append("ran")
        except AlreadyRunning:
            outcome.append("refused")
        finally:
            connections[DEFAULT_DB_ALIAS].close()

    with exclusive("pgbouncer-job"):
        thread = threading.Thread(target=another_run)
        thread.start()
        thread.join()
    assert outcome == ["refused"]
    thread = threading.Thread(target=another_run)
    thread.start()
    thread.join()
    assert outcome == ["refused", "ran"]


# --- several workers ---------------------------------------------------------------------------


def test_a_schedule_added_twice_by_workers_starting_at_once_is_kept_once(db):
    from django_q.models import Schedule

    from rectify.core import jobs

    names = jobs.sync_schedules()
    Schedule.objects.create(
        name="rectify:findings.publish_overdue",
        func="rectify.findings.jobs.publish_overdue",
        schedule_type=Schedule.MINUTES,
    )
    jobs.sync_schedules()
    assert Schedule.objects.filter(name="rectify:findings.publish_overdue").count() == 1
    assert Schedule.objects.filter(name__startswith="rectify:").count() == len(names)
