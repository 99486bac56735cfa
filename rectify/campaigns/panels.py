"""Panels of campaigns and consultations: on the workbench, the campaigns a user's organization runs or is
concerned by, and the consultations it takes part in with the measures it must carry out (overdue marked);
on a finding's page, the campaigns covering it."""

from __future__ import annotations

from rectify.accounts.choices import BUSINESS_ROLES
from rectify.campaigns.choices import CampaignState
from rectify.core.panels import FINDING, TOP, WORKBENCH, Panel, register_panel
from rectify.findings.warning import local_today

SHOWN = 8


def _business(user) -> bool:
    return bool(user.is_authenticated and user.organization_id and user.role_codes & BUSINESS_ROLES)


def campaigns(user, obj=None) -> dict | None:
    from rectify.campaigns.models import Campaign

    if not _business(user):
        return None
    org_id = user.organization_id
    concerning = Campaign.units.through.objects.filter(organization_id=org_id).values("campaign_id")
    rows = list(
        (Campaign.objects.filter(pk__in=concerning) | Campaign.objects.filter(owner_id=org_id))
        .exclude(state=CampaignState.CONCLUDED)
        .order_by("target_date", "pk")[: SHOWN + 1]
    )
    if not rows:
        return None
    today = local_today()
    return {"campaigns": [(c, c.is_overdue(today)) for c in rows[:SHOWN]], "more": len(rows) > SHOWN}


def consultations(user, obj=None) -> dict | None:
    """The consultations the organization takes part in or must carry out a measure of, with its own
    measures still open and the earliest of their due dates (overdue when past). One query."""
    from django.db.models import Count, Min, Q

    from rectify.campaigns.models import AgreedMeasure, Consultation

    if not _business(user):
        return None
    org_id = user.organization_id
    taking_part = Consultation.participants.through.objects.filter(organization_id=org_id).values("consultation_id")
    responsible = AgreedMeasure.objects.filter(organization_id=org_id).values("consultation_id")
    owed = Q(measures__organization_id=org_id, measures__done_on__isnull=True, measures__deleted_at__isnull=True)
    rows = list(
        Consultation.objects.filter(Q(pk__in=taking_part) | Q(pk__in=responsible))
        .annotate(owed=Count("measures", filter=owed), next_due=Min("measures__due_date", filter=owed))
        .order_by("-owed", "next_due", "-held_on", "-pk")[: SHOWN + 1]
    )
    if not rows:
        return None
    today = local_today()
    return {
        "consultations": [(c, c.next_due is not None and c.next_due < today) for c in rows[:SHOWN]],
        "more": len(rows) > SHOWN,
    }


def of_finding(user, obj=None) -> dict | None:
    from rectify.campaigns.models import Campaign

    if obj is None or not _business(user):
        return None
    rows = list(Campaign.objects.restrict(user).filter(findings=obj).order_by("-pk")[:SHOWN])
    if not rows:
        return None
    return {"campaigns": rows}


def register() -> None:
    register_panel(
        Panel("campaigns.campaigns", WORKBENCH, "campaigns/panels/campaigns.html", campaigns, position=TOP, order=40)
    )
    register_panel(
        Panel(
            "campaigns.consultations",
            WORKBENCH,
            "campaigns/panels/consultations.html",
            consultations,
            position=TOP,
            order=41,
        )
    )
    register_panel(Panel("campaigns.finding", FINDING, "campaigns/panels/finding.html", of_finding, order=70))
