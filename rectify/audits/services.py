"""Named actions on audit projects."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from rectify.accounts.choices import AUDIT_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor
from rectify.audits.choices import AuditType
from rectify.audits.models import AuditProject
from rectify.core.exceptions import ActionRefused
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Jurisdiction

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.organizations.models import Organization

AUDITABLE_KINDS = (OrganizationKind.AUDITED_UNIT, OrganizationKind.COMPETENT_DEPARTMENT)


def can_open_projects(actor: User) -> bool:
    """Auditors of an audit office open audit projects; a unit's internal auditors open its internal audits."""
    return is_audit_office_auditor(actor) or is_internal_auditor(actor)


def is_internal_auditor(actor: User) -> bool:
    """An internal auditor of a unit (source 四(三)), who audits its own unit only."""
    return (
        actor.is_authenticated
        and actor.has_role(RoleCode.INTERNAL_AUDITOR)
        and actor.organization is not None
        and actor.organization.kind in AUDITABLE_KINDS
    )


@transaction.atomic
def create_project(
    actor: User,
    *,
    name: str,
    year: int,
    type: str,
    units: Sequence[Organization],
    started_on: datetime.date | None = None,
    audited_official: str = "",
    leader: User | None = None,
    team: Sequence[User] = (),
) -> AuditProject:
    """An auditor opens an audit of one or more units in the office's own jurisdiction."""
    office = actor.organization
    if not can_open_projects(actor):
        raise ActionRefused(_("只有审计机关的审计人员可以新建审计项目。"), code="forbidden")
    internal = not is_audit_office_auditor(actor)
    if internal and (type != AuditType.INTERNAL_AUDIT or [u.pk for u in units] != [office.pk]):
        raise ActionRefused(_("内审人员只能对本单位开展内部审计。"), code="forbidden")
    if not (name or "").strip():
        raise ActionRefused(_("请填写项目名称。"))
    if type not in AuditType.values:
        raise ActionRefused(_("未知的审计类型「%(value)s」。") % {"value": type})
    today = datetime.date.today()
    if not year or year < 2000 or year > today.year + 1:
        raise ActionRefused(_("审计年度 %(year)s 不在合理范围内。") % {"year": year})
    units = list(units)
    if not units:
        raise ActionRefused(_("请至少选择一个被审计单位。"))
    jurisdictions = office.jurisdiction.subtree_ids()
    for unit in units:
        if unit.kind not in AUDITABLE_KINDS:
            raise ActionRefused(_("「%(unit)s」不是被审计单位或主管部门。") % {"unit": unit})
        if unit.jurisdiction_id not in jurisdictions:
            raise ActionRefused(_("「%(unit)s」不在本审计机关的管辖范围内。") % {"unit": unit})
    members = [m for m in [leader, *team] if m is not None]
    team_roles = (RoleCode.INTERNAL_AUDITOR,) if internal else AUDIT_ROLES
    for member in members:
        if member.organization_id != office.pk or not member.has_role(*team_roles):
            raise ActionRefused(_("审计组组长和成员须为本审计机关的审计人员。"))
    if audited_official.strip() and type not in (AuditType.ECONOMIC_RESPONSIBILITY, AuditType.NATURAL_RESOURCES):
        raise ActionRefused(_("只有经济责任审计和自然资源资产审计填写被审计领导干部。"))
    # Locks the jurisdiction's row, so two auditors cannot take the same sequence number at once.
    Jurisdiction.objects.select_for_update().get(pk=office.jurisdiction_id)
    # Each auditing organization numbers its own projects: a unit's internal audits run apart.
    taken = AuditProject.all_objects.filter(jurisdiction=office.jurisdiction, audit_office=office, year=year).aggregate(
        m=Max("sequence")
    )["m"]
    project = AuditProject(
        jurisdiction=office.jurisdiction,
        audit_office=office,
        year=year,
        sequence=(taken or 0) + 1,
        type=type,
        name=name.strip(),
        audited_official=audited_official.strip(),
        leader=leader or actor,
        started_on=started_on,
    )
    project._history_user = actor
    project.full_clean()
    project.save()
    project.units.set(units)
    project.team.set({actor, *members})
    return project
