"""The reporting app's notifications: reminders and escalations (subjects of their own), and the
routing of progress reports, registered with the notification rules."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import RoleCode
from rectify.notifications.rules import (
    Rule,
    Subject,
    competent_departments,
    register_rule,
    register_subject,
    subject_for,
    unit_contacts,
    unit_heads,
)
from rectify.reporting.routing import routed_to

OBLIGATION = "reporting.Obligation"
ESCALATION = "reporting.EscalationProposal"


def _load_obligation(pk: int):
    from rectify.reporting.models import Obligation

    return Obligation.objects.select_related("finding__unit", "finding__project").filter(pk=pk).first()


def _obligation_facts(obligation, event) -> dict[str, str]:
    finding_facts = subject_for("findings.Finding").facts(obligation.finding, event)
    return {
        **finding_facts,
        "obligation": str(obligation),
        "due_date": obligation.due_date.isoformat(),
        "days": str(event.data.get("days", "")),
    }


def _load_escalation(pk: int):
    from rectify.reporting.models import EscalationProposal

    return (
        EscalationProposal.objects.select_related("finding__unit", "finding__project", "obligation")
        .filter(pk=pk)
        .first()
    )


def _escalation_facts(proposal, event) -> dict[str, str]:
    return {
        **subject_for("findings.Finding").facts(proposal.finding, event),
        "obligation": str(proposal.obligation),
        "due_date": proposal.obligation.due_date.isoformat(),
        "days": str(proposal.days_overdue),
    }


def _of_finding(find):
    def recipients(record):
        return find(record.finding)

    recipients.__name__ = f"{find.__name__}_of_finding"
    return recipients


def audit_leaders_and_team(finding) -> list[int]:
    from rectify.accounts.scopes import holders_of
    from rectify.notifications.rules import project_auditors

    leaders = holders_of([RoleCode.AUDIT_LEADER], organization_id=finding.project.audit_office_id)
    return sorted({*project_auditors(finding), *leaders.values_list("pk", flat=True)})


RULES = (
    Rule(
        "obligation.reminder",
        (_of_finding(unit_contacts),),
        _("问题 %(ledger_number)s 的%(obligation)s将于 %(due_date)s 到期"),
        _(
            "「%(title)s」的%(obligation)s应于 %(due_date)s 前报送（还有 %(days)s 天）。"
            "请按期报送，不能按期完成的请说明延期原因。"
        ),
        subject=OBLIGATION,
    ),
    Rule(
        "obligation.overdue",
        (_of_finding(unit_contacts), _of_finding(unit_heads), _of_finding(competent_departments)),
        _("问题 %(ledger_number)s 的%(obligation)s已逾期 %(days)s 天"),
        _("「%(title)s」，%(unit)s，%(obligation)s应于 %(due_date)s 前报送，至今未报送。请立即报送或说明延期原因。"),
        subject=OBLIGATION,
    ),
    Rule(
        "obligation.escalated",
        (_of_finding(audit_leaders_and_team),),
        _("问题 %(ledger_number)s 逾期 %(days)s 天未报送，建议约谈"),
        _(
            "「%(title)s」，%(unit)s，%(obligation)s应于 %(due_date)s 前报送，"
            "逾期已超过宽限期且无经同意的延期说明，请研究是否约谈单位主要负责人。"
        ),
        subject=ESCALATION,
    ),
    Rule(
        "report.submitted",
        (routed_to("competent_department"),),
        _("所属单位报送了问题 %(ledger_number)s 的整改情况"),
        _("%(unit)s报送了「%(title)s」的整改情况，请督促其落实整改。"),
    ),
    Rule(
        "report.submitted",
        (routed_to("organization_department"),),
        _("领导干部经济责任（自然资源资产）审计问题 %(ledger_number)s 报送了整改情况"),
        _("%(unit)s报送了「%(title)s」的整改情况。被审计领导干部：%(project_official)s。"),
    ),
    Rule(
        "delay.accepted",
        (unit_contacts, unit_heads),
        _("问题 %(ledger_number)s 的延期说明已获同意"),
        _("「%(title)s」的延期说明审计机关已同意。%(comment)s"),
    ),
    Rule(
        "delay.rejected",
        (unit_contacts, unit_heads),
        _("问题 %(ledger_number)s 的延期说明未获同意"),
        _("「%(title)s」的延期说明审计机关不同意：%(comment)s。请尽快完成整改并报送。"),
    ),
)


def register() -> None:
    register_subject(Subject(OBLIGATION, _load_obligation, _obligation_facts, lambda o: o.finding.get_absolute_url()))
    register_subject(Subject(ESCALATION, _load_escalation, _escalation_facts, lambda p: p.finding.get_absolute_url()))
    for rule in RULES:
        register_rule(rule)
