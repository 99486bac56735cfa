"""The dashboard's chart data. Each point carries the ledger filters that give the same rows, so
a click on a chart opens the ledger filtered to it, and the numbers agree by construction.

Unfiltered, the figures and the charts are read from the tallies (``rectify.tallies``) when they
express the user's scope (``tally_scope``): a few hundred or thousand summary rows instead of every
finding in scope. Filtered, or for a scope the tallies cannot express, they are counted from the findings.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from rectify.findings.choices import Colour, FindingState
from rectify.findings.warning import colour_q, local_today
from rectify.ledger.figures import ledger_figures, top_named
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization
from rectify.tallies.figures import TallyScope, rows, tally_figures

TOP_UNITS = 15
# A district has a few dozen competent departments; a province's chart shows the departments with the most.
TOP_DEPARTMENTS = 40


def _rate(closed: int, published: int) -> float | None:
    return round(closed * 100 / published, 1) if published else None


def _by_department(units: list[dict]) -> list[dict]:
    """Findings per competent department, each counting every unit under it at any depth: the
    same rows the ledger's department filter gives."""
    parents = dict(Organization.objects.values_list("pk", "competent_department_id"))
    departments = dict(
        Organization.objects.filter(kind=OrganizationKind.COMPETENT_DEPARTMENT).values_list("pk", "name")
    )
    totals: dict[int, dict] = {}
    for row in units:
        node, seen = row["unit_id"], set()
        while node is not None and node not in seen:
            seen.add(node)
            if node in departments:
                total = totals.setdefault(node, {"n": 0, "closed": 0})
                total["n"] += row["n"]
                total["closed"] += row["closed"]
            node = parents.get(node)
    ordered = sorted(totals.items(), key=lambda item: (-item[1]["n"], departments[item[0]]))
    return [
        {"unit__competent_department_id": pk, "unit__competent_department__name": departments[pk], **t}
        for pk, t in ordered
    ]


def _counted(tallied: bool) -> dict:
    def count(condition: Q | None = None):
        return Sum("findings", filter=condition, default=0) if tallied else Count("pk", filter=condition)

    return {
        "n": count(),
        "published": count(~Q(state=FindingState.DRAFT)),
        "closed": count(Q(state=FindingState.CLOSED)),
    }


def dashboard_data(findings: QuerySet, *, with_rows: bool = True, tally_scope: TallyScope | None = None) -> dict:
    """The charts of ``findings``; read from the tally rows of ``tally_scope`` when given (the same findings)."""
    tallied = tally_scope is not None
    counted = _counted(tallied)
    base = findings.order_by()
    if tallied:
        by_year = [
            {**row, "project__year": row["year"]}
            for row in rows(tally_scope, "year").values("year").annotate(**counted).order_by("year")
        ]
        by_category = [
            {
                **row,
                "category__parent_id": row["category_group_id"],
                "category__parent__name": row["category_group__name"],
            }
            for row in rows(tally_scope, "category_group_id")
            .values("category_group_id", "category_group__name")
            .annotate(**counted, amount=Sum("amount_involved"))
            .order_by("-n")
        ]
        by_unit_rows = rows(tally_scope, "unit_id")
    else:
        by_year = list(base.values("project__year").annotate(**counted).order_by("project__year"))
        by_category = list(
            base.values("category__parent_id", "category__parent__name")
            .annotate(**counted, amount=Sum("amount_involved"))
            .order_by("-n")
        )
        by_unit_rows = base
    # Every unit's counts, once: the top units and the departments' sums are both read from them. Grouped by
    # the unit's id alone (a province's thousands of units hash in memory); the names of the top ones after.
    units = list(by_unit_rows.values("unit_id").annotate(**counted).order_by())
    by_unit = top_named(units, "n", TOP_UNITS)
    by_department = _by_department(units)[:TOP_DEPARTMENTS]
    figures = tally_figures(tally_scope) if tallied else ledger_figures(findings)
    colour_counts = figures["colours"]
    today = local_today()
    overdue = (
        []
        if not with_rows
        else list(
            base.filter(colour_q(Colour.RED))
            .select_related("unit")
            .order_by("deadline")
            .values("pk", "ledger_number", "title", "unit__name", "deadline")[:10]
        )
    )
    for row in overdue:
        row["days"] = (today - row["deadline"]).days
        row["deadline"] = row["deadline"].isoformat()
    return {
        "figures": {
            "total": figures["total"],
            "published": figures["published"],
            "closed": figures["closed"],
            "rate": figures["rate"],
            "amount_involved": str(figures["amount_involved"]),
            "amount_rectified": str(figures["amount_rectified"]),
            "amount_verified": str(figures["amount_verified"]),
        },
        "by_year": [
            {"label": str(r["project__year"]), "total": r["n"], "closed": r["closed"],
             "rate": _rate(r["closed"], r["published"]), "filter": {"year": r["project__year"]}}
            for r in by_year
        ],
        "by_state": [
            {"label": str(label), "value": count, "state": state, "filter": {"state": state}}
            for state, label, count in figures["states"] if count
        ],
        "by_colour": [
            {"label": str(label), "value": colour_counts.get(value, 0), "colour": value, "filter": {"colour": value}}
            for value, label in Colour.choices
        ],
        "by_category": [
            {"label": r["category__parent__name"], "total": r["n"], "closed": r["closed"],
             "filter": {"category": r["category__parent_id"]}}
            for r in by_category
        ],
        "by_unit": [
            {"label": r["unit__name"], "total": r["n"], "closed": r["closed"], "filter": {"unit": r["unit_id"]}}
            for r in by_unit
        ],
        "by_department": [
            {"label": r["unit__competent_department__name"], "total": r["n"], "closed": r["closed"],
             "filter": {"department": r["unit__competent_department_id"]}}
            for r in by_department
        ],
        "amounts": {
            "involved": str(figures["amount_involved"]),
            "methods": [
                {"label": str(label), "value": str(amount)} for _f, label, amount in figures["amount_by_method"]
            ],
        },
        "top_overdue": overdue,
        "labels": {
            "total": _("问题数"), "closed": _("已销号"), "rate": _("整改完成率（%）"), "involved": _("涉及金额"),
            "rectified": _("已整改金额"), "wan": _("万元"),
        },
    }  # fmt: skip
