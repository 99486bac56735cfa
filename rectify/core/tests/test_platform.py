"""The platform under the mechanisms: core knows no domain, scopes are declared, actions lock, events
wait for the commit, jobs are declared in code, commands do not overlap."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction

from rectify.core import events, jobs, visibility
from rectify.core.commands import AlreadyRunning, exclusive
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import lock_for_action
from rectify.findings import services as findings
from rectify.findings.models import Finding
from rectify.testing import make_finding

CORE = Path(__file__).resolve().parents[1]
DOMAIN_PACKAGES = {
    "organizations", "accounts", "audits", "findings", "rectification", "ledger", "notifications", "exchange",
    "documents", "demo", "api", "reporting", "accountability", "supervision", "portal", "assessment", "analysis",
    "security_log",
}  # fmt: skip


def test_no_module_of_core_imports_a_domain_app():
    offenders = []
    for path in CORE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                if parts[0] == "rectify" and len(parts) > 1 and parts[1] in DOMAIN_PACKAGES:
                    offenders.append(f"{path.relative_to(CORE)}: {name}")
    assert offenders == []


def test_importing_core_loads_no_domain_app():
    """With only core installed, every core module imports and no domain module is loaded."""
    script = textwrap.dedent(
        """
        import sys
        import django
        from django.conf import settings
        settings.configure(
            INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "simple_history", "django_q",
                            "rectify.core"],
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
            USE_TZ=True, TIME_ZONE="Asia/Shanghai", VAR_DIR="/tmp",
        )
        django.setup()
        import rectify.core.visibility, rectify.core.locking, rectify.core.events, rectify.core.jobs
        import rectify.core.commands, rectify.core.models, rectify.core.actions, rectify.core.history
        loaded = sorted(m for m in sys.modules if m.startswith("rectify.") and not m.startswith("rectify.core"))
        print(loaded)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_model_without_a_declared_scope_is_refused(world):
    from rectify.findings.models import DeadlineRule

    assert not visibility.is_registered(DeadlineRule)
    with pytest.raises(LookupError):
        visibility.restrict(DeadlineRule.objects.all(), world["auditor"])
    with pytest.raises(ValueError):
        visibility.restrict(Finding.objects.all(), world["auditor"], "delete")


def test_act_is_narrower_than_view_for_a_higher_office(world):
    finding = make_finding(world, "issued")
    city = world["city_auditor"]
    assert Finding.objects.restrict(city).filter(pk=finding.pk).exists()
    assert not Finding.objects.restrict(city, "act").filter(pk=finding.pk).exists()
    assert Finding.objects.restrict(world["auditor"], "act").filter(pk=finding.pk).exists()
    # Narrowed to roles the user does not hold, nothing.
    assert not Finding.objects.restrict(world["auditor"], "act", roles={"unit_contact"}).exists()


def test_lock_for_action_tells_out_of_scope_from_wrong_role(world):
    finding = make_finding(world, "issued")
    with transaction.atomic():
        with pytest.raises(ActionRefused) as refused:
            lock_for_action(Finding, world["unit_b"], finding.pk, roles={"unit_contact"}, forbidden="no")
        assert refused.value.code == "not_found"
        with pytest.raises(ActionRefused) as refused:
            lock_for_action(Finding, world["dept"], finding.pk, roles={"auditor"}, forbidden="no")
        assert refused.value.code == "forbidden"
        assert lock_for_action(Finding, world["unit"], finding.pk, roles={"unit_contact"}).pk == finding.pk


def test_lock_for_action_must_run_inside_a_transaction(world):
    finding = make_finding(world, "issued")
    with pytest.raises(RuntimeError), _outside_atomic():
        lock_for_action(Finding, world["unit"], finding.pk)


class _outside_atomic:
    """Pretends the connection is in autocommit (the check only reads in_atomic_block)."""

    def __enter__(self):
        self.saved = connection.in_atomic_block
        connection.in_atomic_block = False

    def __exit__(self, *exc):
        connection.in_atomic_block = self.saved
        return False


# --- events ----------------------------------------------------------------------------------------


@pytest.fixture
def received():
    seen: list[events.Event] = []
    events.subscribe("*", seen.append)
    yield seen
    events._subscribers["*"].remove(seen.append)


def test_subscribers_run_only_after_the_commit(world, received, django_capture_on_commit_callbacks):
    finding = make_finding(world, "draft")
    with django_capture_on_commit_callbacks(execute=True):
        findings.issue_finding(world["auditor"], finding)
        assert [e.name for e in received] == []  # not yet: the action's transaction is still open
    issued = [e for e in received if e.name == "finding.issued"]
    assert len(issued) == 1
    assert issued[0].object_id == finding.pk and issued[0].actor_id == world["auditor"].pk
    assert issued[0].data["to_state"] == "issued"


def test_an_action_rolled_back_publishes_nothing(world, received, django_capture_on_commit_callbacks):
    finding = make_finding(world, "draft")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            findings.issue_finding(world["auditor"], finding)
            raise RuntimeError("something later in the same transaction failed")
    assert received == []
    finding.refresh_from_db()
    assert finding.state == "draft"


def test_a_failing_subscriber_does_not_silence_the_others(world, received, django_capture_on_commit_callbacks):
    def broken(event):
        raise ValueError("broken subscriber")

    events.subscribe("finding.issued", broken)
    try:
        finding = make_finding(world, "draft")
        with django_capture_on_commit_callbacks(execute=True):
            findings.issue_finding(world["auditor"], finding)
    finally:
        events._subscribers["finding.issued"].remove(broken)
    assert any(e.name == "finding.issued" for e in received)


def test_publish_once_publishes_a_key_once(world, received, django_capture_on_commit_callbacks):
    finding = make_finding(world, "issued")
    with django_capture_on_commit_callbacks(execute=True):
        first = events.publish_once("finding.overdue", finding, key="k-1")
        second = events.publish_once("finding.overdue", finding, key="k-1")
    assert first is not None and second is None
    assert [e.key for e in received] == ["k-1"]


def test_an_event_survives_the_queue_as_a_dict():
    event = events.Event(name="finding.issued", object_label="findings.Finding", object_id=3, data={"a": 1})
    assert events.Event.from_dict(event.as_dict()) == event


# --- jobs and commands -----------------------------------------------------------------------------


def test_the_schedule_declared_in_code_is_written_for_the_worker(db):
    from django_q.models import Schedule

    names = jobs.sync_schedules()
    assert "rectify:findings.publish_overdue" in names
    assert "rectify:notifications.send_due" in names
    stored = {s.name: s for s in Schedule.objects.filter(name__startswith="rectify:")}
    assert set(stored) == set(names)
    assert stored["rectify:findings.publish_overdue"].func == "rectify.findings.jobs.publish_overdue"
    # A schedule the code no longer declares is removed; running it again changes nothing.
    Schedule.objects.create(name="rectify:gone", func="os.getcwd", schedule_type=Schedule.DAILY)
    jobs.sync_schedules()
    assert not Schedule.objects.filter(name="rectify:gone").exists()
    assert Schedule.objects.filter(name__startswith="rectify:").count() == len(names)


def test_a_job_runs_through_the_queue(db):
    from django_q.models import Task

    job_id = jobs.enqueue("math.floor", 2.5)
    assert Task.objects.get(id=job_id).result == 2


def test_two_runs_of_the_same_job_do_not_overlap(db):
    outcome = []

    def another_run():
        try:
            with exclusive("demo-job"):
                outcome.append("ran")
        except AlreadyRunning:
            outcome.append("refused")
        finally:
            connection.close()

    with exclusive("demo-job"):
        thread = threading.Thread(target=another_run)
        thread.start()
        thread.join()
    assert outcome == ["refused"]
    thread = threading.Thread(target=another_run)
    thread.start()
    thread.join()
    assert outcome == ["refused", "ran"]  # released once the first run ended


def test_the_queue_moves_to_redis_by_configuration_alone(tmp_path):
    script = (
        "import rectify.settings as s; print(s.Q_CLUSTER.get('redis'), s.Q_CLUSTER.get('orm'), s.Q_CLUSTER['sync'])"
    )
    env = {**os.environ, "RECTIFY_VAR_DIR": str(tmp_path), "RECTIFY_JOBS_SYNC": "0"}
    embedded = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert embedded.stdout.split() == ["None", "default", "False"], embedded.stderr
    env["RECTIFY_REDIS_URL"] = "redis://127.0.0.1:6379/3"
    production = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert production.stdout.split() == ["redis://127.0.0.1:6379/3", "None", "False"], production.stderr
