"""Who sees supervised matters and circulars (DESIGN.md section 4).

Supervised matters: the committee office that records them (all of them); each assignee organization
its own matters, and of each only its own part; the audit office and the government of the matter's
jurisdiction (an audit office also those of the jurisdictions below it), read-only. Circulars: the
committee office that drafts them, in every state; the recipients' people once issued. Nobody else:
the three administrators see no business data.

Working on them (``act``): the committee office's officers on its matters and circulars; an assignee's
people on their own part. Which step each may take is the services' business.

The committee office also reads the findings cited by its own matters and circulars, and nothing more of
the ledger because of them (``cited_findings_scope``, a contribution to the findings' scope, as the
referrals give the discipline commission the findings they cite); what hangs off those findings
(timeline, reports, evidence) follows by ``visibility_path``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.choices import BUSINESS_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids
from rectify.core.visibility import NOTHING, any_of, user_cache
from rectify.findings.scopes import cited_q
from rectify.organizations.choices import OrganizationKind
from rectify.supervision.choices import CircularState

if TYPE_CHECKING:
    from rectify.accounts.models import User

COMMITTEE = frozenset({RoleCode.COMMITTEE_OFFICER})


def _readers(user: User, roles: frozenset[str]) -> bool:
    """The audit office and the government read every matter of their jurisdiction."""
    return is_audit_office_auditor(user, roles) or RoleCode.GOVERNMENT_OFFICER in roles


def matter_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    from rectify.supervision.models import Assignment

    org_id = user.organization_id
    if org_id is None or not roles & BUSINESS_ROLES:
        return NOTHING
    parts = []
    if roles & COMMITTEE:
        parts.append(Q(issuer_id=org_id))
    parts.append(Q(pk__in=Assignment.objects.filter(organization_id=org_id).values("matter_id")))
    if action == "view" and _readers(user, roles):
        parts.append(Q(issuer__jurisdiction_id__in=jurisdiction_ids(user)))
    return any_of(parts)


def assignment_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    org_id = user.organization_id
    if org_id is None or not roles & BUSINESS_ROLES:
        return NOTHING
    parts = [Q(organization_id=org_id)]
    if roles & COMMITTEE:
        parts.append(Q(matter__issuer_id=org_id))
    if action == "view" and _readers(user, roles):
        parts.append(Q(matter__issuer__jurisdiction_id__in=jurisdiction_ids(user)))
    return any_of(parts)


def circular_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    from rectify.supervision.models import Circular

    org_id = user.organization_id
    if org_id is None or not roles & BUSINESS_ROLES:
        return NOTHING
    parts = []
    if roles & COMMITTEE:
        parts.append(Q(issuer_id=org_id))
    if action == "view":
        received = Circular.recipients.through.objects.filter(organization_id=org_id).values("circular_id")
        parts.append(Q(state=CircularState.ISSUED, pk__in=received))
    return any_of(parts)


def cited_findings_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    """A contribution to ``findings.Finding``: read-only, the findings of its own jurisdiction cited by the
    supervised matters and the circulars (in any state) of the committee office the user works in."""
    from rectify.findings.models import Finding
    from rectify.supervision.models import Circular, SupervisedMatter

    org = user.organization if user.organization_id else None
    if action != "view" or org is None or not roles & COMMITTEE:
        return NOTHING
    if org.kind != OrganizationKind.COMMITTEE_OFFICE:
        return NOTHING
    by_matters = SupervisedMatter.findings.through.objects.filter(supervisedmatter__issuer_id=org.pk)
    by_circulars = Circular.findings.through.objects.filter(circular__issuer_id=org.pk)
    cited = Q(pk__in=by_matters.values("finding_id")) | Q(pk__in=by_circulars.values("finding_id"))
    scope = cited & Q(jurisdiction_id=org.jurisdiction_id)
    found = user_cache(
        user, "supervision:cited", lambda: cited_q(Finding.objects.filter(scope).values_list("pk", flat=True))
    )
    # Until something is cited the committee office sees no ledger rows at all (and is not offered the ledger).
    if found == Q(pk__in=[]):
        return NOTHING
    return found
