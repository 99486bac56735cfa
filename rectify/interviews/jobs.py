"""The interview rules as jobs (queued by the subscribers)."""

from rectify.interviews import services


def propose_for_escalation(proposal_id: int) -> None:
    services.propose_for_escalation(proposal_id)


def propose_for_verification(finding_id: int, actor_id: int | None = None) -> None:
    services.propose_for_verification(finding_id, actor_id)


def propose_for_repeat(finding_id: int, actor_id: int | None = None) -> None:
    services.propose_for_repeat(finding_id, actor_id)


def follow_dismissed_escalation(escalation_id: int) -> None:
    services.follow_dismissed_escalation(escalation_id)
