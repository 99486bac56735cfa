"""Who sees what (DESIGN.md section 4): the one place where visibility is decided.

Every queryset that reaches a user goes through ``restrict(queryset, user)``, usually as
``Model.objects.restrict(user)``. Views fetch single objects from the restricted queryset, so an
object outside it answers 404 and its existence does not leak.

Findings are the root: a role's scope over findings is ``finding_q_for_role``; everything hanging off a
finding (requirements, events, plans, reports, evidence, verifications) is visible exactly when its
finding is. Projects and organizations follow from the findings and from the user's own place.
Roles add up: a user with two roles sees the union of both scopes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
from rectify.audits.choices import CADRE_AUDIT_TYPES
from rectify.findings.choices import FindingState
from rectify.organizations.choices import OrganizationKind

if TYPE_CHECKING:
    from rectify.accounts.models import User

# Narrows a query to nothing; used instead of None so scopes compose with | and &.
NOTHING = Q(pk__in=[])

_ORGANIZATION_DIRECTORY_ROLES = frozenset(
    {
        RoleCode.ORG_OFFICER,
        RoleCode.DISCIPLINE_OFFICER,
        RoleCode.FINANCE_OFFICER,
        RoleCode.COMMITTEE_OFFICER,
        RoleCode.GOVERNMENT_OFFICER,
        RoleCode.CONGRESS_OFFICER,
        RoleCode.SYSTEM_ADMIN,
    }
)


def _cached(user: User, key: str, compute):
    cache = user.__dict__.setdefault("_visibility_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def jurisdiction_ids(user: User) -> set[int]:
    """The user's jurisdiction and every jurisdiction below it."""
    org = user.organization
    if org is None:
        return set()
    return _cached(user, "jurisdictions", org.jurisdiction.subtree_ids)


def subordinate_unit_ids(user: User) -> set[int]:
    """The user's organization and every unit under it in the competent-department tree."""
    org = user.organization
    if org is None:
        return set()
    return _cached(user, "subtree", org.subtree_ids)


def _is_audit_office_member(user: User) -> bool:
    return user.organization is not None and user.organization.kind == OrganizationKind.AUDIT_OFFICE


def finding_q_for_role(user: User, role: str) -> Q:
    """The findings one role of this user reaches. Drafts are the audit office's working papers."""
    if user.organization_id is None:
        return NOTHING
    in_jurisdiction = Q(project__jurisdiction_id__in=jurisdiction_ids(user))
    published = ~Q(state=FindingState.DRAFT)
    if role in AUDIT_ROLES:
        return in_jurisdiction if _is_audit_office_member(user) else NOTHING
    if role in UNIT_ROLES:
        return Q(unit_id=user.organization_id) & published
    if role == RoleCode.DEPT_SUPERVISOR:
        return Q(unit_id__in=subordinate_unit_ids(user)) & published
    if role == RoleCode.ORG_OFFICER:
        return in_jurisdiction & published & Q(project__type__in=CADRE_AUDIT_TYPES)
    if role == RoleCode.FINANCE_OFFICER:
        return in_jurisdiction & published & Q(involves_fiscal_funds=True)
    # The discipline commission sees what referrals to it cite; the committee office, the
    # government and the congress see summaries and the matters addressed to them, not the
    # ledger rows; the three administrators see no business data.
    return NOTHING


def _role_scopes(user: User) -> list[Q]:
    """The finding scopes of the user's roles, leaving out roles that reach no rows."""
    if not user.is_authenticated or not user.is_active:
        return []
    scopes = (finding_q_for_role(user, role) for role in sorted(user.role_codes))
    return [scope for scope in scopes if scope is not NOTHING]


def finding_q(user: User) -> Q:
    scope = NOTHING
    for role_scope in _role_scopes(user):
        scope |= role_scope
    return scope


def finding_act_q_for_role(user: User, role: str) -> Q:
    """The findings one role of this user may act on: what it sees, except that an audit office
    acts only in its own jurisdiction (a higher office oversees the ledgers below, it does not
    work them)."""
    scope = finding_q_for_role(user, role)
    if role in AUDIT_ROLES and user.organization_id is not None:
        scope &= Q(project__jurisdiction_id=user.organization.jurisdiction_id)
    return scope


def can_act_as(user: User, roles, finding) -> bool:
    """Whether one of ``roles`` that the user holds may act on this finding."""
    from rectify.findings.models import Finding

    for role in user.role_codes.intersection(roles):
        if Finding.objects.filter(finding_act_q_for_role(user, role), pk=finding.pk).exists():
            return True
    return False


def can_work_on_project(user: User, project) -> bool:
    """Whether the user is an auditor of the office that conducts this project."""
    return (
        user.is_authenticated
        and user.has_role(*AUDIT_ROLES)
        and _is_audit_office_member(user)
        and project.jurisdiction_id == user.organization.jurisdiction_id
    )


def _visible_findings(user: User) -> QuerySet:
    from rectify.findings.models import Finding

    return _cached(user, "findings", lambda: Finding.objects.filter(finding_q(user)))


def _project_q(user: User) -> Q:
    if user.has_role(*AUDIT_ROLES) and _is_audit_office_member(user):
        return Q(jurisdiction_id__in=jurisdiction_ids(user))
    scope = Q(pk__in=_visible_findings(user).values("project_id"))
    if user.has_role(*UNIT_ROLES):
        scope |= Q(units=user.organization_id)
    if user.has_role(RoleCode.DEPT_SUPERVISOR):
        scope |= Q(units__in=subordinate_unit_ids(user))
    if user.has_role(RoleCode.ORG_OFFICER):
        scope |= Q(jurisdiction_id__in=jurisdiction_ids(user), type__in=CADRE_AUDIT_TYPES)
    return scope


def _organization_q(user: User) -> Q:
    org = user.organization
    if org is None:
        return NOTHING
    if (
        user.has_role(*AUDIT_ROLES) and _is_audit_office_member(user)
    ) or user.role_codes & _ORGANIZATION_DIRECTORY_ROLES:
        return Q(jurisdiction_id__in=jurisdiction_ids(user))
    scope = NOTHING
    if user.has_role(*UNIT_ROLES):
        scope |= Q(pk=org.pk) | Q(pk__in=org.ancestor_ids())
    if user.has_role(RoleCode.DEPT_SUPERVISOR):
        scope |= Q(pk__in=subordinate_unit_ids(user)) | Q(pk__in=org.ancestor_ids())
    return scope


# Models whose visibility follows a finding, with the path from the model to the finding.
_FINDING_PATHS = {
    "findings.Finding": "",
    "findings.Requirement": "finding",
    "findings.FindingEvent": "finding",
    "rectification.Plan": "finding",
    "rectification.Milestone": "plan__finding",
    "rectification.ProgressReport": "finding",
    "rectification.AdoptedRule": "report__finding",
    "rectification.AccountabilityRecord": "report__finding",
    "rectification.Evidence": "report__finding",
    "rectification.Verification": "finding",
    "rectification.DelayExplanation": "finding",
}


def restrict(queryset: QuerySet, user: User, action: str = "view") -> QuerySet:
    """The part of ``queryset`` that ``user`` may see. Unknown models are refused, not let through."""
    label = queryset.model._meta.label
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if label in _FINDING_PATHS:
        path = _FINDING_PATHS[label]
        if not path:
            return queryset.filter(finding_q(user))
        return queryset.filter(**{f"{path}__in": _visible_findings(user)})
    if label == "audits.AuditProject":
        return queryset.filter(_project_q(user)).distinct()
    if label == "organizations.Organization":
        return queryset.filter(_organization_q(user))
    if label == "findings.SavedView":
        return queryset.filter(user=user)  # private to its owner
    raise LookupError(f"no visibility rule for {label}")


# Roles that see figures of the whole jurisdiction but no ledger rows (source 三(一), 四(一), 四(二)).
SUMMARY_ROLES = frozenset({RoleCode.COMMITTEE_OFFICER, RoleCode.GOVERNMENT_OFFICER, RoleCode.CONGRESS_OFFICER})


def summary_findings(user: User) -> QuerySet:
    """Findings whose figures (counts, amounts) the user may see; never to be listed row by row.

    Those who see rows see figures of exactly those rows; the committee office, the government
    and the congress see figures of every published finding in their jurisdiction.
    """
    from rectify.findings.models import Finding

    rows = Finding.objects.restrict(user)
    if user.is_authenticated and user.is_active and user.role_codes & SUMMARY_ROLES:
        published = Finding.objects.filter(project__jurisdiction_id__in=jurisdiction_ids(user)).exclude(
            state=FindingState.DRAFT
        )
        return Finding.objects.filter(Q(pk__in=published.values("pk")) | Q(pk__in=rows.values("pk")))
    return rows


def sees_rows(user: User) -> bool:
    """Whether any of the user's roles reaches ledger rows (not only figures)."""
    return bool(_role_scopes(user))
