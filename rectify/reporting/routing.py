"""Where a unit's progress reports go, by audit type (source 三(一)): the one table.

Every report reaches the unit's competent department; reports on economic-responsibility and
natural-resource audits also reach the organization department, with the cadre named. The
discipline commission gets nothing by routing (only what is referred to it). The notification rules
and the pages that list routed reports both read this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import RoleCode
from rectify.accounts.scopes import holders_of
from rectify.audits.choices import CADRE_AUDIT_TYPES
from rectify.notifications.rules import competent_departments

if TYPE_CHECKING:
    from rectify.findings.models import Finding


def organization_department_users(finding: Finding) -> list[int]:
    """The organization officers of the project's jurisdiction and those above it."""
    ids, node = set(), finding.project.jurisdiction
    while node is not None and node.pk not in ids:
        ids.add(node.pk)
        node = node.parent
    return list(holders_of([RoleCode.ORG_OFFICER], organization__jurisdiction_id__in=ids).values_list("pk", flat=True))


@dataclass(frozen=True)
class Route:
    key: str
    label: str
    recipients: Callable[[Finding], list[int]]
    audit_types: frozenset[str] | None = None  # None: every type

    def applies(self, finding: Finding) -> bool:
        return self.audit_types is None or finding.project.type in self.audit_types


ROUTES: tuple[Route, ...] = (
    Route("competent_department", _("主管部门"), competent_departments),
    Route("organization_department", _("组织部门"), organization_department_users, CADRE_AUDIT_TYPES),
)


def routes_for(finding: Finding) -> list[Route]:
    return [route for route in ROUTES if route.applies(finding)]


def routed_to(route_key: str) -> Callable[[Finding], list[int]]:
    """The recipients of one route for a finding, or nobody when the route does not apply."""
    route = next(r for r in ROUTES if r.key == route_key)

    def recipients(finding: Finding) -> list[int]:
        return route.recipients(finding) if route.applies(finding) else []

    recipients.__name__ = f"routed_to_{route_key}"
    return recipients
