"""The event bus: services say what happened; subscribers act only once the transaction has committed.

In the manner of Zulip's ``queue_event_on_commit``: a named action publishes an ``Event`` inside its
transaction with ``publish_on_commit``; if the transaction rolls back, nothing is published. Each
subscriber runs after the commit, in the process that committed, and should do little more than
queue a job (``rectify.core.jobs.enqueue``) so that no request waits on delivery. A subscriber that
fails is logged and does not stop the others.

Apps subscribe in their ``AppConfig.ready()``::

    events.subscribe("finding.issued", on_finding_issued)
    events.subscribe("*", record_everything)

A bulk load that publishes hundreds of events (the demo district) wraps its transaction in
``dispatched_together()``: the events its committed work published are then dispatched together when
the block ends, in one transaction, so that their jobs are queued in one write rather than one
write (and, on the database broker, one new connection) each.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

Subscriber = Callable[["Event"], None]

_subscribers: dict[str, list[Subscriber]] = defaultdict(list)

# Inside ``dispatched_together``: the events committed so far, dispatched when the block ends.
_together: ContextVar[list[Event] | None] = ContextVar("rectify_events_together", default=None)


@dataclass(frozen=True)
class Event:
    """Something that happened to one object. ``key`` identifies the occurrence: two deliveries of the
    same key are the same event (a sweep that finds the same overdue finding twice makes one key)."""

    name: str
    object_label: str
    object_id: int
    actor_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    at: datetime.datetime = field(default_factory=timezone.now)

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", f"{self.name}:{self.object_label}:{self.object_id}:{uuid.uuid4().hex}")

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["at"] = self.at.isoformat()
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Event:
        values = dict(values)
        values["at"] = datetime.datetime.fromisoformat(values["at"])
        return cls(**values)


def subscribe(name: str, subscriber: Subscriber) -> Subscriber:
    """Calls ``subscriber(event)`` after the commit of every event named ``name`` (``"*"``: every event)."""
    if subscriber not in _subscribers[name]:
        _subscribers[name].append(subscriber)
    return subscriber


def subscribers(name: str) -> list[Subscriber]:
    return [*_subscribers.get(name, ()), *_subscribers.get("*", ())]


def dispatch(event: Event) -> None:
    """Runs the subscribers of ``event`` now (after the commit)."""
    for subscriber in subscribers(event.name):
        try:
            subscriber(event)
        except Exception:  # one broken subscriber must not silence the others
            logger.exception("subscriber %r failed on %s", subscriber, event.key)


def publish_on_commit(event: Event) -> Event:
    """Publishes ``event`` once the current transaction commits (at once outside a transaction)."""
    together = _together.get()
    if together is None:
        transaction.on_commit(lambda: dispatch(event), robust=False)
    else:
        # Still only once committed: a hook registered in a savepoint rolled back is dropped with it.
        transaction.on_commit(lambda: together.append(event), robust=False)
    return event


@contextmanager
def dispatched_together() -> Iterator[None]:
    """Dispatches the events that work committed inside the block published when the block ends (even by
    an exception: what was committed happened), in one transaction, each in a savepoint of its own so that
    one failing subscriber spoils nothing for the others. Inside a transaction already, the events wait
    for its commit as usual: the block would end before they are committed."""
    if transaction.get_connection().in_atomic_block:
        yield
        return
    together: list[Event] = []
    token = _together.set(together)
    try:
        yield
    finally:
        _together.reset(token)
        with transaction.atomic():
            for event in together:
                try:
                    with transaction.atomic():
                        dispatch(event)
                except DatabaseError:  # a subscriber's failed query, rolled back to the savepoint
                    logger.exception("dispatching %s failed", event.key)


def publish(name: str, obj: Any, *, actor: Any = None, key: str = "", **data: Any) -> Event:
    """Shorthand for services: ``publish("finding.issued", finding, actor=user)``."""
    event = Event(
        name=name,
        object_label=obj._meta.label,
        object_id=obj.pk,
        actor_id=getattr(actor, "pk", None),
        data=data,
        key=key,
    )
    return publish_on_commit(event)


def publish_once(name: str, obj: Any, *, key: str, actor: Any = None, **data: Any) -> Event | None:
    """Publishes the occurrence ``key`` unless it was published before; None when it was."""
    from django.db import IntegrityError

    from rectify.core.models import PublishedEvent

    try:
        with transaction.atomic():
            PublishedEvent.objects.create(key=key, name=name, object_label=obj._meta.label, object_id=obj.pk)
    except IntegrityError:
        return None
    return publish(name, obj, actor=actor, key=key, **data)
