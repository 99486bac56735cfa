"""Who sees a summary report (DESIGN.md section 4), and who works on it.

- the issuing organization's and the preparing organization's people, in every state (a draft is
  their working paper);
- once sent: the recipients' people, and the audit offices of the issuer's jurisdiction and the
  jurisdictions above it (a higher office sees the reports of the districts below);
- nobody else: the three administrators see no business data.

Working on a report (``act``) is for the issuing and preparing organizations only; which step each of
their roles may take is the services' business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.choices import BUSINESS_ROLES
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids
from rectify.core.visibility import NOTHING
from rectify.summaries.choices import SummaryState

if TYPE_CHECKING:
    from rectify.accounts.models import User


def summary_report_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    from rectify.summaries.models import SummaryReport

    org_id = user.organization_id
    if org_id is None or not roles & BUSINESS_ROLES:
        return NOTHING
    own = Q(issuer_id=org_id) | Q(preparer_id=org_id)
    if action == "act":
        return own
    received = SummaryReport.recipients.through.objects.filter(organization_id=org_id).values("summaryreport_id")
    scope = own | Q(state=SummaryState.SENT, pk__in=received)
    if is_audit_office_auditor(user, roles):
        scope |= Q(state=SummaryState.SENT, issuer__jurisdiction_id__in=jurisdiction_ids(user))
    return scope
