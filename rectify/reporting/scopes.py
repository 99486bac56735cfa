"""Who sees the reporting records. Obligations follow their finding (``visibility_path``); an
escalation proposal is the audit office's own working paper until it becomes an interview, and a unit's
internal auditors' for the findings of their own internal audits (source 四(三)), which they work the way
the audit office works its own."""

from __future__ import annotations

from django.db.models import Q

from rectify.accounts.choices import AUDITING_ROLES
from rectify.core.visibility import NOTHING, restrict


def escalation_scope(user, action: str, roles: frozenset[str]) -> Q:
    auditing = roles & AUDITING_ROLES
    if not auditing:
        return NOTHING
    from rectify.findings.models import Finding

    return Q(finding__in=restrict(Finding.objects.all(), user, action, roles=auditing).values("pk"))
