"""The workbench panels of summary reports: what was sent to the user's organization (first on the
workbenches of the congress, the committee office and the government), and the reports of the user's
own organization still on their way (drafts, awaiting approval, approved and not yet sent)."""

from __future__ import annotations

from rectify.core.panels import TOP, WORKBENCH, Panel, register_panel
from rectify.summaries.choices import SummaryState
from rectify.summaries.scopes import BUSINESS_ROLES

SHOWN = 5
# The roles whose workbench is mostly what is reported to them: the panel shows even when empty.
RECEIVING_ROLES = frozenset({"committee_officer", "government_officer", "congress_officer"})


def _active(user) -> bool:
    return bool(user.is_authenticated and user.organization_id and user.role_codes & BUSINESS_ROLES)


def received(user, obj=None) -> dict | None:
    from rectify.summaries.models import SummaryReport

    if not _active(user):
        return None
    through = SummaryReport.recipients.through.objects.filter(organization_id=user.organization_id)
    reports = list(
        SummaryReport.objects.filter(state=SummaryState.SENT, pk__in=through.values("summaryreport_id"))
        .select_related("issuer")
        .order_by("-sent_at", "-pk")[: SHOWN + 1]
    )
    if not reports and not user.role_codes & RECEIVING_ROLES:
        return None
    return {"reports": reports[:SHOWN], "more": len(reports) > SHOWN}


def in_progress(user, obj=None) -> dict | None:
    from django.db.models import Q

    from rectify.summaries.models import SummaryReport
    from rectify.summaries.services import ALL_APPROVERS, ALL_DRAFTERS, may_approve

    if not _active(user) or not user.role_codes & (ALL_DRAFTERS | ALL_APPROVERS):
        return None
    org = user.organization_id
    reports = list(
        SummaryReport.objects.filter(Q(issuer_id=org) | Q(preparer_id=org))
        .exclude(state=SummaryState.SENT)
        .order_by("-last_updated", "-pk")[: SHOWN * 4]
    )
    if not reports:
        return None
    awaiting = [r for r in reports if r.state == SummaryState.SUBMITTED and may_approve(user, r)]
    others = [r for r in reports if r not in awaiting]
    return {"awaiting": awaiting[:SHOWN], "others": others[:SHOWN]}


def register() -> None:
    register_panel(
        Panel("summaries.received", WORKBENCH, "summaries/panels/received.html", received, position=TOP, order=10)
    )
    register_panel(
        Panel(
            "summaries.in_progress", WORKBENCH, "summaries/panels/in_progress.html", in_progress, position=TOP, order=20
        )
    )
