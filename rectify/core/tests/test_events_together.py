"""Events dispatched together at the end of a bulk load (the demo district): only what was committed, once
the block ends. Transactional, so kept apart from the modules built on the test world (which holds a
transaction open for the whole module)."""

from __future__ import annotations

import pytest
from django.db import transaction

from rectify.core import events


@pytest.fixture
def received():
    seen: list[events.Event] = []
    events.subscribe("*", seen.append)
    yield seen
    events._subscribers["*"].remove(seen.append)


def _event(number: int) -> events.Event:
    return events.Event(name="test.together", object_label="tests.Thing", object_id=number)


@pytest.mark.django_db(transaction=True)
def test_events_dispatched_together_wait_for_the_block_and_drop_what_rolled_back(received):
    with events.dispatched_together():
        with transaction.atomic():
            events.publish_on_commit(_event(1))
            with pytest.raises(RuntimeError), transaction.atomic():
                events.publish_on_commit(_event(2))
                raise RuntimeError("rolled back to the savepoint")
        with transaction.atomic():
            events.publish_on_commit(_event(3))
        assert received == []  # committed, not yet dispatched
    assert [e.object_id for e in received] == [1, 3]

    received.clear()
    with pytest.raises(RuntimeError), events.dispatched_together():
        with transaction.atomic():
            events.publish_on_commit(_event(4))  # committed: dispatched even though the block then fails
        with transaction.atomic():
            events.publish_on_commit(_event(5))
            raise RuntimeError("not committed")
    assert [e.object_id for e in received] == [4]

    # Already inside a transaction: the events wait for its commit, after the block.
    received.clear()
    with transaction.atomic():
        with events.dispatched_together():
            events.publish_on_commit(_event(6))
        assert received == []
    assert [e.object_id for e in received] == [6]
