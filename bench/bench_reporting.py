"""The reporting obligations on demo-shaped data: bringing them up to date in bulk, and the daily sweep
(first run of the day, a second run the same day), with their query counts, at 2,000 and 10,000 findings.

A sweep publishes its reminders and proposals; here the queue is the database broker with no worker,
so what is measured is the sweep's own work (reading what is owed, recording each occurrence once and
queueing its delivery), not the sending.
"""

import time


def _measure(label: str, func):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = func()
        seconds = time.perf_counter() - started
    print(f"{label:48s} {seconds:7.2f} s  {len(queries):6d} queries", flush=True)
    return result


def run() -> None:
    from django.db import connection

    from rectify.demo.services import load_demo
    from rectify.findings.models import Finding
    from rectify.reporting.models import EscalationProposal, Obligation
    from rectify.reporting.services import sync_many
    from rectify.reporting.sweep import sweep

    connection.force_debug_cursor = False
    for size in (2000, 10000):
        if size == 2000:
            load_demo(findings=size)
        else:
            # The demo shape scaled up: load a larger district into a fresh set of tables.
            from django.core.management import call_command

            from rectify.accounts.reference import ensure_roles
            from rectify.findings.reference import ensure_reference_data

            call_command("flush", interactive=False, verbosity=0)
            ensure_roles()
            ensure_reference_data()
            load_demo(findings=size)
        owing = Finding.objects.exclude(state="draft").count()
        print(
            f"-- {Finding.objects.count()} findings ({owing} issued), {Obligation.objects.count()} obligations, "
            f"{EscalationProposal.objects.count()} proposals",
            flush=True,
        )
        ids = list(Finding.objects.exclude(state="draft").values_list("pk", flat=True))
        _measure(f"re-sync every issued finding ({len(ids)})", lambda ids=ids: [
            sync_many(ids[i : i + 500]) for i in range(0, len(ids), 500)
        ])  # fmt: skip
        first = _measure("daily sweep, first run of the day", sweep)
        print(f"   {first.summary()}")
        _measure("daily sweep, second run the same day", sweep)
