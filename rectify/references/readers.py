"""The two references as read models over the ledger (source 三(六)); they write nothing.

Every figure is the ledger's own arithmetic (``rectify.ledger.figures``): the money involved, the money
rectified (the counted report rounds: a round the auditor found not rectified or falsely rectified is
void) and the money verified (each finding's latest verification), grouped in the database by project, by
unit and year, or by finding. Money not rectified is what was involved less what was rectified, never
below nothing. Each page asks a fixed number of queries, whatever the number of units or findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum

from rectify.audits.models import AuditProject
from rectify.core.money import CENT
from rectify.core.visibility import NOTHING
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.findings.warning import local_today
from rectify.interviews.choices import DECIDED_STATES
from rectify.interviews.models import Interview
from rectify.ledger.figures import ZERO, amount_verified_by, amounts_rectified_by, ledger_figures
from rectify.rectification.models import Verification
from rectify.references.scopes import budget_findings_q, cadre_findings_q, cadre_projects_q
from rectify.referrals.models import Referral
from rectify.referrals.scopes import DELIVERED

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.organizations.models import Organization

# How many audit years the budget reference's history shows.
HISTORY_YEARS = 5


def yuan(value: Decimal | None) -> Decimal:
    """An amount to the cent (SQLite's sums come back with trailing digits)."""
    return (value or ZERO).quantize(CENT)


def unrectified(involved: Decimal, rectified: Decimal) -> Decimal:
    """Money not rectified: involved less rectified, never below nothing."""
    return max(involved - rectified, ZERO)


def rate(closed: int, count: int) -> float | None:
    return round(closed * 100 / count, 1) if count else None


# --- the cadre reference (干部监督参考) ------------------------------------------------------------------


def cadre_projects(user: User) -> QuerySet:
    """The audits of cadres the user's cadre reference lists, latest first (none for other roles)."""
    scope = cadre_projects_q(user)
    if scope is NOTHING:
        return AuditProject.objects.none()
    return AuditProject.objects.filter(scope).select_related("audit_office").order_by("-year", "-report_date", "-pk")


def cadre_findings(user: User) -> QuerySet:
    scope = cadre_findings_q(user)
    if scope is NOTHING:
        return Finding.objects.none()
    return Finding.objects.filter(scope)


def decided_interviews(user: User, findings: QuerySet) -> QuerySet:
    """The interviews of ``findings`` the user sees, once decided (a proposal is a working paper)."""
    return Interview.objects.restrict(user).filter(finding__in=findings.values("pk"), state__in=DECIDED_STATES)


def delivered_referrals(user: User, findings: QuerySet) -> QuerySet:
    """The referrals citing ``findings`` the user sees, once sent (a draft is a working paper)."""
    citing = Referral.findings.through.objects.filter(finding_id__in=findings.values("pk")).values("referral_id")
    return Referral.objects.restrict(user).filter(pk__in=citing, state__in=DELIVERED)


def cadre_figures(user: User, project_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The figures of each listed audit of a cadre, in five queries whatever their number."""
    findings = cadre_findings(user).filter(project_id__in=project_ids)
    figures: dict[int, dict[str, Any]] = {
        pk: {"count": 0, "closed": 0, "involved": ZERO, "rectified": ZERO, "verified": ZERO, "interviews": 0,
             "referrals": 0}
        for pk in project_ids
    }  # fmt: skip
    for row in (
        findings.order_by()
        .values("project_id")
        .annotate(
            count=Count("pk"), closed=Count("pk", filter=Q(state=FindingState.CLOSED)), involved=Sum("amount_involved")
        )
    ):
        figures[row["project_id"]].update(count=row["count"], closed=row["closed"], involved=yuan(row["involved"]))
    for (project_id,), amount in amounts_rectified_by(findings, "project_id").items():
        figures[project_id]["rectified"] = yuan(amount)
    for (project_id,), amount in amount_verified_by(findings, "project_id").items():
        figures[project_id]["verified"] = yuan(amount)
    for row in decided_interviews(user, findings).order_by().values("finding__project_id").annotate(n=Count("pk")):
        figures[row["finding__project_id"]]["interviews"] = row["n"]
    referral_ids = delivered_referrals(user, findings).values("pk")
    for row in (
        Referral.findings.through.objects.filter(referral_id__in=referral_ids, finding__in=findings.values("pk"))
        .order_by()
        .values("finding__project_id")
        .annotate(n=Count("referral_id", distinct=True))
    ):
        figures[row["finding__project_id"]]["referrals"] = row["n"]
    for values in figures.values():
        values["unrectified"] = unrectified(values["involved"], values["rectified"])
        values["rate"] = rate(values["closed"], values["count"])
    return figures


@dataclass
class FindingLine:
    """One finding of a reference, with its money and its latest verification."""

    finding: Finding
    rectified: Decimal = ZERO
    verified: Decimal = ZERO
    verification: Verification | None = None
    interviews: list = field(default_factory=list)
    referrals: list = field(default_factory=list)

    @property
    def unrectified(self) -> Decimal:
        return unrectified(self.finding.amount_involved, self.rectified)


def finding_lines(findings: QuerySet) -> list[FindingLine]:
    """The findings with their money rectified and their latest verification (three queries)."""
    rows = list(findings.select_related("unit", "category", "project").order_by("project__year", "ledger_number"))
    rectified = amounts_rectified_by(findings, "pk")
    latest: dict[int, Verification] = {}
    for verification in Verification.objects.filter(finding__in=findings.values("pk")).order_by(
        "finding_id", "verified_at", "pk"
    ):
        latest[verification.finding_id] = verification
    return [
        FindingLine(
            finding=finding,
            rectified=yuan(rectified.get((finding.pk,))),
            verified=latest[finding.pk].verified_amount if finding.pk in latest else ZERO,
            verification=latest.get(finding.pk),
        )
        for finding in rows
    ]


def cadre_detail(user: User, project: AuditProject) -> dict[str, Any]:
    """The reference for one audited leader: the audit, its findings with their rectification and results,
    the ledger's figures of them, and the accountability outcomes (interviews held, referrals and what the
    receiving bodies fed back)."""
    findings = cadre_findings(user).filter(project=project)
    lines = finding_lines(findings)
    by_id = {line.finding.pk: line for line in lines}
    interviews = list(
        decided_interviews(user, findings)
        .select_related("unit", "finding")
        .annotate(items_total=Count("items"), items_verified=Count("items", filter=Q(items__state="verified")))
        .order_by("proposed_on", "pk")
    )
    referrals = list(
        delivered_referrals(user, findings)
        .select_related("recipient")
        .prefetch_related("persons", "findings")
        .order_by("sent_at", "pk")
    )
    for interview in interviews:
        by_id[interview.finding_id].interviews.append(interview)
    for referral in referrals:
        for finding in referral.findings.all():
            if finding.pk in by_id:
                by_id[finding.pk].referrals.append(referral)
    return {
        "project": project,
        "units": list(project.units.order_by("code")),
        "lines": lines,
        "figures": ledger_figures(findings),
        "interviews": interviews,
        "referrals": referrals,
        "persons": sum(len(referral.persons.all()) for referral in referrals),
    }


# --- the budget reference (预算安排参考) -----------------------------------------------------------------


def budget_findings(user: User, *, sector: int | None = None, unit: int | None = None) -> QuerySet:
    scope = budget_findings_q(user)
    if scope is NOTHING:
        return Finding.objects.none()
    findings = Finding.objects.filter(scope)
    if sector:
        findings = findings.filter(unit__sector_id=sector)
    if unit:
        findings = findings.filter(unit_id=unit)
    return findings


@dataclass
class Figures:
    count: int = 0
    closed: int = 0
    involved: Decimal = ZERO
    rectified: Decimal = ZERO
    verified: Decimal = ZERO

    def add(self, other: Figures) -> None:
        self.count += other.count
        self.closed += other.closed
        self.involved += other.involved
        self.rectified += other.rectified
        self.verified += other.verified

    @property
    def unrectified(self) -> Decimal:
        return unrectified(self.involved, self.rectified)

    @property
    def rate(self) -> float | None:
        return rate(self.closed, self.count)

    def as_dict(self) -> dict[str, Any]:
        return {
            "findings": self.count, "closed": self.closed, "amount_involved": self.involved,
            "amount_rectified": self.rectified, "amount_verified": self.verified,
            "amount_unrectified": self.unrectified, "rate": self.rate,
        }  # fmt: skip


def figures_by_unit_and_year(findings: QuerySet) -> dict[tuple[int, int], Figures]:
    """The figures of ``findings`` for each (unit, audit year): three GROUP BY queries."""
    keys = ("unit_id", "project__year")
    grouped: dict[tuple[int, int], Figures] = {}
    for row in (
        findings.order_by()
        .values(*keys)
        .annotate(
            count=Count("pk"), closed=Count("pk", filter=Q(state=FindingState.CLOSED)), involved=Sum("amount_involved")
        )
    ):
        grouped[(row["unit_id"], row["project__year"])] = Figures(
            count=row["count"], closed=row["closed"], involved=yuan(row["involved"])
        )
    for group, amount in amounts_rectified_by(findings, *keys).items():
        grouped.setdefault(group, Figures()).rectified = yuan(amount)
    for group, amount in amount_verified_by(findings, *keys).items():
        grouped.setdefault(group, Figures()).verified = yuan(amount)
    return grouped


def history_years(years_with_data, year: int | None = None) -> list[int]:
    """The audit years a history shows: ``HISTORY_YEARS`` years ending at ``year`` (or the latest year with
    findings, or this year), latest first."""
    last = year or max(years_with_data, default=None) or local_today().year
    return list(range(last, last - HISTORY_YEARS, -1))


@dataclass
class UnitRow:
    unit_id: int
    name: str
    code: str
    sector: str
    figures: Figures
    years_with_findings: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit_id, "unit_name": self.name, "unit_code": self.code, "sector": self.sector,
            **self.figures.as_dict(), "years_with_findings": self.years_with_findings,
        }  # fmt: skip


def budget_ranking(user: User, *, year: int | None = None, sector: int | None = None) -> dict[str, Any]:
    """The units with findings about fiscal funds, their money unrectified first: in ``year`` (all years
    when None), with how many of the ``HISTORY_YEARS`` years ending there had such findings. Four queries."""
    from rectify.organizations.models import Organization

    findings = budget_findings(user, sector=sector)
    grouped = figures_by_unit_and_year(findings)
    years = history_years({y for _unit, y in grouped}, year)
    totals: dict[int, Figures] = {}
    active_years: dict[int, int] = {}
    for (unit_id, audit_year), figures in grouped.items():
        if audit_year in years:
            active_years[unit_id] = active_years.get(unit_id, 0) + 1
        if year is None or audit_year == year:
            totals.setdefault(unit_id, Figures()).add(figures)
    units = {
        org.pk: org
        for org in Organization.objects.filter(pk__in=list(totals))
        .select_related("sector")
        .only("pk", "name", "code", "sector__name")
    }
    rows = [
        UnitRow(
            unit_id=unit_id, name=units[unit_id].name, code=units[unit_id].code,
            sector=units[unit_id].sector.name if units[unit_id].sector else "", figures=figures,
            years_with_findings=active_years.get(unit_id, 0),
        )
        for unit_id, figures in totals.items()
    ]  # fmt: skip
    rows.sort(key=lambda row: (-row.figures.unrectified, -row.figures.involved, row.code))
    total = Figures()
    for row in rows:
        total.add(row.figures)
    return {"rows": rows, "total": total, "years": years}


def budget_unit(user: User, unit: Organization, *, year: int | None = None) -> dict[str, Any]:
    """One unit's budget reference: its figures for each of the ``HISTORY_YEARS`` years (a year without
    findings shows nothing owed), and the findings behind them, year by year."""
    findings = budget_findings(user, unit=unit.pk)
    grouped = figures_by_unit_and_year(findings)
    years = history_years({y for _unit, y in grouped}, year)
    history = [(audit_year, grouped.get((unit.pk, audit_year), Figures())) for audit_year in years]
    total = Figures()
    for _year, figures in history:
        total.add(figures)
    lines = finding_lines(findings.filter(year__in=years))
    by_year: dict[int, list[FindingLine]] = {audit_year: [] for audit_year in years}
    for line in lines:
        by_year[line.finding.project.year].append(line)
    earlier = Figures()
    for (_unit, audit_year), figures in grouped.items():
        if audit_year < years[-1]:
            earlier.add(figures)
    return {
        "unit": unit, "years": years, "history": history, "total": total, "earlier": earlier,
        "findings_by_year": [(audit_year, by_year[audit_year]) for audit_year in years if by_year[audit_year]],
    }  # fmt: skip


def reads_budget_unit(user: User, unit_id: int) -> bool:
    return budget_findings(user, unit=unit_id).exists()


def years_of(findings: QuerySet) -> list[int]:
    return sorted(set(findings.order_by().values_list("year", flat=True).distinct()), reverse=True)
