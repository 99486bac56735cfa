"""What the interviews app does on the ledger's events: each subscriber queues a job (after the
commit); the jobs are idempotent (one proposal per finding and ground)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rectify.core import jobs

if TYPE_CHECKING:
    from rectify.core.events import Event

PROPOSING_VERDICTS = ("not_rectified", "false_rectification", "partly_rectified")


def on_escalated(event: Event) -> None:
    if event.object_label == "reporting.EscalationProposal":
        jobs.enqueue("rectify.interviews.jobs.propose_for_escalation", event.object_id, group="interviews")


def on_verified(event: Event) -> None:
    if event.data.get("verdict") in PROPOSING_VERDICTS:
        jobs.enqueue(
            "rectify.interviews.jobs.propose_for_verification", event.object_id, event.actor_id, group="interviews"
        )


def on_issued(event: Event) -> None:
    if event.object_label == "findings.Finding":
        jobs.enqueue("rectify.interviews.jobs.propose_for_repeat", event.object_id, event.actor_id, group="interviews")


def on_escalation_dismissed(event: Event) -> None:
    if event.object_label == "reporting.EscalationProposal":
        jobs.enqueue("rectify.interviews.jobs.follow_dismissed_escalation", event.object_id, group="interviews")
