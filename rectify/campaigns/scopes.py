"""Who sees special campaigns and consultations (DESIGN.md section 4).

A campaign: the organization that opened it and its lead organization; the units concerned (each sees the
campaign, of its findings only its own); a competent department the campaigns concerning units under it; the
audit office those of its jurisdiction and the jurisdictions below. Acting (editing, moving it on,
concluding): the opener's managers (a competent department's supervisors, an audit office's auditors).

A consultation: its organizer, the organizations taking part, those responsible for a measure agreed, and the
audit office of the jurisdiction. A measure is followed up by the organizer or by the organization responsible.
The three administrators see nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.choices import AUDIT_ROLES, BUSINESS_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids, subordinate_unit_ids
from rectify.core.visibility import NOTHING, any_of
from rectify.organizations.choices import OrganizationKind

if TYPE_CHECKING:
    from rectify.accounts.models import User

MANAGER_ROLES = AUDIT_ROLES | {RoleCode.DEPT_SUPERVISOR}


def manages(user: User, roles: frozenset[str] | None = None) -> bool:
    """Whether the user opens and runs campaigns for their organization: a competent department's
    supervisor, or an audit office's auditor."""
    roles = user.role_codes if roles is None else roles
    org = user.organization
    if org is None:
        return False
    if RoleCode.DEPT_SUPERVISOR in roles and org.kind == OrganizationKind.COMPETENT_DEPARTMENT:
        return True
    return is_audit_office_auditor(user, roles)


def campaign_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    from rectify.campaigns.models import Campaign

    org_id = user.organization_id
    if org_id is None or not roles & BUSINESS_ROLES:
        return NOTHING
    parts = []
    if manages(user, roles):
        parts.append(Q(owner_id=org_id))
    if action == "view":
        concerning = Campaign.units.through.objects.filter(organization_id=org_id).values("campaign_id")
        parts += [Q(owner_id=org_id), Q(lead_organization_id=org_id), Q(pk__in=concerning)]
        if RoleCode.DEPT_SUPERVISOR in roles:
            below = Campaign.units.through.objects.filter(organization_id__in=subordinate_unit_ids(user))
            parts.append(Q(pk__in=below.values("campaign_id")))
        if is_audit_office_auditor(user, roles):
            parts.append(Q(owner__jurisdiction_id__in=jurisdiction_ids(user)))
    return any_of(parts)


def consultation_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    from rectify.campaigns.models import AgreedMeasure, Consultation

    org_id = user.organization_id
    if org_id is None or not roles & BUSINESS_ROLES:
        return NOTHING
    parts = []
    if manages(user, roles):
        parts.append(Q(owner_id=org_id))
    if action == "view":
        taking_part = Consultation.participants.through.objects.filter(organization_id=org_id)
        responsible = AgreedMeasure.objects.filter(organization_id=org_id)
        parts += [
            Q(owner_id=org_id),
            Q(pk__in=taking_part.values("consultation_id")),
            Q(pk__in=responsible.values("consultation_id")),
        ]
        if is_audit_office_auditor(user, roles):
            parts.append(Q(owner__jurisdiction_id__in=jurisdiction_ids(user)))
    return any_of(parts)


def measure_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    from rectify.campaigns.models import Consultation

    org_id = user.organization_id
    if org_id is None or not roles & BUSINESS_ROLES:
        return NOTHING
    if action == "act":
        parts = [Q(organization_id=org_id)]
        if manages(user, roles):
            parts.append(Q(consultation__owner_id=org_id))
        return any_of(parts)
    seen = consultation_scope(user, "view", roles)
    if seen is NOTHING:
        return NOTHING
    return Q(consultation__in=Consultation.objects.filter(seen).values("pk"))
