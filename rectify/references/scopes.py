"""Who reads the references, and who sees a delivery (DESIGN.md section 4, source 三(六)).

The references are read models over the ledger, never a wider door to it: each is the findings' own scope
(``rectify.findings.scopes.finding_q_for_role``) of the roles that read it, narrowed to what it is about.

- the cadre reference (干部监督参考): the organization department's officers, whose scope is already the
  published findings of the economic-responsibility and natural-resource audits of their jurisdiction
  (the audits of cadres, ``CADRE_AUDIT_TYPES``); and the audit office's auditors and leaders, in their
  jurisdiction, narrowed to the same audits;
- the budget reference (预算安排参考): the finance bureau's officers, whose scope is already the published
  findings about fiscal funds of their jurisdiction; and the audit office, narrowed to the same findings;
- nobody else: an audited unit, a competent department, the committee office, the government, the congress
  and the three administrators read neither (404).

A delivery is seen by the audit offices of its office's jurisdiction and above (the sending office works on
it), and by its recipient's officers of the reference's kind (they acknowledge it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.choices import AUDIT_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids
from rectify.audits.choices import CADRE_AUDIT_TYPES
from rectify.core.visibility import NOTHING, any_of, held_roles, is_active_user
from rectify.findings.choices import FindingState
from rectify.findings.scopes import finding_q_for_role
from rectify.references.choices import ReferenceKind

if TYPE_CHECKING:
    from rectify.accounts.models import User

CADRE_READERS = frozenset({RoleCode.ORG_OFFICER}) | AUDIT_ROLES
BUDGET_READERS = frozenset({RoleCode.FINANCE_OFFICER}) | AUDIT_ROLES
# The recipient's role for each kind of reference.
RECIPIENT_ROLE = {ReferenceKind.CADRE: RoleCode.ORG_OFFICER, ReferenceKind.BUDGET: RoleCode.FINANCE_OFFICER}

PUBLISHED = ~Q(state=FindingState.DRAFT)


def _findings_q(user: User, readers: frozenset[str], narrowed: Q) -> Q:
    if not is_active_user(user) or user.organization_id is None:
        return NOTHING
    scope = any_of(finding_q_for_role(user, role) for role in sorted(held_roles(user, readers)))
    if scope is NOTHING:
        return NOTHING
    return scope & narrowed & PUBLISHED


def cadre_findings_q(user: User) -> Q:
    """The findings the user's cadre reference shows: those of cadre audits in the user's finding scope."""
    return _findings_q(user, CADRE_READERS, Q(project__type__in=CADRE_AUDIT_TYPES))


def budget_findings_q(user: User) -> Q:
    """The findings the user's budget reference counts: those about fiscal funds in the user's finding scope."""
    return _findings_q(user, BUDGET_READERS, Q(involves_fiscal_funds=True))


def reads_cadre_reference(user: User) -> bool:
    return cadre_findings_q(user) is not NOTHING


def reads_budget_reference(user: User) -> bool:
    return budget_findings_q(user) is not NOTHING


def cadre_projects_q(user: User) -> Q:
    """The audits of cadres the user's cadre reference lists (those without findings too: a clean audit is
    part of a cadre's record): the organization department's view of projects (``audits.scopes``) and the
    audit office's, both in their jurisdiction."""
    if not is_active_user(user) or user.organization_id is None:
        return NOTHING
    roles = held_roles(user, CADRE_READERS)
    reads = RoleCode.ORG_OFFICER in roles or is_audit_office_auditor(user, roles & AUDIT_ROLES)
    if not reads:
        return NOTHING
    return Q(jurisdiction_id__in=jurisdiction_ids(user), type__in=CADRE_AUDIT_TYPES)


def delivery_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    if user.organization_id is None:
        return NOTHING
    scope = NOTHING
    if is_audit_office_auditor(user, roles & AUDIT_ROLES):
        if action == "act":
            scope = Q(office_id=user.organization_id)
        else:
            scope = Q(office__jurisdiction_id__in=jurisdiction_ids(user))
    kinds = [kind for kind, role in RECIPIENT_ROLE.items() if role in roles]
    if kinds:
        received = Q(recipient_id=user.organization_id, kind__in=kinds)
        scope = received if scope is NOTHING else scope | received
    return scope
