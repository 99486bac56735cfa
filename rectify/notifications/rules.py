"""What triggers which notification, to whom: the one table.

Each rule names an event of the bus, who receives it, and its title and text. Recipients are found
from the finding the event is about; the person who acted is never notified of their own action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import AUDIT_ROLES, RoleCode
from rectify.accounts.scopes import holders_of

if TYPE_CHECKING:
    from rectify.core.events import Event
    from rectify.findings.models import Finding

Recipients = Callable[["Finding"], Iterable[int]]


def _users(organization_ids, roles) -> list[int]:
    return list(holders_of(roles, organization_id__in=organization_ids).values_list("pk", flat=True))


def unit_contacts(finding: Finding) -> list[int]:
    return _users([finding.unit_id], [RoleCode.UNIT_CONTACT])


def unit_heads(finding: Finding) -> list[int]:
    return _users([finding.unit_id], [RoleCode.UNIT_HEAD])


def competent_departments(finding: Finding) -> list[int]:
    return _users(finding.unit.ancestor_ids(), [RoleCode.DEPT_SUPERVISOR])


def project_auditors(finding: Finding) -> list[int]:
    """The audit team (leader and members); the audit office's auditors when no team is recorded."""
    project = finding.project
    team = {pk for pk in project.team.filter(is_active=True).values_list("pk", flat=True)}
    if project.leader_id:
        team.add(project.leader_id)
    return sorted(team) or _users([project.audit_office_id], AUDIT_ROLES)


@dataclass(frozen=True)
class Rule:
    event: str
    recipients: tuple[Recipients, ...]
    title: str
    body: str = ""
    when: Callable[[Event], bool] | None = None

    def applies(self, event: Event) -> bool:
        return self.when is None or self.when(event)


RULES: tuple[Rule, ...] = (
    Rule(
        "finding.issued",
        (unit_contacts, unit_heads),
        _("新下达整改问题 %(ledger_number)s"),
        _("「%(title)s」，整改期限 %(deadline)s。请制定整改方案并按期报送整改情况。"),
    ),
    Rule(
        "finding.returned",
        (unit_contacts, unit_heads),
        _("问题 %(ledger_number)s 被退回，须重新整改"),
        _("「%(title)s」。审计机关的意见：%(comment)s"),
    ),
    Rule(
        "finding.submitted",
        (project_auditors,),
        _("问题 %(ledger_number)s 已报送整改情况，待核实"),
        _("「%(title)s」，%(unit)s 已报送整改情况，请核实认定。"),
    ),
    Rule(
        "report.submitted",
        (project_auditors,),
        _("问题 %(ledger_number)s 持续整改情况已报送"),
        _("「%(title)s」，%(unit)s 报送了持续整改情况。"),
        when=lambda event: bool(event.data.get("continued")),
    ),
    Rule(
        "finding.closed",
        (unit_contacts, unit_heads),
        _("问题 %(ledger_number)s 已核实销号"),
        _("「%(title)s」经审计机关核实认定已整改，已对账销号。"),
    ),
    Rule(
        "finding.long_term",
        (unit_contacts, unit_heads),
        _("问题 %(ledger_number)s 转入持续整改"),
        _("「%(title)s」。请按时间表、路线图持续报送整改情况。说明：%(comment)s"),
    ),
    Rule(
        "finding.overdue",
        (unit_contacts, unit_heads, competent_departments, project_auditors),
        _("问题 %(ledger_number)s 已逾期"),
        _("「%(title)s」，%(unit)s，整改期限 %(deadline)s 已过，尚未完成整改。请尽快整改或说明延期原因。"),
    ),
    Rule(
        "delay.explained",
        (project_auditors,),
        _("问题 %(ledger_number)s 说明了延期原因"),
        _("「%(title)s」，%(unit)s 说明了未按期完成整改的原因，请审核。"),
    ),
)


def rules_for(event_name: str) -> list[Rule]:
    return [rule for rule in RULES if rule.event == event_name]


def event_names() -> set[str]:
    return {rule.event for rule in RULES}
