"""Who sees People's Congress matters (DESIGN.md section 4): the congress that records them, the
government and the audit office of its jurisdiction (an audit office also those below it), and each
department the matters that put questions to it, and of each only its own questions. Acting: the
congress's officers on its matters; a department's people on their own questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.choices import BUSINESS_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids
from rectify.core.visibility import NOTHING, any_of

if TYPE_CHECKING:
    from rectify.accounts.models import User

CONGRESS = frozenset({RoleCode.CONGRESS_OFFICER})


def _readers(user: User, roles: frozenset[str]) -> bool:
    return is_audit_office_auditor(user, roles) or RoleCode.GOVERNMENT_OFFICER in roles


def matter_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    from rectify.congress.models import Question

    org_id = user.organization_id
    if org_id is None or not roles & BUSINESS_ROLES:
        return NOTHING
    parts = []
    if roles & CONGRESS:
        parts.append(Q(issuer_id=org_id))
    if action == "view":
        parts.append(Q(pk__in=Question.objects.filter(organization_id=org_id).values("matter_id")))
        if _readers(user, roles):
            parts.append(Q(issuer__jurisdiction_id__in=jurisdiction_ids(user)))
    return any_of(parts)


def question_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    org_id = user.organization_id
    if org_id is None or not roles & BUSINESS_ROLES:
        return NOTHING
    parts = [Q(organization_id=org_id)]
    if roles & CONGRESS:
        parts.append(Q(matter__issuer_id=org_id))
    if action == "view" and _readers(user, roles):
        parts.append(Q(matter__issuer__jurisdiction_id__in=jurisdiction_ids(user)))
    return any_of(parts)
