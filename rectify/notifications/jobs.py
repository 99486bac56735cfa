"""Jobs of the notifications app: turning an event into notifications, and (re)sending what is due."""

from __future__ import annotations

from typing import Any

from rectify.core.commands import AlreadyRunning, exclusive
from rectify.core.events import Event
from rectify.core.jobs import enqueue
from rectify.notifications import services


def notify(event: dict[str, Any]) -> int:
    """Queued once per event by the bus subscriber; safe to run twice."""
    return len(services.notify_event(Event.from_dict(event)))


def send_due() -> int:
    """Every minute: first tries that a failed job left, and retries whose delay has passed."""
    try:
        with exclusive("notifications.send_due"):
            return services.send_due()
    except AlreadyRunning:
        return 0


def on_event(event: Event) -> None:
    """The bus subscriber: queues the work, so no request waits on delivery."""
    enqueue(notify, event.as_dict(), group="notifications")
