"""Which audit projects a user sees and works on (the findings app adds the projects of visible findings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.choices import UNIT_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids, subordinate_unit_ids
from rectify.audits.choices import CADRE_AUDIT_TYPES, AuditType
from rectify.core.visibility import NOTHING
from rectify.organizations.choices import OrganizationKind

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.audits.models import AuditProject


def _listing_units(unit_ids) -> Q:
    from rectify.audits.models import AuditProject

    through = AuditProject.units.through
    return Q(pk__in=through.objects.filter(organization_id__in=unit_ids).values("auditproject_id"))


def project_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    """An audit office sees its jurisdiction's projects and those below, and works on its own; a unit and
    a department see the projects that name them; the organization department sees cadre audits."""
    if user.organization_id is None:
        return NOTHING
    internal = Q(type=AuditType.INTERNAL_AUDIT) & ~Q(audit_office__kind=OrganizationKind.AUDIT_OFFICE)
    scope = NOTHING
    if RoleCode.INTERNAL_AUDITOR in roles:
        # A unit's internal auditors conduct its own internal audits, and only those (source 四(三)).
        scope = internal & Q(audit_office_id=user.organization_id)
    if is_audit_office_auditor(user, roles):
        if action == "act":
            return scope | (Q(jurisdiction_id=user.organization.jurisdiction_id) & ~internal)
        return scope | Q(jurisdiction_id__in=jurisdiction_ids(user))
    if action != "view":
        return scope
    if roles & UNIT_ROLES:
        scope |= _listing_units([user.organization_id])
    if RoleCode.DEPT_SUPERVISOR in roles:
        scope |= _listing_units(subordinate_unit_ids(user))
    if RoleCode.ORG_OFFICER in roles:
        scope |= Q(jurisdiction_id__in=jurisdiction_ids(user), type__in=CADRE_AUDIT_TYPES)
    return scope


def is_unit_internal_audit(project: AuditProject) -> bool:
    """Whether the project is a unit's own internal audit (conducted by the unit, not an audit office)."""
    return project.type == AuditType.INTERNAL_AUDIT and project.audit_office.kind != OrganizationKind.AUDIT_OFFICE


def can_work_on_project(user: User, project: AuditProject) -> bool:
    """Whether the user is an auditor of the office that conducts this project (no query): the audit
    office's auditors for its jurisdiction's audits, a unit's internal auditors for its internal audits."""
    if not user.is_authenticated:
        return False
    if is_unit_internal_audit(project):
        return user.has_role(RoleCode.INTERNAL_AUDITOR) and project.audit_office_id == user.organization_id
    return is_audit_office_auditor(user) and project.jurisdiction_id == user.organization.jurisdiction_id
