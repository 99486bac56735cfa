"""On the ledger's events the index is refreshed by a job (after the commit; one queued run however many
findings a batch saves); the refresh proposes
repeats for the findings entered since. Imported findings (bulk-inserted, no event per row) are caught
by the refresh scheduled every ten minutes, which reads what changed since the index was built."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from rectify.core import jobs

if TYPE_CHECKING:
    from rectify.core.events import Event

FINDING_EVENTS = ("finding.issued", "finding.updated")


def on_finding_changed(event: Event) -> None:
    if event.object_label == "findings.Finding":
        jobs.enqueue_coalesced("rectify.analysis.jobs.refresh", group="analysis")


INDEXED_FIELDS = frozenset({"title", "description", "unit", "project"})


def on_finding_saved(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    """A finding entered or corrected (a save of all fields, or of an indexed one; not a move of state,
    which saves its state fields only): the refresh is queued once the transaction commits."""
    if created or update_fields is None or INDEXED_FIELDS & set(update_fields):
        transaction.on_commit(lambda: jobs.enqueue_coalesced("rectify.analysis.jobs.refresh", group="analysis"))
