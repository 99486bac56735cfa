"""What triggers which notification, to whom: the one table.

Each rule names an event of the bus, who receives it, and its title and text. Recipients are found
from the object the event is about (its *subject*: a finding, unless the rule names another); the
person who acted is never notified of their own action. Mechanism apps above this one add their own
subjects and rules with ``register_subject`` and ``register_rule`` in their ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import AUDIT_ROLES, RoleCode
from rectify.accounts.scopes import holders_of

if TYPE_CHECKING:
    from rectify.core.events import Event
    from rectify.findings.models import Finding

Recipients = Callable[[Any], Iterable[int]]

FINDING = "findings.Finding"


@dataclass(frozen=True)
class Subject:
    """A kind of object notifications are about: how to load one, the facts its texts use, its page."""

    label: str
    load: Callable[[int], Any]
    facts: Callable[[Any, Event], dict[str, str]]
    url: Callable[[Any], str]


def _load_finding(pk: int):
    from rectify.findings.models import Finding

    return Finding.objects.select_related("unit", "project").filter(pk=pk).first()


def _finding_facts(finding: Finding, event: Event) -> dict[str, str]:
    return {
        # What the event carries (a reminder's due date …), then the finding's own facts.
        **{key: str(value) for key, value in event.data.items() if isinstance(value, str | int)},
        "ledger_number": finding.ledger_number,
        "title": finding.title,
        "unit": finding.unit.name,
        "project_official": finding.project.audited_official or "—",
        "deadline": finding.deadline.isoformat() if finding.deadline else gettext("未定"),
        "comment": str(event.data.get("comment") or ""),
    }


_SUBJECTS: dict[str, Subject] = {
    FINDING: Subject(FINDING, _load_finding, _finding_facts, lambda finding: finding.get_absolute_url()),
}


def register_subject(subject: Subject) -> None:
    _SUBJECTS[subject.label] = subject


def subject_for(label: str) -> Subject | None:
    return _SUBJECTS.get(label)


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
    subject: str = FINDING

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


_REGISTERED: list[Rule] = []


def register_rule(rule: Rule) -> None:
    """Adds a rule of another app; its event is subscribed to like the table's own."""
    from rectify.core import events
    from rectify.notifications.jobs import on_event

    if rule not in _REGISTERED:
        _REGISTERED.append(rule)
    events.subscribe(rule.event, on_event)


def all_rules() -> tuple[Rule, ...]:
    return (*RULES, *_REGISTERED)


def rules_for(event_name: str) -> list[Rule]:
    return [rule for rule in all_rules() if rule.event == event_name]


def event_names() -> set[str]:
    return {rule.event for rule in all_rules()}
