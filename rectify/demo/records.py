"""The district as planned in memory before any row is written: projects, findings, outcomes, rounds."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from rectify.accounts.models import User
from rectify.audits.models import AuditProject
from rectify.findings.choices import Kind
from rectify.findings.models import Category, Finding
from rectify.organizations.models import Organization


@dataclass
class ProjectPlan:
    year: int
    type: str
    name: str
    units: list[Organization]
    finding_units: list[tuple[Organization, int]]
    role: str = ""  # "fieldwork", "yellow", "fresh" or ""
    official: str = ""
    subject: str = ""  # the construction project of an investment audit
    fund: str = ""  # the fund of a special-fund audit
    started_on: datetime.date | None = None
    report_date: datetime.date | None = None
    report_number: str = ""
    sequence: int = 0
    size: float = 1.0
    leader: User | None = None
    team: list[User] = field(default_factory=list)
    obj: AuditProject | None = None


@dataclass
class Round:
    """One report round of a finding's story."""

    verdict: str | None  # None: awaiting verification; "continued": a continued report not yet reviewed
    continued: bool = False
    final: bool = False
    claim: int = 0  # cents
    genuine_before: int = 0


@dataclass
class Outcome:
    state: str
    returns: list[str] = field(default_factory=list)  # verdicts of rounds sent back
    pending: bool = False  # the last round awaits verification
    continued_rounds: int = 0
    via_long_term: bool = False  # went through long-term before the final round
    reviewed_continued: bool = True


@dataclass
class FindingPlan:
    project: ProjectPlan
    unit: Organization
    category: Category
    sequence: int = 0
    repeats: list[FindingPlan] = field(default_factory=list)
    kind: str = Kind.IMMEDIATE
    cents: int = 0
    rda: bool = False
    outcome: Outcome | None = None
    rounds: list[Round] = field(default_factory=list)
    deadline: datetime.date | None = None
    obj: Finding | None = None

    @property
    def year(self) -> int:
        return self.project.year

    @property
    def group(self) -> str:
        return self.category.code[:2]
