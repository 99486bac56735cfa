"""Jobs of the findings app, run by the worker on the schedule declared in ``FindingsConfig.ready``."""

from __future__ import annotations

import datetime

from django.conf import settings

from rectify.core.commands import AlreadyRunning, exclusive
from rectify.core.events import publish_once
from rectify.core.models import PublishedEvent
from rectify.findings.models import Finding
from rectify.findings.warning import RUNNING_STATES, local_today

BATCH = 500


def overdue_key(finding_id: int, deadline: datetime.date) -> str:
    return f"finding.overdue:{finding_id}:{deadline.isoformat()}"


def publish_overdue(today: datetime.date | None = None) -> int:
    """Publishes ``finding.overdue`` once for each running finding whose deadline has passed.

    Looks back RECTIFY_OVERDUE_CATCH_UP_DAYS (so a worker that was down catches up) and no further,
    so the work grows with the findings falling due, not with the ledger. A deadline moved later and
    missed again is a new occurrence. Returns how many were published.
    """
    today = today or local_today()
    window_start = today - datetime.timedelta(days=settings.RECTIFY_OVERDUE_CATCH_UP_DAYS)
    try:
        with exclusive("findings.publish_overdue"):
            due = Finding.objects.filter(
                state__in=RUNNING_STATES, deadline__lt=today, deadline__gte=window_start
            ).order_by("deadline", "pk")
            published = 0
            batch: list[Finding] = []
            # Read whole before publishing: queueing a job may recycle the connection, which would close an
            # open cursor (SQLite). The window bounds the list to the findings falling due in it.
            for finding in list(due.only("pk", "deadline", "state")):
                batch.append(finding)
                if len(batch) >= BATCH:
                    published += _publish_batch(batch)
                    batch = []
            return published + _publish_batch(batch)
    except AlreadyRunning:
        return 0


def _publish_batch(findings: list[Finding]) -> int:
    keys = {overdue_key(f.pk, f.deadline): f for f in findings}
    seen = set(PublishedEvent.objects.filter(key__in=keys).values_list("key", flat=True))
    published = 0
    for key, finding in keys.items():
        if key not in seen and publish_once("finding.overdue", finding, key=key, deadline=finding.deadline.isoformat()):
            published += 1
    return published
