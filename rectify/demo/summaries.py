"""The demo's summary reports (``rectify.summaries``), written through the services once the ledger is
in: one in each state (draft, submitted, approved, sent), among them the demo department's sector
summary, the audit office's reports to the committee and to the government, the government's report
to the congress, and the demo unit's own report; the committee office, the government and the congress
find what was sent to them on their workbenches."""

from __future__ import annotations

from rectify.core.exceptions import ActionRefused
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.summaries import services as summaries


class SummariesPart:
    def _summaries(self) -> None:
        u = self.users
        auditor, lead, gov = u["auditor"], u["auditlead"], u["gov"]
        self.summary_reports = []

        def sent(report, approver, sender):
            summaries.submit_report(report.drafted_by, report)
            summaries.approve_report(approver, report)
            return summaries.send_report(sender, report)

        def create(actor, **kwargs):
            # The latest audit year with findings in the report's scope.
            for year in reversed(self.years):
                try:
                    return summaries.create_report(actor, year=year, **kwargs)
                except ActionRefused:
                    continue
            return None

        made = []
        sector = create(u["dept"], kind="sector")
        if sector is not None:
            made.append(sent(sector, u["depthead"], u["dept"]))
        for kind in ("committee", "government", "congress"):
            report = create(auditor, kind=kind)
            if report is not None:
                made.append(sent(report, gov if kind == "congress" else lead, gov if kind == "congress" else auditor))
        # Still on their way: the audit office's report to the government on the year before awaits the
        # audit leader's approval; the unit's own report is signed off and not yet sent; a draft.
        earlier = self.years[-2]
        try:
            waiting = summaries.create_report(auditor, kind="government", year=earlier)
            made.append(summaries.submit_report(auditor, waiting))
        except ActionRefused:
            pass
        own = list(
            Finding.objects.filter(unit=u["unit"].organization)
            .exclude(state=FindingState.DRAFT)
            .exclude(project__audit_office=u["unit"].organization)  # its own internal audit: reported inside
            .order_by("-project__year", "ledger_number")[:3]
        )
        if own:
            report = summaries.create_report(u["unit"], kind="unit", findings=own)
            summaries.submit_report(u["unit"], report)
            made.append(summaries.approve_report(u["unithead"], report))
            made.append(summaries.create_report(u["unit"], kind="unit", findings=own[:1]))
        try:
            made.append(summaries.create_report(auditor, kind="committee", year=earlier))
        except ActionRefused:
            pass
        self.summary_reports = made
