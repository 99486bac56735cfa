"""The figures of a summary report: one function, ``scope_figures``, over the ledger rows of a scope.

The totals are the ledger's own (``rectify.ledger.figures.ledger_figures``: counts by state and
colour, money involved, rectified by method over the counted rounds, verified), with what a summary
report adds to them from the same rows: how many areas and units, how many findings are partly
rectified, the money not yet rectified, the rules adopted and the people held accountable. Every
breakdown (by area, by unit, by project) is the same function over the part of the rows in that
group, so a breakdown and its total cannot disagree.

The figures are computed when a report is drafted, refreshed and approved, and stored with it as
JSON (amounts as strings of Decimal yuan, dates ISO): pages and documents read the stored figures,
and approval freezes them.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from rectify.audits.choices import AuditType
from rectify.findings.choices import Colour, FindingState
from rectify.findings.models import Category, Finding
from rectify.findings.warning import local_today
from rectify.ledger.figures import ZERO, ledger_figures
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


def _rectified_by_finding(published: QuerySet) -> dict[int, Decimal]:
    """Money each finding's counted rounds rectified (the ledger's rule: rejected rounds are void)."""
    rows = (
        ProgressReport.objects.counted()
        .filter(finding__in=published.values("pk"))
        .values("finding")
        .order_by()
        .annotate(**{field: Sum(field) for field, _label in AMOUNT_METHODS})
    )
    return {row["finding"]: sum((row[f] or ZERO for f, _l in AMOUNT_METHODS), ZERO) for row in rows}


def scope_figures(findings: QuerySet, today: datetime.date | None = None) -> dict[str, Any]:
    """The figures of the published findings among ``findings``, as JSON-ready values."""
    today = today or local_today()
    published = findings.exclude(state=FindingState.DRAFT).order_by()
    ledger = ledger_figures(published)
    counts = _counts(published)
    involved = dict(published.values_list("pk", "amount_involved"))
    rectified = _rectified_by_finding(published)
    unrectified = sum((max(amount - rectified.get(pk, ZERO), ZERO) for pk, amount in involved.items()), ZERO)
    rules = (
        AdoptedRule.objects.filter(report__finding__in=published.values("pk"), report__deleted_at__isnull=True)
        .values("report__finding", "title", "document_number")
        .distinct()
        .count()
    )
    people = AccountabilityRecord.objects.filter(
        report__finding__in=published.values("pk"), report__deleted_at__isnull=True
    ).count()
    closed = ledger["closed"]
    states = {state: count for state, _label, count in ledger["states"]}
    return {
        "count": ledger["published"],
        "units": counts["units"],
        "areas": counts["areas"],
        "projects": counts["projects"],
        "rectified": closed,
        "partly": counts["partly"],
        "in_progress": ledger["published"] - closed - counts["partly"],
        "rate": ledger["rate"],
        "overdue": ledger["colours"][Colour.RED],
        "yellow": ledger["colours"][Colour.YELLOW],
        "long_term": states.get(FindingState.LONG_TERM, 0),
        "submitted": states.get(FindingState.SUBMITTED, 0),
        "repeats": counts["repeats"],
        "amount_involved": _money(ledger["amount_involved"]),
        "amount_rectified": _money(ledger["amount_rectified"]),
        "amount_by_method": [[field, _money(amount)] for field, _label, amount in ledger["amount_by_method"]],
        "amount_verified": _money(ledger["amount_verified"]),
        "amount_unrectified": _money(unrectified),
        "rules": rules,
        "people": people,
    }


def _counts(published: QuerySet) -> dict[str, int]:
    """What a summary adds to the ledger's counts, in one query."""
    return (
        published.with_repeat_flag()
        .annotate(verdict=latest_verdict())
        .aggregate(
            units=Count("unit", distinct=True),
            areas=Count(Coalesce("category__parent_id", "category_id"), distinct=True),
            projects=Count("project", distinct=True),
            partly=Count("pk", filter=Q(verdict=Verdict.PARTLY_RECTIFIED) & ~Q(state=FindingState.CLOSED)),
            repeats=Count("pk", filter=Q(repeats_earlier=True)),
        )
    )


# --- the report's figures: totals, breakdowns and lists, by kind ------------------------------------


def _group(findings: QuerySet, today: datetime.date, key: str, label: str, pk: Any, name: str) -> dict[str, Any]:
    return {key: pk, label: name, **scope_figures(findings, today)}


def by_area(findings: QuerySet, today: datetime.date) -> list[dict[str, Any]]:
    """Figures per area (a level-1 category): the sections of the report to the congress."""
    published = findings.exclude(state=FindingState.DRAFT)
    area_ids = (
        published.annotate(area=Coalesce("category__parent_id", "category_id"))
        .order_by()
        .values_list("area", flat=True)
        .distinct()
    )
    areas = Category.objects.filter(pk__in=list(area_ids)).order_by("code")
    return [
        _group(
            published.filter(Q(category_id=area.pk) | Q(category__parent_id=area.pk)), today, "area", "name", area.pk,
            area.name,
        )
        for area in areas
    ]  # fmt: skip


def by_unit(findings: QuerySet, today: datetime.date) -> list[dict[str, Any]]:
    published = findings.exclude(state=FindingState.DRAFT)
    units = published.order_by("unit__code").values_list("unit_id", "unit__name").distinct()
    return [_group(published.filter(unit_id=pk), today, "unit", "name", pk, name) for pk, name in units]


def by_project(findings: QuerySet, today: datetime.date) -> list[dict[str, Any]]:
    published = findings.exclude(state=FindingState.DRAFT)
    projects = (
        published.order_by("project__year", "project__sequence")
        .values_list("project_id", "project__name", "project__report_number")
        .distinct()
    )
    groups = []
    for pk, name, number in projects:
        group = _group(published.filter(project_id=pk), today, "project", "name", pk, name)
        group["report_number"] = number
        groups.append(group)
    return groups


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


def unit_items(findings: QuerySet) -> list[dict[str, Any]]:
    """Each finding of a unit's own report with its rounds, money and latest verdict."""
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
        one = scope_figures(Finding.objects.filter(pk=finding.pk))
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


def report_figures(report: SummaryReport, today: datetime.date | None = None) -> tuple[dict[str, Any], list[int]]:
    """Everything a report shows, computed now from the ledger rows of its scope, and those rows' ids."""
    today = today or local_today()
    findings = scope_findings(report)
    figures: dict[str, Any] = OrderedDict(totals=scope_figures(findings, today), computed_on=today.isoformat())
    for part in SECTIONS_BY_KIND[report.kind]:
        if part == "by_unit":
            figures[part] = by_unit(findings, today)
        elif part == "by_project":
            figures[part] = by_project(findings, today)
        elif part == "by_area":
            figures[part] = by_area(findings, today)
        elif part == "common_problems":
            figures[part] = common_problems(findings)
        elif part == "unrectified":
            figures[part] = unrectified_items(findings, today)
        elif part == "accountability":
            figures[part] = accountability_proposals(findings, today)
        elif part == "unit_items":
            figures[part] = unit_items(findings)
    ids = list(findings.order_by("project__year", "ledger_number").values_list("pk", flat=True))
    return dict(figures), ids


def method_label(field: str) -> str:
    return str(dict(AMOUNT_METHODS).get(field, field))


def finding_rows(findings: QuerySet, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """One row per published finding of the scope with its own figures: the rows the totals add up
    (the Excel annex lists them; its column sums are the report's totals)."""
    today = today or local_today()
    published = (
        findings.exclude(state=FindingState.DRAFT)
        .with_colour(today)
        .with_repeat_flag()
        .annotate(verdict=latest_verdict())
        .select_related("project", "unit", "category", "category__parent")
        .order_by("project__year", "ledger_number")
    )
    ids = published.values("pk")
    by_method: dict[int, dict[str, Decimal]] = {}
    for row in (
        ProgressReport.objects.counted()
        .filter(finding__in=ids)
        .values("finding")
        .order_by()
        .annotate(**{field: Sum(field) for field, _label in AMOUNT_METHODS})
    ):
        by_method[row["finding"]] = {field: row[field] or ZERO for field, _label in AMOUNT_METHODS}
    distinct_rules: dict[int, int] = {}
    for finding_id, _title, _number in (
        AdoptedRule.objects.filter(report__finding__in=ids, report__deleted_at__isnull=True)
        .values_list("report__finding", "title", "document_number")
        .distinct()
    ):
        distinct_rules[finding_id] = distinct_rules.get(finding_id, 0) + 1
    people = dict(
        AccountabilityRecord.objects.filter(report__finding__in=ids, report__deleted_at__isnull=True)
        .values("report__finding")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("report__finding", "n")
    )
    rows = []
    for finding in published:
        methods = by_method.get(finding.pk, {field: ZERO for field, _label in AMOUNT_METHODS})
        rectified = sum(methods.values(), ZERO)
        category = finding.category
        area = category.parent if category.parent_id else category
        partly = finding.verdict == Verdict.PARTLY_RECTIFIED and finding.state != FindingState.CLOSED
        rows.append(
            {
                "id": finding.pk,
                "ledger_number": finding.ledger_number,
                "year": finding.project.year,
                "project": finding.project.name,
                "report_number": finding.project.report_number,
                "unit": finding.unit.name,
                "area": area.name,
                "category": category.name,
                "title": finding.title,
                "kind": finding.kind,
                "deadline": finding.deadline.isoformat() if finding.deadline else "",
                "state": finding.state,
                "progress": "rectified"
                if finding.state == FindingState.CLOSED
                else "partly"
                if partly
                else "in_progress",
                "colour": finding.colour_code or "",
                "verdict": finding.verdict or "",
                "repeat": bool(finding.repeats_earlier),
                "amount_involved": _money(finding.amount_involved),
                **{field: _money(amount) for field, amount in methods.items()},
                "amount_rectified": _money(rectified),
                "amount_unrectified": _money(max(finding.amount_involved - rectified, ZERO)),
                "rules": distinct_rules.get(finding.pk, 0),
                "people": people.get(finding.pk, 0),
            }
        )
    return rows
