"""The workbench panels of referrals: for the receiving bodies (discipline commission, organization
department, competent department), the referrals awaiting their acknowledgement or feedback; for the
audit office, its referrals whose feedback is overdue."""

from __future__ import annotations

from rectify.accounts.choices import RoleCode
from rectify.core.panels import FINDING, TOP, WORKBENCH, Panel, register_panel
from rectify.findings.warning import local_today
from rectify.referrals.choices import ReferralState
from rectify.referrals.scopes import RECEIVING_ROLES

SHOWN = 5
# The bodies whose workbench shows the panel even when nothing awaits them.
ALWAYS = frozenset({RoleCode.DISCIPLINE_OFFICER, RoleCode.ORG_OFFICER})


def awaiting(user, obj=None) -> dict | None:
    from rectify.referrals.models import Referral
    from rectify.referrals.services import RECIPIENT_KINDS

    if not (user.is_authenticated and user.organization_id and user.role_codes & RECEIVING_ROLES):
        return None
    if user.organization.kind not in RECIPIENT_KINDS:  # an audited unit's head never receives one
        return None
    rows = list(
        Referral.objects.filter(
            recipient_id=user.organization_id, state__in=(ReferralState.SENT, ReferralState.ACKNOWLEDGED)
        )
        .select_related("office")
        .order_by("feedback_due", "pk")[: SHOWN + 1]
    )
    if not rows and not user.role_codes & ALWAYS:
        return None
    today = local_today()
    for row in rows:
        row.overdue_days = row.feedback_overdue_days(today)
    return {"referrals": rows[:SHOWN], "more": len(rows) > SHOWN}


def overdue(user, obj=None) -> dict | None:
    from rectify.accounts.scopes import is_audit_office_auditor
    from rectify.referrals.services import overdue_feedback

    if not (user.is_authenticated and is_audit_office_auditor(user)):
        return None
    today = local_today()
    rows = list(
        overdue_feedback(today)
        .filter(office_id=user.organization_id)
        .select_related("recipient")
        .order_by("feedback_due", "pk")[: SHOWN + 1]
    )
    if not rows:
        return None
    for row in rows:
        row.overdue_days = row.feedback_overdue_days(today)
    return {"referrals": rows[:SHOWN], "more": len(rows) > SHOWN}


def of_finding(user, finding) -> dict | None:
    """On a finding's page: the referrals citing it that the user sees, and, for an auditor of its
    office, a link to draft one (shown only where there is something to show or to do)."""
    from rectify.referrals.models import Referral
    from rectify.referrals.services import may_draft

    draftable = may_draft(user) and finding.state != "draft"
    rows = list(
        Referral.objects.restrict(user)
        .filter(pk__in=Referral.findings.through.objects.filter(finding_id=finding.pk).values("referral_id"))
        .select_related("recipient")
        .order_by("-created", "-pk")
    )
    if not rows and not draftable:
        return None
    return {"referrals": rows, "draftable": draftable, "finding": finding}


def register() -> None:
    register_panel(Panel("referrals.finding", FINDING, "referrals/panels/finding.html", of_finding, order=60))
    register_panel(
        Panel("referrals.awaiting", WORKBENCH, "referrals/panels/awaiting.html", awaiting, position=TOP, order=5)
    )
    register_panel(
        Panel("referrals.overdue", WORKBENCH, "referrals/panels/overdue.html", overdue, position=TOP, order=30)
    )
