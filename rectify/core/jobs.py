"""The job queue and the schedule, declared in code.

One queue (django-q2): on the embedded default its broker is the database, so nothing beyond the
web server and ``rectify worker`` runs; in production ``RECTIFY_REDIS_URL`` switches the broker to
Redis by configuration alone. ``enqueue`` never runs the job in the request (except in tests, where
the queue runs synchronously).

Scheduled jobs are declared by the apps in their ``ready()``::

    jobs.schedule("notifications.retry", "rectify.notifications.jobs.retry_due", minutes=1)
    jobs.schedule("reporting.sweep", "rectify.reporting.jobs.sweep", daily_at=datetime.time(1, 0))

and written into django-q2's schedule table by ``sync_schedules`` (run by ``rectify worker`` when it
starts and after every migration), so the code is the one place a schedule is changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

PREFIX = "rectify:"


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    func: str
    minutes: int | None = None
    daily_at: datetime.time | None = None

    def __post_init__(self) -> None:
        if (self.minutes is None) == (self.daily_at is None):
            raise ValueError(f"{self.name}: give exactly one of minutes or daily_at")

    def first_run(self, now: datetime.datetime) -> datetime.datetime:
        if self.minutes is not None:
            return now
        local = timezone.localtime(now)
        candidate = local.replace(hour=self.daily_at.hour, minute=self.daily_at.minute, second=0, microsecond=0)
        if candidate <= local:
            candidate += datetime.timedelta(days=1)
        return candidate


SCHEDULE: dict[str, ScheduledJob] = {}


def schedule(
    name: str, func: str, *, minutes: int | None = None, daily_at: datetime.time | None = None
) -> ScheduledJob:
    """Declares a job that the worker runs every ``minutes`` minutes or every day at ``daily_at``."""
    job = ScheduledJob(name=name, func=func, minutes=minutes, daily_at=daily_at)
    SCHEDULE[name] = job
    return job


def _callable_path(func: str | Callable) -> str:
    if isinstance(func, str):
        return func
    return f"{func.__module__}.{func.__qualname__}"


def enqueue(func: str | Callable, *args: Any, group: str = "", **kwargs: Any) -> str:
    """Queues ``func(*args, **kwargs)``; returns the job's id."""
    from django_q.tasks import async_task

    options = {"group": group} if group else {}
    return async_task(_callable_path(func), *args, q_options=options, **kwargs)


# A coalesced job queued this long ago and not started is taken as lost (a worker died, the queue was
# emptied): the next ask queues it again.
COALESCE_STALE_AFTER = datetime.timedelta(minutes=30)


def enqueue_coalesced(func: str | Callable, *, group: str = "") -> bool:
    """Queues ``func()`` unless a run of it is already queued and not started: a burst of asks (every
    finding saved in a batch) makes one run, which sees every change committed before it starts. An ask
    made while a run is under way queues the next run. Returns whether this ask queued one."""
    from django.db import transaction

    from rectify.core.models import CoalescedJob

    path = _callable_path(func)
    now = timezone.now()
    with transaction.atomic():
        CoalescedJob.objects.get_or_create(func=path)
        claimed = (
            CoalescedJob.objects.filter(func=path)
            .filter(Q(pending=False) | Q(requested_at__lt=now - COALESCE_STALE_AFTER))
            .update(pending=True, requested_at=now)
        )
    if claimed:
        enqueue(run_coalesced, path, group=group)
    return bool(claimed)


def run_coalesced(path: str) -> Any:
    """Runs a coalesced job, first marking it started, so that asks from now on queue another run."""
    from django.utils.module_loading import import_string

    from rectify.core.models import CoalescedJob

    CoalescedJob.objects.filter(func=path).update(pending=False)
    return import_string(path)()


def sync_schedules() -> list[str]:
    """Writes the declared schedule into the queue's table: adds, updates, and removes what code dropped."""
    from django_q.models import Schedule

    now = timezone.now()
    names = []
    for job in SCHEDULE.values():
        name = PREFIX + job.name
        names.append(name)
        if job.minutes is not None:
            values = {"func": job.func, "schedule_type": Schedule.MINUTES, "minutes": job.minutes}
        else:
            values = {"func": job.func, "schedule_type": Schedule.DAILY, "minutes": None}
        rows = list(Schedule.objects.filter(name=name).order_by("pk"))
        existing = rows[0] if rows else None
        # Two workers that started at once before the run lock guarded this may each have added the row.
        Schedule.objects.filter(pk__in=[row.pk for row in rows[1:]]).delete()
        if existing is None:
            Schedule.objects.create(name=name, repeats=-1, next_run=job.first_run(now), **values)
            continue
        changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
        if changed:
            for key, value in changed.items():
                setattr(existing, key, value)
            existing.next_run = job.first_run(now)
            existing.save()
    Schedule.objects.filter(name__startswith=PREFIX).exclude(name__in=names).delete()
    return names
