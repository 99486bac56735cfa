"""History rows carry the request id, and can be read as before/after pairs."""

import datetime
from collections.abc import Callable
from typing import Any, NamedTuple

from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
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
    # A model's copies of what other records hold (its DERIVED_FIELDS) are not changes of its own.
    skip = UNTRACKED | frozenset(getattr(record.instance_type, "DERIVED_FIELDS", ()))
    if previous is None:
        return [
            {"field": f.name, "before": None, "after": getattr(record, f.attname)}
            for f in record.instance_type._meta.concrete_fields
            if f.name not in skip
        ]
    # Compared here rather than with diff_against, which leaves out non-editable fields such as deleted_at.
    changes = [
        {"field": f.name, "before": getattr(previous, f.attname), "after": getattr(record, f.attname)}
        for f in record.tracked_fields
        if f.name not in skip and getattr(previous, f.attname) != getattr(record, f.attname)
    ]
    return sorted(changes, key=lambda c: c["field"])


class HistoryEntry(NamedTuple):
    record: Any
    # Each change as shown: the field's label (verbose name) and the values as a reader knows them
    # (a choice's display name, a related record's name, 是/否), not the codes stored.
    changes: list[dict[str, Any]]
    # The object's first row (its creation, as far as the history goes): its changes are all its fields.
    first: bool
    # Why the change was made, as given by who made it (``reason_label`` may word a stored code).
    reason: str = ""


def _shown_values(model, raw: list[dict[str, Any]]) -> dict[tuple[str, Any], str]:
    """The names of the related records the changes point to: one query per related model."""
    wanted: dict[Any, set] = {}
    for change in raw:
        field = model._meta.get_field(change["field"])
        if field.is_relation and field.many_to_one:
            for value in (change["before"], change["after"]):
                if value is not None:
                    wanted.setdefault(field, set()).add(value)
    names = {}
    for field, pks in wanted.items():
        related = field.related_model._base_manager.in_bulk(pks)
        for pk in pks:
            names[(field.name, pk)] = str(related[pk]) if pk in related else f"#{pk}"
    return names


def _shown(field, value, names) -> str:
    if value is None or value == "":
        return ""
    if field.is_relation:
        return names.get((field.name, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def displayed_changes(model, raw: list[dict[str, Any]], names=None) -> list[dict[str, Any]]:
    """``changes_of`` as shown to a reader: {field, label, before, after} with labels and display values."""
    names = _shown_values(model, raw) if names is None else names
    shown = []
    for change in raw:
        field = model._meta.get_field(change["field"])
        shown.append(
            {
                "field": change["field"],
                "label": str(field.verbose_name),
                "before": _shown(field, change["before"], names),
                "after": _shown(field, change["after"], names),
            }
        )
    return shown


def history_with_changes(history, limit: int = 50, reason_label: Callable[[str], str] | None = None):
    """The newest ``limit`` history rows of one object, each with its changes as shown, in one query
    (and one more per kind of related record a change points to).

    One row more than shown is read, so that the oldest shown row has its predecessor at hand; when
    there is none, the oldest row read is the object's first.
    """
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    raw = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        raw.append((record, changes_of(record, previous) if previous is not None else [], previous is None))
    if not raw:
        return []
    model = raw[0][0].instance_type
    names = _shown_values(model, [change for _record, changes, _first in raw for change in changes])
    entries = []
    for record, changes, first in raw:
        reason = record.history_change_reason or ""
        entries.append(
            HistoryEntry(
                record,
                displayed_changes(model, changes, names),
                first,
                reason_label(reason) if reason and reason_label else reason,
            )
        )
    return entries
