"""The analysis page's figures, each a few grouped queries over the findings the user sees: repeat rate
by year and by unit, the top clusters, categories by sector (a heat map). Those who see figures but no
rows (the committee office, the government, the congress) see their jurisdiction's figures with small
groups suppressed (``rectify.ledger.small_groups``); the three administrators see nothing."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from rectify.accounts.choices import AUDIT_ROLES, RoleCode
from rectify.accounts.scopes import jurisdiction_ids
from rectify.analysis import services
from rectify.core.visibility import restrict
from rectify.findings.choices import FindingState
from rectify.findings.scopes import SUMMARY_ROLES
from rectify.ledger.small_groups import min_group_size

TOP_UNITS = 15
TOP_CLUSTERS = 10


def may_open_campaign(user) -> bool:
    return bool(user.role_codes & (AUDIT_ROLES | {RoleCode.DEPT_SUPERVISOR}))


def cluster_trend(cluster) -> list[dict]:
    return [{"year": int(year), "count": count} for year, count in sorted(cluster.by_year.items())]


def may_see_analysis(user) -> bool:
    """Whether the analysis page is the user's: the audit offices and competent departments (rows), the
    committee office, the government and the congress (figures, small groups suppressed)."""
    if not user.is_authenticated or user.organization_id is None:
        return False
    return bool(user.role_codes & (AUDIT_ROLES | {RoleCode.DEPT_SUPERVISOR} | SUMMARY_ROLES))


def _base(user):
    """(findings, whether small groups are suppressed), or None when the page is not the user's."""
    from rectify.findings.models import Finding

    if not may_see_analysis(user):
        return None
    if user.role_codes & (AUDIT_ROLES | {RoleCode.DEPT_SUPERVISOR}):
        return restrict(Finding.objects.exclude(state=FindingState.DRAFT), user), False
    if user.role_codes & SUMMARY_ROLES and user.organization_id:
        found = Finding.objects.exclude(state=FindingState.DRAFT).filter(
            project__jurisdiction_id__in=jurisdiction_ids(user)
        )
        return found, True
    return None


def _rate(row: dict) -> float:
    return round(100.0 * row["repeats"] / row["total"], 1) if row["total"] else 0.0


def analysis_figures(user) -> dict[str, Any] | None:
    from rectify.findings.models import Finding

    base = _base(user)
    if base is None:
        return None
    findings, suppress = base
    size = min_group_size() if suppress else 1
    repeating = Q(pk__in=Finding.repeats.through.objects.values("from_finding_id"))
    counts = {"total": Count("pk"), "repeats": Count("pk", filter=repeating)}
    by_year = [
        {"year": row["project__year"], "total": row["total"], "repeats": row["repeats"], "rate": _rate(row)}
        for row in findings.values("project__year").annotate(**counts).order_by("project__year")
        if row["total"] >= size
    ]
    by_unit = [
        {"unit": row["unit__name"], "total": row["total"], "repeats": row["repeats"], "rate": _rate(row)}
        for row in findings.values("unit__name").annotate(**counts).order_by("-total", "unit__name")[:TOP_UNITS]
        if row["total"] >= size
    ]
    cells = [
        row
        for row in findings.values("unit__sector__name", "category__parent__name").annotate(n=Count("pk"))
        if row["n"] >= size
    ]
    sectors = sorted({row["unit__sector__name"] or "—" for row in cells})
    categories = sorted({row["category__parent__name"] or "—" for row in cells})
    heat = [
        [
            categories.index(row["category__parent__name"] or "—"),
            sectors.index(row["unit__sector__name"] or "—"),
            row["n"],
        ]
        for row in cells
    ]
    clusters = []
    if not suppress:
        clusters = [
            {
                "id": c.pk,
                "title": c.title,
                "units": c.unit_count,
                "years": c.year_count,
                "findings": c.finding_count,
                "amount": str(c.amount),
                "url": c.get_absolute_url(),
            }
            for c in _top_clusters(user)
        ]
    return {
        "by_year": by_year,
        "by_unit": by_unit,
        "heat": {"sectors": sectors, "categories": categories, "cells": heat},
        "clusters": clusters,
        "suppressed": suppress,
        "min_group": size,
    }


def _top_clusters(user) -> list:
    """The largest clusters the user sees, of one scope: the district's for an audit office (a competent
    department's clusters restate a part of them, and would show the same problem twice), else the
    department's own."""
    from rectify.analysis.choices import ClusterScope

    visible = services.clusters_for(user).order_by("-unit_count", "-year_count", "-amount", "pk")
    district = list(visible.filter(scope=ClusterScope.DISTRICT)[:TOP_CLUSTERS])
    return district or list(visible.filter(scope=ClusterScope.DEPARTMENT)[:TOP_CLUSTERS])
