"""Who sees looking-back samples: the audit offices (their own jurisdiction and those below it); a sample is
worked on by the auditors of the office that drew it. Nobody else: units and departments see the outcome on
their findings' pages (the relapse flag), not the office's working papers; the administrators see nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids
from rectify.core.visibility import NOTHING

if TYPE_CHECKING:
    from rectify.accounts.models import User


def sample_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    if user.organization_id is None or not is_audit_office_auditor(user, roles):
        return NOTHING
    if action == "act":
        return Q(office_id=user.organization_id)
    return Q(office__jurisdiction_id__in=jurisdiction_ids(user))
