"""Where a user stands: the jurisdictions and units their place reaches, and who is an auditor.

These predicates are shared by every app's scope; the organization directory's own scope is here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
from rectify.core.visibility import NOTHING, user_cache
from rectify.organizations.choices import OrganizationKind

if TYPE_CHECKING:
    from rectify.accounts.models import User

# Roles that look organizations up across their jurisdiction (to address referrals, circulars, …).
ORGANIZATION_DIRECTORY_ROLES = frozenset(
    {
        RoleCode.ORG_OFFICER,
        RoleCode.DISCIPLINE_OFFICER,
        RoleCode.FINANCE_OFFICER,
        RoleCode.COMMITTEE_OFFICER,
        RoleCode.GOVERNMENT_OFFICER,
        RoleCode.CONGRESS_OFFICER,
        RoleCode.SUPERVISOR_OFFICER,  # chooses the units it subscribes to (source 三(五))
        RoleCode.SYSTEM_ADMIN,
    }
)


def jurisdiction_ids(user: User) -> set[int]:
    """The user's jurisdiction and every jurisdiction below it."""
    org = user.organization
    if org is None:
        return set()
    return user_cache(user, "jurisdictions", org.jurisdiction.subtree_ids)


def subordinate_unit_ids(user: User) -> set[int]:
    """The user's organization and every unit under it in the competent-department tree."""
    org = user.organization
    if org is None:
        return set()
    return user_cache(user, "subtree", org.subtree_ids)


def is_audit_office_auditor(user: User, roles=None) -> bool:
    """Whether the user is an auditor (or audit leader) of an audit office: the one predicate for it.
    ``roles`` narrows the question to the roles being asked about."""
    held = user.role_codes if roles is None else user.role_codes & frozenset(roles)
    return (
        bool(held & AUDIT_ROLES)
        and user.organization is not None
        and user.organization.kind == OrganizationKind.AUDIT_OFFICE
    )


def holders_of(roles, **filters):
    """Active users holding one of ``roles`` (a subquery, not a join: no duplicates, no DISTINCT)."""
    from rectify.accounts.models import User

    holding = User.roles.through.objects.filter(role_id__in=list(roles)).values("user_id")
    return User.objects.filter(pk__in=holding, is_active=True, **filters)


def organization_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    """The organization directory: an auditor's and the supervising bodies' whole jurisdiction; a unit
    and a department their own place in the tree. Organizations are not worked on through this scope."""
    org = user.organization
    if org is None or action != "view":
        return NOTHING
    if is_audit_office_auditor(user, roles) or roles & ORGANIZATION_DIRECTORY_ROLES:
        return Q(jurisdiction_id__in=jurisdiction_ids(user))
    scope = NOTHING
    # A unit's internal auditors stand where the unit stands (source 四(三)).
    own_place = UNIT_ROLES | {RoleCode.INTERNAL_AUDITOR}
    if not (roles & own_place or RoleCode.DEPT_SUPERVISOR in roles):
        return scope
    ancestors = user_cache(user, "ancestors", org.ancestor_ids)  # one query per level, once per request
    if roles & own_place:
        scope |= Q(pk__in={org.pk} | ancestors)
    if RoleCode.DEPT_SUPERVISOR in roles:
        scope |= Q(pk__in=subordinate_unit_ids(user) | ancestors)
    return scope
