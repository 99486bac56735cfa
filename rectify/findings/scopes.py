"""Which findings a user sees and works on: the root of the ledger's scope.

Everything hanging off a finding (requirements, events, plans, reports, evidence, verifications)
declares ``visibility_path`` and follows it. A higher audit office sees the ledgers below it but
acts only in its own jurisdiction. Roles add up: a user with two roles sees the union of both.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from rectify.accounts.choices import AUDIT_ROLES, AUDITING_ROLES, UNIT_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids, subordinate_unit_ids
from rectify.audits.choices import CADRE_AUDIT_TYPES, AuditType
from rectify.core.visibility import NOTHING, held_roles, is_active_user, scope_q, user_cache
from rectify.findings.choices import FindingState

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.findings.models import Finding

# Roles that see figures of the whole jurisdiction but no ledger rows (source 三(一), 四(一), 四(二)).
SUMMARY_ROLES = frozenset({RoleCode.COMMITTEE_OFFICER, RoleCode.GOVERNMENT_OFFICER, RoleCode.CONGRESS_OFFICER})

# Roles that work on findings; the others only read them.
ACTING_ROLES = AUDITING_ROLES | UNIT_ROLES

# A unit's own internal audits (source 四(三)): conducted by the unit itself, worked by its internal
# auditors, read by the audit offices. (An audit office may also conduct a project of the internal-audit
# type, following up units' internal audits: that one is its own, like any other.)
INTERNAL = Q(project__type=AuditType.INTERNAL_AUDIT, project__audit_office_id=F("unit_id"))


@functools.cache
def internal_project() -> Exists:
    """Whether a finding's project is its unit's own internal audit (``INTERNAL``), as a subquery on the
    project alone. One object, so that the summary tables (rectify.tallies) recognise it in a scope."""
    from rectify.audits.models import AuditProject

    return Exists(
        AuditProject.all_objects.filter(
            pk=OuterRef("project_id"), type=AuditType.INTERNAL_AUDIT, audit_office_id=OuterRef("unit_id")
        )
    )


# Findings cited by referrals or supervised matters are few; beyond this many the scope keeps the subquery.
CITED_LIMIT = 2000


def cited_q(finding_ids: QuerySet) -> Q:
    """The findings a query of ids picks (those cited by the referrals a body received, say), as the ids
    themselves when they are few: ``unit IN (…) OR id IN (1, 2, 3)`` is two index scans, where ``OR id IN
    (subquery)`` tests the subquery on every finding of the table. ``Q(pk__in=[])`` when there are none."""
    ids = list(finding_ids[: CITED_LIMIT + 1])
    if len(ids) > CITED_LIMIT:
        return Q(pk__in=finding_ids)
    return Q(pk__in=sorted(set(ids)))


def internal_draft_q() -> Q:
    """A unit's internal audit draft, without joining every finding to its project: the state is checked
    first, and only a draft looks its project up (the audit office's ledger of a million findings)."""
    return Q(state=FindingState.DRAFT) & Q(internal_project())


def finding_q_for_role(user: User, role: str, action: str = "view") -> Q:
    """The findings one role of this user reaches. Drafts are the audit office's working papers."""
    if user.organization_id is None:
        return NOTHING
    if action == "act" and role not in ACTING_ROLES:
        return NOTHING
    published = ~Q(state=FindingState.DRAFT)
    if role in AUDIT_ROLES:
        if not is_audit_office_auditor(user, {role}):
            return NOTHING
        if action == "act":
            return Q(jurisdiction_id=user.organization.jurisdiction_id) & ~INTERNAL
        # A unit's internal audit drafts are its own working papers: the audit office reads them once issued.
        return Q(jurisdiction_id__in=jurisdiction_ids(user)) & ~internal_draft_q()
    if role == RoleCode.INTERNAL_AUDITOR:
        return INTERNAL & Q(project__audit_office_id=user.organization_id)
    if role in UNIT_ROLES:
        return Q(unit_id=user.organization_id) & published
    if role == RoleCode.DEPT_SUPERVISOR:
        return Q(unit_id__in=subordinate_unit_ids(user)) & published
    in_jurisdiction = Q(jurisdiction_id__in=jurisdiction_ids(user))
    if role == RoleCode.ORG_OFFICER:
        return in_jurisdiction & published & Q(project__type__in=CADRE_AUDIT_TYPES)
    if role == RoleCode.FINANCE_OFFICER:
        return in_jurisdiction & published & Q(involves_fiscal_funds=True)
    # The discipline commission sees what referrals to it cite; the committee office, the
    # government and the congress see summaries and the matters addressed to them, not the
    # ledger rows; the three administrators see no business data.
    return NOTHING


def finding_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    scope = NOTHING
    for role in sorted(roles):
        part = finding_q_for_role(user, role, action)
        if part is not NOTHING:
            scope = part if scope is NOTHING else scope | part
    return scope


def projects_of_visible_findings(user: User, action: str, roles: frozenset[str]) -> Q:
    """A project is visible to whoever sees one of its findings."""
    from rectify.findings.models import Finding

    if action != "view":
        return NOTHING
    findings = finding_scope(user, action, roles)
    if findings is NOTHING:
        return NOTHING
    return Q(pk__in=Finding.objects.filter(findings).values("project_id"))


def acting_roles(user: User, finding: Finding) -> frozenset[str]:
    """The roles in which the user may act on this finding now, in one query (for offering steps)."""
    from rectify.findings.models import Finding

    candidates = sorted(held_roles(user, ACTING_ROLES))
    if not is_active_user(user) or not candidates:
        return frozenset()

    def compute() -> frozenset[str]:
        counts = {}
        for role in candidates:
            scope = finding_q_for_role(user, role, "act")
            if scope is not NOTHING:
                counts[role] = Count("pk", filter=scope)
        if not counts:
            return frozenset()
        row = Finding.objects.filter(pk=finding.pk).aggregate(**counts)
        return frozenset(role for role, count in row.items() if count)

    return user_cache(user, f"acting:{finding.pk}:{finding.state}", compute)


def sees_rows(user: User) -> bool:
    """Whether any of the user's roles reaches ledger rows (not only figures)."""
    from rectify.findings.models import Finding

    if not is_active_user(user):
        return False
    return scope_q(Finding, user, "view") is not NOTHING


def summary_q(user: User) -> Q:
    """The condition ``summary_findings`` applies (NOTHING when the user may see no figure)."""
    from rectify.findings.models import Finding

    rows = scope_q(Finding, user, "view")
    if is_active_user(user) and user.role_codes & SUMMARY_ROLES:
        published = Q(jurisdiction_id__in=jurisdiction_ids(user)) & ~Q(state=FindingState.DRAFT)
        return published if rows is NOTHING else published | rows
    return rows


def summary_findings(user: User) -> QuerySet:
    """Findings whose figures (counts, amounts) the user may see; never to be listed row by row.

    Those who see rows see figures of exactly those rows; the committee office, the government
    and the congress see figures of every published finding in their jurisdiction.
    """
    from rectify.findings.models import Finding

    scope = summary_q(user)
    return Finding.objects.none() if scope is NOTHING else Finding.objects.filter(scope)
