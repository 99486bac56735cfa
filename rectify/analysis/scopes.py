"""Who sees the analysis: repeat proposals are the audit office's working papers (an auditor sees those
of findings it sees, whose earlier finding it sees too); clusters are seen by the audit office over its
jurisdictions and by a competent department over its own units' clusters only."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from rectify.accounts.choices import AUDIT_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids
from rectify.analysis.choices import ClusterScope
from rectify.core.visibility import NOTHING, restrict


def proposal_scope(user: Any, action: str, roles: frozenset[str]) -> Q:
    from rectify.findings.models import Finding

    auditing = roles & AUDIT_ROLES
    if not auditing or not is_audit_office_auditor(user, auditing):
        return NOTHING
    findings = restrict(Finding.objects.all(), user, action, roles=auditing).values("pk")
    seen = restrict(Finding.objects.all(), user, "view").values("pk")
    return Q(finding__in=findings) & Q(earlier__in=seen)


def cluster_scope(user: Any, action: str, roles: frozenset[str]) -> Q:
    if action != "view" or user.organization_id is None:
        return NOTHING
    parts = NOTHING
    auditing = roles & AUDIT_ROLES
    if auditing and is_audit_office_auditor(user, auditing):
        parts = Q(jurisdiction_id__in=jurisdiction_ids(user))
    if RoleCode.DEPT_SUPERVISOR in roles:
        department = Q(scope=ClusterScope.DEPARTMENT, department_id=user.organization_id)
        parts = department if parts is NOTHING else parts | department
    return parts
