"""The figures of a summary report, folded from the facts of the ledger rows of a scope.

``finding_facts`` reads, in a fixed number of queries whatever the size of the scope, each published
finding's share of the figures: its state and deadline (hence its colour), money involved, money
rectified by method over its counted rounds, money verified, latest verdict, whether it repeats an
earlier finding, and the rules adopted and people held accountable in its rounds. ``fold`` adds facts
up: the ledger's numbers (``rectify.ledger.figures.ledger_figures`` over the same rows gives the same
counts by state and colour and the same money), with what a summary report adds to them. The totals
and every breakdown (by area, by unit, by project) are ``fold`` over the facts of the rows in that
group, and the annex's rows are built from the same facts, so a breakdown, its total and the annex
cannot disagree, and a report of a hundred groups costs no more queries than one of a single group.

The figures are computed when a report is drafted, refreshed and approved, and stored with it as
JSON (amounts as strings of Decimal yuan, dates ISO): pages and documents read the stored figures,
and approval freezes them.
"""

from __future__ import annotations

import datetime
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from rectify.audits.choices import AuditType
from rectify.findings.choices import Colour, FindingState
from rectify.findings.models import Category, Finding
from rectify.findings.warning import colour_for, local_today
from rectify.ledger.figures import ZERO
from rectify.rectification.choices import AMOUNT_METHODS, Verdict
from rectify.rectification.models import (
    AccountabilityRecord,
    AdoptedRule,
    DelayExplanation,
    ProgressReport,
    Verification,
)
from rectify.summaries.choices import SummaryKind

if TYPE_CHECKING:
    from rectify.summaries.models import SummaryReport

# How many unrectified items a report lists by name; the annex lists them all.
ITEMS_LIMIT = 200


def scope_findings(report: SummaryReport) -> QuerySet:
    """The ledger rows a report counts: published findings of its scope (the same rows the ledger shows
    with the same filters)."""
    findings = Finding.objects.exclude(state=FindingState.DRAFT)
    issuer = report.issuer
    if report.kind == SummaryKind.UNIT:
        return findings.filter(pk__in=report.findings.values("pk"), unit_id=issuer.pk)
    if report.kind == SummaryKind.SECTOR:
        findings = findings.filter(unit_id__in=(report.department or issuer).subtree_ids())
    else:
        findings = findings.filter(project__jurisdiction_id=issuer.jurisdiction_id)
        if report.department_id:
            findings = findings.filter(unit_id__in=report.department.subtree_ids())
    if report.kind == SummaryKind.CONGRESS:
        findings = findings.filter(project__type=AuditType.BUDGET_EXECUTION)
    if report.year:
        findings = findings.filter(project__year=report.year)
    if report.project_id:
        findings = findings.filter(project_id=report.project_id)
    return findings


def _money(value: Decimal | None) -> str:
    return str((value or ZERO).quantize(Decimal("0.01")))


def latest_verdict() -> Subquery:
    """The verdict of a finding's latest verification (by time), as an annotation."""
    latest = Verification.objects.filter(finding=OuterRef("pk")).order_by("-verified_at", "-pk").values("verdict")
    return Subquery(latest[:1])


@dataclass(frozen=True)
class FindingFacts:
    """One published finding's share of the figures: what ``fold`` adds up for a scope or a group."""

    pk: int
    unit_id: int
    unit_code: str
    unit_name: str
    project_id: int
    project_order: tuple[int, int]
    project_name: str
    report_number: str
    area_id: int
    state: str
    deadline: datetime.date | None
    amount_involved: Decimal
    by_method: dict[str, Decimal]
    verified: Decimal
    verdict: str | None
    repeat: bool
    rules: int
    people: int

    @property
    def rectified(self) -> Decimal:
        return sum(self.by_method.values(), ZERO)


def _counted_by_method(ids: QuerySet) -> dict[int, dict[str, Decimal]]:
    """Money each finding's counted rounds rectified, by method (the ledger's rule: rejected rounds are void)."""
    rows = (
        ProgressReport.objects.counted()
        .filter(finding__in=ids)
        .values("finding")
        .order_by()
        .annotate(**{field: Sum(field) for field, _label in AMOUNT_METHODS})
    )
    return {row["finding"]: {field: row[field] or ZERO for field, _label in AMOUNT_METHODS} for row in rows}


def _distinct_rules(ids: QuerySet) -> dict[int, int]:
    """Rules each finding's rounds adopted, a rule reported in two rounds counted once."""
    counts: dict[int, int] = defaultdict(int)
    for finding_id, _title, _number in (
        AdoptedRule.objects.filter(report__finding__in=ids, report__deleted_at__isnull=True)
        .values_list("report__finding", "title", "document_number")
        .distinct()
    ):
        counts[finding_id] += 1
    return counts


def _people(ids: QuerySet) -> dict[int, int]:
    return dict(
        AccountabilityRecord.objects.filter(report__finding__in=ids, report__deleted_at__isnull=True)
        .values("report__finding")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("report__finding", "n")
    )


def _verified(ids: QuerySet) -> dict[int, Decimal]:
    """The amount each finding's latest verification (by time) recognised."""
    latest: dict[int, Decimal] = {}
    for finding_id, amount in (
        Verification.objects.filter(finding__in=ids)
        .order_by("finding_id", "verified_at", "pk")
        .values_list("finding_id", "verified_amount")
    ):
        latest[finding_id] = amount or ZERO
    return latest


def finding_facts(findings: QuerySet) -> list[FindingFacts]:
    """The facts of the published findings among ``findings``, in a fixed number of queries (five) whatever
    their number: every total and every breakdown of a report is folded from them."""
    published = findings.exclude(state=FindingState.DRAFT).order_by()
    ids = published.values("pk")
    by_method, rules, people, verified = _counted_by_method(ids), _distinct_rules(ids), _people(ids), _verified(ids)
    rows = (
        published.with_repeat_flag()
        .annotate(verdict=latest_verdict(), area=Coalesce("category__parent_id", "category_id"))
        .values_list(
            "pk", "unit_id", "unit__code", "unit__name", "project_id", "project__year", "project__sequence",
            "project__name", "project__report_number", "area", "state", "deadline", "amount_involved", "verdict",
            "repeats_earlier",
        )
        .order_by("pk")
    )  # fmt: skip
    none = {field: ZERO for field, _label in AMOUNT_METHODS}
    return [
        FindingFacts(
            pk=pk, unit_id=unit_id, unit_code=unit_code, unit_name=unit_name, project_id=project_id,
            project_order=(year, sequence), project_name=project_name, report_number=report_number or "",
            area_id=area, state=state, deadline=deadline, amount_involved=amount or ZERO,
            by_method=by_method.get(pk, none), verified=verified.get(pk, ZERO), verdict=verdict, repeat=bool(repeat),
            rules=rules.get(pk, 0), people=people.get(pk, 0),
        )
        for (pk, unit_id, unit_code, unit_name, project_id, year, sequence, project_name, report_number, area, state,
             deadline, amount, verdict, repeat) in rows
    ]  # fmt: skip


def fold(facts: list[FindingFacts], today: datetime.date | None = None) -> dict[str, Any]:
    """The figures of a set of published findings, as JSON-ready values: the ledger's counts by state and
    colour and its money (``rectify.ledger.figures.ledger_figures`` over the same rows gives the same
    numbers), and what a summary report adds to them."""
    today = today or local_today()
    count = len(facts)
    states = Counter(f.state for f in facts)
    colours = Counter(colour_for(f.state, f.deadline, today) for f in facts)
    closed = states[FindingState.CLOSED]
    partly = sum(1 for f in facts if f.verdict == Verdict.PARTLY_RECTIFIED and f.state != FindingState.CLOSED)
    methods = {field: sum((f.by_method[field] for f in facts), ZERO) for field, _label in AMOUNT_METHODS}
    unrectified = sum((max(f.amount_involved - f.rectified, ZERO) for f in facts), ZERO)
    return {
        "count": count,
        "units": len({f.unit_id for f in facts}),
        "areas": len({f.area_id for f in facts}),
        "projects": len({f.project_id for f in facts}),
        "rectified": closed,
        "partly": partly,
        "in_progress": count - closed - partly,
        "rate": round(closed * 100 / count, 1) if count else None,
        "overdue": colours[Colour.RED],
        "yellow": colours[Colour.YELLOW],
        "long_term": states[FindingState.LONG_TERM],
        "submitted": states[FindingState.SUBMITTED],
        "repeats": sum(1 for f in facts if f.repeat),
        "amount_involved": _money(sum((f.amount_involved for f in facts), ZERO)),
        "amount_rectified": _money(sum(methods.values(), ZERO)),
        "amount_by_method": [[field, _money(amount)] for field, amount in methods.items()],
        "amount_verified": _money(sum((f.verified for f in facts), ZERO)),
        "amount_unrectified": _money(unrectified),
        "rules": sum(f.rules for f in facts),
        "people": sum(f.people for f in facts),
    }


def scope_figures(findings: QuerySet, today: datetime.date | None = None) -> dict[str, Any]:
    """The figures of the published findings among ``findings``, as JSON-ready values."""
    return fold(finding_facts(findings), today)


# --- the report's figures: totals, breakdowns and lists, by kind ------------------------------------


def _groups(facts: list[FindingFacts], key) -> dict[Any, list[FindingFacts]]:
    grouped: dict[Any, list[FindingFacts]] = defaultdict(list)
    for fact in facts:
        grouped[key(fact)].append(fact)
    return grouped


def by_area(facts: list[FindingFacts], today: datetime.date) -> list[dict[str, Any]]:
    """Figures per area (a level-1 category): the sections of the report to the congress."""
    grouped = _groups(facts, lambda f: f.area_id)
    areas = Category.objects.filter(pk__in=list(grouped)).order_by("code")
    return [{"area": area.pk, "name": area.name, **fold(grouped[area.pk], today)} for area in areas]


def by_unit(facts: list[FindingFacts], today: datetime.date) -> list[dict[str, Any]]:
    grouped = _groups(facts, lambda f: f.unit_id)
    units = sorted(grouped.values(), key=lambda group: group[0].unit_code)
    return [{"unit": group[0].unit_id, "name": group[0].unit_name, **fold(group, today)} for group in units]


def by_project(facts: list[FindingFacts], today: datetime.date) -> list[dict[str, Any]]:
    grouped = _groups(facts, lambda f: f.project_id)
    projects = sorted(grouped.values(), key=lambda group: (*group[0].project_order, group[0].project_id))
    return [
        {"project": group[0].project_id, "name": group[0].project_name, **fold(group, today),
         "report_number": group[0].report_number}
        for group in projects
    ]  # fmt: skip


def common_problems(findings: QuerySet) -> list[dict[str, Any]]:
    """The sector's problems by category (level 2), most frequent first: how many findings and in how
    many units (典型性、普遍性、倾向性: a problem found in two or more units is common)."""
    rows = (
        findings.exclude(state=FindingState.DRAFT)
        .order_by()
        .values("category_id", "category__code", "category__name")
        .annotate(findings=Count("pk"), units=Count("unit", distinct=True))
        .order_by("-units", "-findings", "category__code")
    )
    return [
        {"category": row["category__name"], "code": row["category__code"], "findings": row["findings"],
         "units": row["units"]}
        for row in rows
    ]  # fmt: skip


def _latest_reports(findings: QuerySet) -> dict[int, ProgressReport]:
    latest: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(finding__in=findings.values("pk")).order_by("finding_id", "round"):
        latest[report.finding_id] = report
    return latest


def _item(finding: Finding, report: ProgressReport | None, today: datetime.date) -> dict[str, Any]:
    days = finding.days_left
    return {
        "id": finding.pk,
        "ledger_number": finding.ledger_number,
        "title": finding.title,
        "unit": finding.unit.name,
        "project": finding.project.name,
        "state": finding.state,
        "kind": finding.kind,
        "deadline": finding.deadline.isoformat() if finding.deadline else "",
        "days_overdue": -days if days is not None and days < 0 else 0,
        "amount_involved": _money(finding.amount_involved),
        "reason": (report.unfinished_reason if report else "") or "",
        "next_steps": (report.next_steps if report else "") or "",
        "next_steps_due": report.next_steps_due.isoformat() if report and report.next_steps_due else "",
    }


def unrectified_items(findings: QuerySet, today: datetime.date) -> list[dict[str, Any]]:
    """The findings not yet closed, with the reasons and next steps of their latest round."""
    open_findings = (
        findings.exclude(state__in=[FindingState.DRAFT, FindingState.CLOSED])
        .select_related("unit", "project")
        .order_by("project__year", "ledger_number")[:ITEMS_LIMIT]
    )
    open_findings = list(open_findings)
    latest = _latest_reports(Finding.objects.filter(pk__in=[f.pk for f in open_findings]))
    return [_item(f, latest.get(f.pk), today) for f in open_findings]


def accountability_proposals(findings: QuerySet, today: datetime.date) -> list[dict[str, Any]]:
    """Units proposed for accountability (source 三(四)): findings overdue with no delay explanation,
    found falsely rectified, or repeating an earlier finding; one row per unit."""
    published = findings.exclude(state=FindingState.DRAFT).with_repeat_flag().annotate(verdict=latest_verdict())
    explained = DelayExplanation.objects.filter(finding=OuterRef("pk")).values("pk")
    rows = (
        published.annotate(explained=Exists(explained))
        .order_by()
        .values("unit_id", "unit__name", "unit__head_name")
        .annotate(
            overdue=Count("pk", filter=Q(pk__in=findings.overdue(today).values("pk")) & Q(explained=False)),
            false=Count("pk", filter=Q(verdict=Verdict.FALSE_RECTIFICATION)),
            repeats=Count("pk", filter=Q(repeats_earlier=True)),
        )
        .order_by("unit__name")
    )
    return [
        {"unit": row["unit__name"], "head": row["unit__head_name"] or "", "overdue": row["overdue"],
         "false": row["false"], "repeats": row["repeats"]}
        for row in rows
        if row["overdue"] or row["false"] or row["repeats"]
    ]  # fmt: skip


def unit_items(findings: QuerySet, facts: list[FindingFacts]) -> list[dict[str, Any]]:
    """Each finding of a unit's own report with its rounds, money and latest verdict."""
    own = {fact.pk: fact for fact in facts}
    chosen = (
        findings.exclude(state=FindingState.DRAFT)
        .select_related("unit", "project")
        .annotate(verdict=latest_verdict())
        .order_by("ledger_number")
    )
    chosen = list(chosen)
    reports: dict[int, list[ProgressReport]] = {}
    for report in ProgressReport.objects.filter(finding__in=[f.pk for f in chosen]).order_by("finding_id", "round"):
        reports.setdefault(report.finding_id, []).append(report)
    items = []
    for finding in chosen:
        one = fold([own[finding.pk]])
        rounds = [
            {"round": r.round, "submitted_at": timezone.localtime(r.submitted_at).date().isoformat(),
             "measures": r.measures, "progress": r.progress, "unfinished_reason": r.unfinished_reason,
             "next_steps": r.next_steps}
            for r in reports.get(finding.pk, [])
        ]  # fmt: skip
        items.append(
            {
                **_item(finding, (reports.get(finding.pk) or [None])[-1], local_today()),
                "description": finding.description,
                "verdict": finding.verdict or "",
                "rounds": rounds,
                "figures": one,
            }
        )
    return items


SECTIONS_BY_KIND = {
    SummaryKind.SECTOR: ("by_unit", "common_problems", "unrectified"),
    SummaryKind.COMMITTEE: ("by_project", "by_unit", "unrectified", "accountability"),
    SummaryKind.GOVERNMENT: ("by_project", "by_unit", "unrectified", "accountability"),
    SummaryKind.CONGRESS: ("by_area", "unrectified"),
    SummaryKind.UNIT: ("unit_items",),
}


def report_figures(
    report: SummaryReport, today: datetime.date | None = None, facts: list[FindingFacts] | None = None
) -> tuple[dict[str, Any], list[int]]:
    """Everything a report shows, computed now from the ledger rows of its scope, and those rows' ids.
    ``facts``: those of the report's scope, when the caller has them already."""
    today = today or local_today()
    findings = scope_findings(report)
    if facts is None:
        facts = finding_facts(findings)
    figures: dict[str, Any] = OrderedDict(totals=fold(facts, today), computed_on=today.isoformat())
    for part in SECTIONS_BY_KIND[report.kind]:
        if part == "by_unit":
            figures[part] = by_unit(facts, today)
        elif part == "by_project":
            figures[part] = by_project(facts, today)
        elif part == "by_area":
            figures[part] = by_area(facts, today)
        elif part == "common_problems":
            figures[part] = common_problems(findings)
        elif part == "unrectified":
            figures[part] = unrectified_items(findings, today)
        elif part == "accountability":
            figures[part] = accountability_proposals(findings, today)
        elif part == "unit_items":
            figures[part] = unit_items(findings, facts)
    ids = list(findings.order_by("project__year", "ledger_number").values_list("pk", flat=True))
    return dict(figures), ids


def method_label(field: str) -> str:
    return str(dict(AMOUNT_METHODS).get(field, field))


def finding_rows(
    findings: QuerySet, today: datetime.date | None = None, facts: list[FindingFacts] | None = None
) -> list[dict[str, Any]]:
    """One row per published finding of the scope with its own figures: the rows the totals add up
    (the Excel annex lists them; its column sums are the report's totals). ``facts``: those of the same
    findings, when the caller has them already."""
    today = today or local_today()
    of = {fact.pk: fact for fact in (finding_facts(findings) if facts is None else facts)}
    described = (
        findings.exclude(state=FindingState.DRAFT)
        .order_by("project__year", "ledger_number")
        .values_list(
            "pk", "ledger_number", "project__year", "project__name", "project__report_number", "unit__name",
            "category__name", "category__parent_id", "category__parent__name", "title", "kind",
        )
    )  # fmt: skip
    rows = []
    for pk, number, year, project, report_number, unit, category, parent_id, parent, title, kind in described:
        fact = of[pk]
        rectified = fact.rectified
        partly = fact.verdict == Verdict.PARTLY_RECTIFIED and fact.state != FindingState.CLOSED
        rows.append(
            {
                "id": pk,
                "ledger_number": number,
                "year": year,
                "project": project,
                "report_number": report_number,
                "unit": unit,
                "area": parent if parent_id else category,
                "category": category,
                "title": title,
                "kind": kind,
                "deadline": fact.deadline.isoformat() if fact.deadline else "",
                "state": fact.state,
                "progress": "rectified" if fact.state == FindingState.CLOSED else "partly" if partly else "in_progress",
                "colour": colour_for(fact.state, fact.deadline, today) or "",
                "verdict": fact.verdict or "",
                "repeat": fact.repeat,
                "amount_involved": _money(fact.amount_involved),
                **{field: _money(amount) for field, amount in fact.by_method.items()},
                "amount_rectified": _money(rectified),
                "amount_unrectified": _money(max(fact.amount_involved - rectified, ZERO)),
                "rules": fact.rules,
                "people": fact.people,
            }
        )
    return rows
