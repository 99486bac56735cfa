"""The finding page's panel: similar earlier findings the user may see, and the repeat proposals
with the auditor's confirm and reject buttons. The page holds its place only; its content is loaded beside
the page (``views.FindingSimilarView``): the search and the visibility of its hits cost a province's or a
city's auditor 25 to 65 ms, which the finding's own page no longer waits for."""

from __future__ import annotations

from django.urls import reverse

from rectify.analysis import services
from rectify.analysis.choices import ProposalState
from rectify.core.panels import FINDING, Panel, register_panel


def finding_similar(user, finding) -> dict | None:
    if not services.may_search(user):
        return None
    proposals = list(services.proposals_for(user, finding))
    proposed = {p.earlier_id for p in proposals}
    similar = [s for s in services.similar_to_finding(user, finding) if s.finding.pk not in proposed]
    if not similar and not proposals:
        return None
    decidable = {p.pk for p in proposals if p.may_act and p.state == ProposalState.PROPOSED}
    return {"similar": similar, "proposals": proposals, "decidable": decidable}


def finding_similar_place(user, finding) -> dict | None:
    """The panel's place on the finding page, with the address its content is loaded from."""
    if not services.may_search(user):
        return None
    return {"url": reverse("analysis:finding-similar", args=[finding.pk])}


def register() -> None:
    register_panel(
        Panel("analysis.similar", FINDING, "analysis/panel_finding_place.html", finding_similar_place, order=40)
    )
