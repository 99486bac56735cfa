"""History rows carry the request id, and can be read as before/after pairs."""

from typing import Any, NamedTuple

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from rectify.core.request_context import get_request_id


@receiver(pre_create_historical_record)
def stamp_request_id(sender, history_instance, **kwargs) -> None:
    if hasattr(history_instance, "request_id") and not history_instance.request_id:
        history_instance.request_id = get_request_id()


_UNKNOWN = object()


# Bookkeeping columns: never shown as a change of substance.
UNTRACKED = frozenset({"id", "created", "last_updated", "version"})


def changes_of(record: Any, previous: Any = _UNKNOWN) -> list[dict[str, Any]]:
    """The fields one history row changed, each as {field, before, after}; all fields for a creation.

    Pass ``previous`` when it is at hand (see ``history_with_changes``) to spare a query.
    """
    if previous is _UNKNOWN:
        previous = record.prev_record
    if previous is None:
        skip = UNTRACKED
        return [
            {"field": f.name, "before": None, "after": getattr(record, f.attname)}
            for f in record.instance_type._meta.concrete_fields
            if f.name not in skip
        ]
    # Compared here rather than with diff_against, which leaves out non-editable fields such as deleted_at.
    changes = [
        {"field": f.name, "before": getattr(previous, f.attname), "after": getattr(record, f.attname)}
        for f in record.tracked_fields
        if f.name not in UNTRACKED and getattr(previous, f.attname) != getattr(record, f.attname)
    ]
    return sorted(changes, key=lambda c: c["field"])


class HistoryEntry(NamedTuple):
    record: Any
    changes: list[dict[str, Any]]
    # The object's first row (its creation, as far as the history goes): its changes are all its fields.
    first: bool


def history_with_changes(history, limit: int = 50) -> list[HistoryEntry]:
    """The newest ``limit`` history rows of one object, each with its changes, in one query.

    One row more than shown is read, so that the oldest shown row has its predecessor at hand; when
    there is none, the oldest row read is the object's first.
    """
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        entries.append(HistoryEntry(record, changes_of(record, previous), previous is None))
    return entries
