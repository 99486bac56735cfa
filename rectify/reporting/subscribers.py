"""What the reporting app does when the ledger moves: each subscriber queues a job (after the commit),
so no request waits on it; the jobs are idempotent, and the daily sweep catches what a lost job missed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rectify.core import jobs

if TYPE_CHECKING:
    from rectify.core.events import Event

# Events after which a finding's obligations are brought up to date.
SYNC_ON = (
    "finding.issued",
    "finding.started",
    "finding.returned",
    "finding.closed",
    "finding.long_term",
    "finding.resumed",
    "finding.updated",
    "plan.submitted",
    "delay.accepted",
)


def on_finding_changed(event: Event) -> None:
    if event.object_label == "findings.Finding":
        jobs.enqueue("rectify.reporting.jobs.sync_finding", event.object_id, group="reporting")


def on_report_submitted(event: Event) -> None:
    report_id = event.data.get("report_id")
    if report_id:
        jobs.enqueue("rectify.reporting.jobs.meet_report", report_id, group="reporting")
