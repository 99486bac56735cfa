"""A coalesced job: a burst of asks queues one run; an ask after the run started queues the next; a run
queued long ago and never started is asked for again."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rectify.core import jobs
from rectify.core.models import CoalescedJob

pytestmark = pytest.mark.django_db

FUNC = "rectify.analysis.jobs.refresh"


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(jobs, "enqueue", lambda func, *args, **kwargs: calls.append((func, args)))
    return calls


def test_a_burst_of_asks_queues_one_run(queued):
    assert [jobs.enqueue_coalesced(FUNC) for _ in range(5)] == [True, False, False, False, False]
    assert queued == [(jobs.run_coalesced, (FUNC,))]


def test_an_ask_after_the_run_started_queues_the_next(queued, monkeypatch):
    jobs.enqueue_coalesced(FUNC)
    ran = []
    monkeypatch.setattr("rectify.analysis.jobs.refresh", lambda: ran.append(1) or {"delta": 0})
    assert jobs.run_coalesced(FUNC) == {"delta": 0} and ran == [1]
    assert jobs.enqueue_coalesced(FUNC) is True
    assert len(queued) == 2


def test_a_run_queued_long_ago_and_never_started_is_queued_again(queued):
    jobs.enqueue_coalesced(FUNC)
    CoalescedJob.objects.filter(func=FUNC).update(
        requested_at=timezone.now() - jobs.COALESCE_STALE_AFTER - datetime.timedelta(minutes=1)
    )
    assert jobs.enqueue_coalesced(FUNC) is True
    assert len(queued) == 2


def test_findings_saved_in_one_batch_queue_one_refresh_of_the_index(world, queued, django_capture_on_commit_callbacks):
    from rectify.testing import make_finding

    with django_capture_on_commit_callbacks(execute=True):
        for number in range(4):
            make_finding(world, "issued", title=f"专项资金未按规定用途使用{number}")
    assert [args for func, args in queued if func is jobs.run_coalesced] == [(FUNC,)]
