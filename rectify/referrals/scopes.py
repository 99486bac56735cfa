"""Who sees a referral (DESIGN.md section 4), and what a receiving body sees of the ledger.

- the audit offices: the referrals made by the offices of their jurisdiction and the jurisdictions
  below it, in every state; an office works (``act``) only on its own;
- the receiving body (discipline commission, organization department, competent department): the
  referrals sent to it, from the moment they are sent; it works on them (acknowledges, feeds back);
- the organization department besides: the sent referrals citing findings of economic-responsibility
  or natural-resource audits (they name cadres);
- nobody else: the referred unit does not see the referral; the three administrators see nothing.

A receiving body also reads the findings cited by the referrals sent to it, and nothing more of the
ledger because of them (``cited_findings_scope``, a contribution to the findings' scope); what hangs
off those findings (timeline, reports, evidence) follows by ``visibility_path``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.choices import AUDIT_ROLES, BUSINESS_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids
from rectify.audits.choices import CADRE_AUDIT_TYPES
from rectify.core.visibility import NOTHING, user_cache
from rectify.findings.scopes import cited_q
from rectify.organizations.choices import OrganizationKind
from rectify.referrals.choices import ReferralState

if TYPE_CHECKING:
    from rectify.accounts.models import User

# The states in which a referral has reached its recipient.
DELIVERED = (ReferralState.SENT, ReferralState.ACKNOWLEDGED, ReferralState.CONCLUDED)
# The roles of a receiving body (an audited unit's roles never receive a referral).
RECEIVING_ROLES = frozenset(
    {RoleCode.DISCIPLINE_OFFICER, RoleCode.ORG_OFFICER, RoleCode.DEPT_SUPERVISOR, RoleCode.UNIT_HEAD}
)

# The kinds of body a case may be referred to (source 三(四)).
RECIPIENT_KINDS = (
    OrganizationKind.DISCIPLINE_COMMISSION,
    OrganizationKind.ORGANIZATION_DEPARTMENT,
    OrganizationKind.COMPETENT_DEPARTMENT,
)
# Receiving roles that see ledger rows of their own whatever they receive.
ROW_ROLES = RECEIVING_ROLES - {RoleCode.DISCIPLINE_OFFICER}


def _received_q(user: User, roles: frozenset[str]) -> Q:
    if not roles & RECEIVING_ROLES:
        return NOTHING
    return Q(recipient_id=user.organization_id, state__in=DELIVERED)


def referral_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    from rectify.findings.models import Finding
    from rectify.referrals.models import Referral

    if user.organization_id is None or not roles & BUSINESS_ROLES:
        return NOTHING
    scope = NOTHING
    if is_audit_office_auditor(user, roles & AUDIT_ROLES):
        scope = (
            Q(office_id=user.organization_id)
            if action == "act"
            else Q(office__jurisdiction_id__in=jurisdiction_ids(user))
        )
    received = _received_q(user, roles)
    if received is not NOTHING:
        scope = received if scope is NOTHING else scope | received
    if action == "view" and RoleCode.ORG_OFFICER in roles:
        cadre = Finding.objects.filter(project__type__in=CADRE_AUDIT_TYPES).values("pk")
        citing = Referral.findings.through.objects.filter(finding_id__in=cadre).values("referral_id")
        named = Q(state__in=DELIVERED, pk__in=citing)
        scope = named if scope is NOTHING else scope | named
    return scope


def cited_findings_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    """A contribution to ``findings.Finding``: the findings cited by referrals sent to the user's body."""
    from rectify.referrals.models import Referral

    if action != "view" or user.organization_id is None or not roles & RECEIVING_ROLES:
        return NOTHING
    if user.organization.kind not in RECIPIENT_KINDS:
        return NOTHING
    sent = Referral.objects.filter(recipient_id=user.organization_id, state__in=DELIVERED)
    cited_ids = Referral.findings.through.objects.filter(referral_id__in=sent.values("pk")).values_list(
        "finding_id", flat=True
    )
    cited = user_cache(user, "referrals:cited", lambda: cited_q(cited_ids))
    # The discipline commission sees no other ledger rows: until a referral reaches it, it sees none at
    # all (and is not offered the ledger). The other bodies see rows of their own anyway.
    if not roles & ROW_ROLES and cited == Q(pk__in=[]):
        return NOTHING
    return cited
