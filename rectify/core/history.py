"""History rows carry the request id, and can be read as before/after pairs."""

from typing import Any

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from rectify.core.request_context import get_request_id


@receiver(pre_create_historical_record)
def stamp_request_id(sender, history_instance, **kwargs) -> None:
    if hasattr(history_instance, "request_id") and not history_instance.request_id:
        history_instance.request_id = get_request_id()


def changes_of(record: Any) -> list[dict[str, Any]]:
    """The fields one history row changed, each as {field, before, after}; all fields for a creation."""
    previous = record.prev_record
    if previous is None:
        skip = {"id", "created", "last_updated"}
        return [
            {"field": f.name, "before": None, "after": getattr(record, f.attname)}
            for f in record.instance_type._meta.concrete_fields
            if f.name not in skip
        ]
    # Compared here rather than with diff_against, which leaves out non-editable fields such as deleted_at.
    changes = [
        {"field": f.name, "before": getattr(previous, f.attname), "after": getattr(record, f.attname)}
        for f in record.tracked_fields
        if f.name != "last_updated" and getattr(previous, f.attname) != getattr(record, f.attname)
    ]
    return sorted(changes, key=lambda c: c["field"])
