"""Who sees an interview (DESIGN.md section 4), and who works on it.

- the audit office: the interviews of the findings it sees (its jurisdiction and the jurisdictions
  below it), proposals included; it works on those of its own jurisdiction;
- the interviewed unit: its own interviews once approved (a proposal, and a dismissed one, stay the
  audit office's working papers); it works on them (progress reports on the follow-up items);
- its competent department: the approved interviews of the units under it (read only);
- the organization department: the approved interviews naming a cadre, that is of a finding of an
  economic-responsibility or natural-resource audit (the audits whose results feed cadre evaluation,
  source 三(一), 三(六)), in its jurisdiction (read only);
- nobody else: the discipline commission only through a referral that cites the interview (the
  referrals app adds that part), the three administrators see no business data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids, subordinate_unit_ids
from rectify.audits.choices import CADRE_AUDIT_TYPES
from rectify.core.visibility import NOTHING
from rectify.interviews.choices import DECIDED_STATES

if TYPE_CHECKING:
    from rectify.accounts.models import User


def interview_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    org_id = user.organization_id
    if org_id is None:
        return NOTHING
    scope = NOTHING

    def add(part: Q) -> None:
        nonlocal scope
        scope = part if scope is NOTHING else scope | part

    decided = Q(state__in=DECIDED_STATES)
    auditing = roles & AUDIT_ROLES
    if auditing and is_audit_office_auditor(user, auditing):
        if action == "act":
            add(Q(finding__project__jurisdiction_id=user.organization.jurisdiction_id))
        else:
            add(Q(finding__project__jurisdiction_id__in=jurisdiction_ids(user)))
    if roles & UNIT_ROLES:
        add(Q(unit_id=org_id) & decided)
    if action == "view" and RoleCode.DEPT_SUPERVISOR in roles:
        add(Q(unit_id__in=subordinate_unit_ids(user)) & decided)
    if action == "view" and RoleCode.ORG_OFFICER in roles:
        add(
            Q(
                finding__project__jurisdiction_id__in=jurisdiction_ids(user),
                finding__project__type__in=CADRE_AUDIT_TYPES,
            )
            & decided
        )
    return scope
