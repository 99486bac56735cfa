"""Who sees an assessment (DESIGN.md section 4, source 三(六)), and who works on it.

- the audit office: the schemes and assessments of its jurisdiction and those below it (read), of its
  own jurisdiction (work: edit the scheme, compute, review, confirm);
- the committee office and the government: the schemes and the confirmed results in their jurisdiction;
- an audited unit: its own assessment once the audit leader has reviewed it;
- a competent department: the reviewed assessments of the units under it;
- nobody else; the three administrators see no business data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids, subordinate_unit_ids
from rectify.assessment.choices import RESULT_STATES, REVIEWED_STATES
from rectify.core.visibility import NOTHING, any_of

if TYPE_CHECKING:
    from rectify.accounts.models import User

RESULT_READERS = frozenset({RoleCode.COMMITTEE_OFFICER, RoleCode.GOVERNMENT_OFFICER})


def scheme_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    if user.organization_id is None:
        return NOTHING
    parts = []
    auditing = roles & AUDIT_ROLES
    if auditing and is_audit_office_auditor(user, auditing):
        if action == "act":
            parts.append(Q(jurisdiction_id=user.organization.jurisdiction_id))
        else:
            parts.append(Q(jurisdiction_id__in=jurisdiction_ids(user)))
    if action == "view" and roles & RESULT_READERS:
        parts.append(Q(jurisdiction_id__in=jurisdiction_ids(user)))
    return any_of(parts)


def assessment_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    org_id = user.organization_id
    if org_id is None:
        return NOTHING
    parts = []
    auditing = roles & AUDIT_ROLES
    if auditing and is_audit_office_auditor(user, auditing):
        if action == "act":
            parts.append(Q(scheme__jurisdiction_id=user.organization.jurisdiction_id))
        else:
            parts.append(Q(scheme__jurisdiction_id__in=jurisdiction_ids(user)))
    if action == "view":
        if roles & RESULT_READERS:
            parts.append(Q(scheme__jurisdiction_id__in=jurisdiction_ids(user), state__in=RESULT_STATES))
        if roles & UNIT_ROLES:
            parts.append(Q(unit_id=org_id, state__in=REVIEWED_STATES))
        if RoleCode.DEPT_SUPERVISOR in roles:
            parts.append(Q(unit_id__in=subordinate_unit_ids(user), state__in=REVIEWED_STATES))
    return any_of(parts)
