"""The demo's analysis (``rectify.analysis``), through its services once the ledger is in: the similarity
index is built, the latest year's findings are checked for repeats of earlier ones (proposals recorded),
the demo auditor confirms one proposal and rejects another (every state of a proposal is shown), and
the district's clusters are computed."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from rectify.analysis import services as analysis
from rectify.analysis.choices import ProposalState
from rectify.analysis.models import RepeatProposal
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding

CHECKED = 300


class AnalysisPart:
    def _analysis(self) -> None:
        auditor = self.users["auditor"]
        analysis.rebuild()
        latest = Finding.objects.exclude(state=FindingState.DRAFT).order_by("-project__year", "pk")
        for pk in latest.values_list("pk", flat=True)[:CHECKED]:
            analysis.propose_repeats(pk)
        decided = set()
        proposals = RepeatProposal.objects.filter(state=ProposalState.PROPOSED).select_related(
            "finding__project", "earlier__project"
        )
        for proposal in proposals.order_by("-score", "pk"):
            finding, earlier = proposal.finding, proposal.earlier
            # The demo's repeats are of the same unit and category in an earlier year: confirm only such a one.
            alike = (
                proposal.same_unit
                and finding.category_id == earlier.category_id
                and earlier.project.year < finding.project.year
            )
            wanted = "confirm" if alike and "confirm" not in decided else "reject" if not alike else None
            if wanted is None or wanted in decided:
                continue
            try:
                if wanted == "confirm":
                    analysis.confirm(auditor, proposal.pk, reason="演示：经核对，属同一问题再次发生。")
                else:
                    analysis.reject(auditor, proposal.pk, reason="演示：两者问题实质不同，不属屡审屡犯。")
            except (ValidationError, RepeatProposal.DoesNotExist):
                continue
            decided.add(wanted)
            if decided == {"confirm", "reject"}:
                break
        jurisdiction = auditor.organization.jurisdiction_id
        analysis.compute_clusters(jurisdiction)
