"""The demo district generator: 重庆市 › 黔江区 with five audit years of findings and their rectification.

``load_demo()`` builds everything in memory and writes it with bulk inserts inside one transaction, so a
failure leaves nothing half-loaded. The records are those the services would have written: every finding
has its requirements, timeline events, plan, report rounds (with amounts, rules, people held accountable
and evidence files), verifications, and a history row per change; the states follow the transition table
(draft → issued → rectifying → submitted → closed, returns, long-term and back).

An audit year Y (审计年度) is audited in the year after it (a 2024 budget is audited in 2025); its findings
are numbered ``QJ-Y-…``. The five years are the five ending last year, counted from ``timezone.localdate()``.
Everything is drawn from ``random.Random(seed)``: the same seed on the same day gives the same district.

The builder is put together from one part per concern, each in its own module:

- ``organizations``: the district's organizations and the demo accounts;
- ``projects``: the audit projects of the five years;
- ``findings``: the findings of each project and their repeats;
- ``outcomes``: where each finding's story has reached today, and the money of its rounds;
- ``stories``: the life of each finding, row by row, built with the services' own row constructors;
- ``evidence``: the evidence files;
- ``writer``: the bulk insert of the rows and their history rows;
- ``summaries``, ``interviews``: the summary reports and the interviews, through their services;
- ``campaigns``: special campaigns, consultations and looking back, through their services;
- ``assessment``: the performance assessment's schemes and results, through its services;
- ``summary``: what the load reports.
"""

from __future__ import annotations

import datetime
import time

from django.db import transaction

from rectify.core import events
from rectify.core.request_context import request_id_context
from rectify.demo import district as D
from rectify.demo.analysis import AnalysisPart
from rectify.demo.assessment import AssessmentPart
from rectify.demo.base import DEFAULT_FINDINGS, DEFAULT_SEED, MIN_FINDINGS, BuilderBase, DemoError, money_text
from rectify.demo.campaigns import CampaignsPart
from rectify.demo.evidence import EvidencePart
from rectify.demo.findings import FindingsPart
from rectify.demo.interviews import InterviewsPart
from rectify.demo.organizations import OrganizationsPart
from rectify.demo.outcomes import OutcomesPart
from rectify.demo.portal import PortalPart
from rectify.demo.projects import ProjectsPart
from rectify.demo.references import ReferencesPart
from rectify.demo.referrals import ReferralsPart
from rectify.demo.sharing import SharingPart
from rectify.demo.summaries import SummariesPart
from rectify.demo.summary import Summary, summarize
from rectify.demo.supervision import SupervisionPart
from rectify.demo.writer import WriterPart, story_timestamps
from rectify.organizations.models import Jurisdiction
from rectify.rectification.denormalized import rebuild_denormalized
from rectify.reporting.sweep import catch_up

__all__ = [
    "DEFAULT_FINDINGS",
    "DEFAULT_SEED",
    "MIN_FINDINGS",
    "DemoError",
    "Summary",
    "is_loaded",
    "load_demo",
    "money_text",
]


def is_loaded() -> bool:
    return Jurisdiction.all_objects.filter(code=D.DISTRICT[1]).exists()


def load_demo(
    *,
    seed: int = DEFAULT_SEED,
    findings: int = DEFAULT_FINDINGS,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Summary:
    """Loads the demo district, all or nothing."""
    if findings < MIN_FINDINGS:
        raise DemoError(f"演示数据至少需要 {MIN_FINDINGS} 条问题。")
    started = time.monotonic()
    # The jobs of the events the load publishes (notifications, evidence packages) are queued together.
    with (
        request_id_context(prefix="demo-") as request_id,
        events.dispatched_together(),
        transaction.atomic(),
        story_timestamps(),
    ):
        if is_loaded():
            raise DemoError("演示区（黔江区）已存在，未重复加载。")
        summary = _Builder(seed=seed, findings=findings, today=today, now=now, request_id=request_id).build()
    summary.seconds = time.monotonic() - started
    return summary


class _Builder(
    OrganizationsPart,
    ProjectsPart,
    FindingsPart,
    OutcomesPart,
    EvidencePart,
    WriterPart,
    SummariesPart,
    SupervisionPart,
    InterviewsPart,
    ReferralsPart,
    ReferencesPart,
    SharingPart,
    PortalPart,
    AssessmentPart,
    AnalysisPart,
    CampaignsPart,
    BuilderBase,
):
    def build(self) -> Summary:
        self._reference_data()
        self._users()
        self._projects()
        self._findings()
        self._outcomes()
        self._write_projects()
        self._write_findings()
        # The findings were written in bulk: their copies of the project's year and jurisdiction and of
        # their reports' money, recounted at once (rectify.rectification.denormalized).
        rebuild_denormalized()
        # What the units owe as of the demo's day, and the proposals the sweep would have made.
        catch_up(self.today)
        # The repeats an auditor confirms count in the reports and the assessment built below.
        self._analysis()
        # The demo unit's own internal audit and the subscriptions first: the reports count what the ledger holds.
        self._sharing()
        self._summaries()
        self._supervision()
        self._interviews()
        self._referrals()
        self._references()  # its interviews and referrals count in the assessment
        self._portal()
        self._campaigns()
        self._assessments()
        rebuild_denormalized()  # anything the later parts wrote in bulk
        return summarize(self)
