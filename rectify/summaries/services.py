"""Named actions on summary reports. The web, the API and the demo all call these.

    draft ──submit──▶ submitted ──approve──▶ approved ──send──▶ sent
      ▲                   │                      │
      └──────return───────┴──────return──────────┘   (with a reason)

Who does what (``DRAFTERS`` and ``APPROVERS``, by kind):

- a competent department's sector summary: drafted by its supervisors (or its head), approved by the
  department's head (a user of the department holding the 单位主要负责人 role);
- the audit office's reports to the committee and to the government: drafted by its auditors, approved
  by its audit leader;
- the government's report to the congress: drafted by the audit office's auditors for the government
  (or by the government's officers), approved by the government's officers (who record the
  government's approval: the government has no separate leader role here);
- a unit's own report: drafted by its contact (or head), signed off by its head.

A report is sent by whoever may draft or approve it, once approved. Its figures are computed from the
ledger when it is drafted, refreshed and submitted, and frozen when it is approved; a return to draft
unfreezes them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor
from rectify.audits.choices import CADRE_AUDIT_TYPES
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import bump_version, check_version, lock_for_action
from rectify.core.request_context import get_request_id
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.findings.warning import local_today
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization
from rectify.summaries import figures as summary_figures
from rectify.summaries.choices import StepKind, SummaryKind, SummaryState
from rectify.summaries.models import SummaryReport, SummaryStep
from rectify.summaries.narrative import SECTIONS, default_sections

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.audits.models import AuditProject

K = SummaryKind
S = SummaryState

# The roles that draft a report of each kind, in its preparing organization.
DRAFTERS: dict[str, frozenset[str]] = {
    K.SECTOR: frozenset({RoleCode.DEPT_SUPERVISOR, RoleCode.UNIT_HEAD}),
    K.COMMITTEE: AUDIT_ROLES,
    K.GOVERNMENT: AUDIT_ROLES,
    K.CONGRESS: AUDIT_ROLES | {RoleCode.GOVERNMENT_OFFICER},
    K.UNIT: UNIT_ROLES,
}
# The roles that approve it, in the issuing organization (the leader of the issuing body).
APPROVERS: dict[str, frozenset[str]] = {
    K.SECTOR: frozenset({RoleCode.UNIT_HEAD}),
    K.COMMITTEE: frozenset({RoleCode.AUDIT_LEADER}),
    K.GOVERNMENT: frozenset({RoleCode.AUDIT_LEADER}),
    K.CONGRESS: frozenset({RoleCode.GOVERNMENT_OFFICER}),
    K.UNIT: frozenset({RoleCode.UNIT_HEAD}),
}
# The organization kind that issues each kind of report.
ISSUER_KINDS: dict[str, str] = {
    K.SECTOR: OrganizationKind.COMPETENT_DEPARTMENT,
    K.COMMITTEE: OrganizationKind.AUDIT_OFFICE,
    K.GOVERNMENT: OrganizationKind.AUDIT_OFFICE,
    K.CONGRESS: OrganizationKind.GOVERNMENT,
    K.UNIT: OrganizationKind.AUDITED_UNIT,
}
# Whom each kind is addressed to by default (organization kinds of the issuer's jurisdiction).
DEFAULT_RECIPIENTS: dict[str, tuple[str, ...]] = {
    K.SECTOR: (OrganizationKind.AUDIT_OFFICE,),
    K.COMMITTEE: (OrganizationKind.COMMITTEE_OFFICE,),
    K.GOVERNMENT: (OrganizationKind.GOVERNMENT,),
    K.CONGRESS: (OrganizationKind.PEOPLES_CONGRESS,),
}
ALL_DRAFTERS = frozenset().union(*DRAFTERS.values())
ALL_APPROVERS = frozenset().union(*APPROVERS.values())

NOT_FOUND = gettext_lazy("汇总报告不存在，或不在您的职责范围内。")
STEP_REFUSED = gettext_lazy("您不能办理这份汇总报告。")


# --- who may do what -------------------------------------------------------------------------------


def drafting_kinds(user: User) -> list[str]:
    """The kinds of report the user may draft (for the "new report" page)."""
    org = user.organization
    if org is None:
        return []
    kinds = []
    for kind in K.values:
        if not user.role_codes & DRAFTERS[kind]:
            continue
        if kind == K.CONGRESS:
            if is_audit_office_auditor(user) or (
                org.kind == OrganizationKind.GOVERNMENT and RoleCode.GOVERNMENT_OFFICER in user.role_codes
            ):
                kinds.append(kind)
        elif kind in (K.COMMITTEE, K.GOVERNMENT):
            if is_audit_office_auditor(user):
                kinds.append(kind)
        elif org.kind == ISSUER_KINDS[kind] or (kind == K.UNIT and org.kind == OrganizationKind.COMPETENT_DEPARTMENT):
            kinds.append(kind)
    return kinds


def may_draft(user: User, report: SummaryReport) -> bool:
    return bool(user.role_codes & DRAFTERS[report.kind]) and user.organization_id in (
        report.preparer_id,
        report.issuer_id,
    )


def may_approve(user: User, report: SummaryReport) -> bool:
    return bool(user.role_codes & APPROVERS[report.kind]) and user.organization_id == report.issuer_id


def may_send(user: User, report: SummaryReport) -> bool:
    return may_draft(user, report) or may_approve(user, report)


def steps_for(user: User, report: SummaryReport) -> list[str]:
    """The steps the user may take on the report now (the buttons the page offers)."""
    steps = []
    if report.state == S.DRAFT and may_draft(user, report):
        steps += ["edit", "refresh", "submit"]
    if report.state == S.SUBMITTED and may_approve(user, report):
        steps += ["approve", "return"]
    if report.state == S.APPROVED and may_approve(user, report):
        steps.append("return")
    if report.state == S.APPROVED and may_send(user, report):
        steps.append("send")
    return steps


# --- helpers ------------------------------------------------------------------------------------------


def _record(report: SummaryReport, actor: User, kind: str, before: str, comment: str = "") -> SummaryStep:
    return SummaryStep.objects.create(
        report=report,
        kind=kind,
        from_state=before,
        to_state=report.state,
        actor=actor,
        actor_name=actor.display_name,
        at=timezone.now(),
        comment=comment,
        request_id=get_request_id(),
    )


def _lock(actor: User, report: SummaryReport | int) -> SummaryReport:
    pk = report.pk if isinstance(report, SummaryReport) else report
    return lock_for_action(SummaryReport, actor, pk, not_found=str(NOT_FOUND), forbidden=str(STEP_REFUSED))


def _compute(report: SummaryReport, today: datetime.date | None = None) -> None:
    findings = summary_figures.scope_findings(report)
    facts = summary_figures.finding_facts(findings)
    figures, ids = summary_figures.report_figures(report, today, facts=facts)
    report.figures = figures
    report.finding_ids = ids
    report.rows = summary_figures.finding_rows(findings, today, facts=facts)
    report.figures_at = timezone.now()


def _check_state(report: SummaryReport, *states: str) -> None:
    if report.state not in states:
        raise ActionRefused(
            _("汇总报告当前为「%(state)s」，不能办理此操作。") % {"state": report.get_state_display()},
            code="invalid_state",
        )


def _check_report_date(report_date: datetime.date) -> None:
    if report_date > local_today():
        raise ActionRefused(
            _("截至日期 %(date)s 晚于今天；报告只能反映截至今天的整改情况。") % {"date": report_date.isoformat()}
        )


def default_title(kind: str, issuer: Organization, year: int | None, report_date: datetime.date) -> str:
    year_text = f"{year}年度" if year else ""
    if kind == K.SECTOR:
        return f"{issuer.name}关于{year_text}本行业审计查出问题整改情况的报告"
    if kind == K.COMMITTEE:
        return f"{issuer.name}关于{year_text}审计查出问题整改情况向区委审计委员会的报告"
    if kind == K.GOVERNMENT:
        return f"{issuer.name}关于{year_text}审计查出问题整改情况向区政府的报告"
    if kind == K.CONGRESS:
        return f"{issuer.name}关于{year_text}区级预算执行和其他财政收支审计查出问题整改情况的报告"
    return f"{issuer.name}关于审计查出问题整改情况的报告"


def _jurisdiction_org(jurisdiction_id: int, kind: str) -> Organization | None:
    return Organization.objects.filter(jurisdiction_id=jurisdiction_id, kind=kind).order_by("pk").first()


def default_recipients(kind: str, issuer: Organization, findings: Iterable[Finding] = ()) -> list[Organization]:
    if kind == K.UNIT:
        findings = list(findings)
        # A unit's own internal audit was conducted by the unit itself: its report goes to the district's
        # audit office, which oversees internal audit (source 四(三)), not back to the unit.
        offices = {f.project.audit_office_id for f in findings} - {issuer.pk}
        recipients = list(Organization.objects.filter(pk__in=offices))
        if any(f.project.audit_office_id == issuer.pk for f in findings):
            office = _jurisdiction_org(issuer.jurisdiction_id, OrganizationKind.AUDIT_OFFICE)
            if office is not None and office.pk not in offices:
                recipients.append(office)
        if any(f.project.type in CADRE_AUDIT_TYPES for f in findings):
            orgdept = _jurisdiction_org(issuer.jurisdiction_id, OrganizationKind.ORGANIZATION_DEPARTMENT)
            if orgdept is not None:
                recipients.append(orgdept)
        return recipients
    return [
        org
        for org in (_jurisdiction_org(issuer.jurisdiction_id, wanted) for wanted in DEFAULT_RECIPIENTS[kind])
        if org is not None
    ]


def _check_recipients(issuer: Organization, recipients: Iterable[Organization]) -> list[Organization]:
    recipients = list({org.pk: org for org in recipients}.values())
    if not recipients:
        raise ActionRefused(_("请至少选择一个主送机关。"))
    for org in recipients:
        if org.pk == issuer.pk:
            raise ActionRefused(_("主送机关不能是发文机关本身（%(org)s）。") % {"org": org.name})
        if org.jurisdiction_id != issuer.jurisdiction_id and org.jurisdiction_id not in _above(issuer):
            raise ActionRefused(_("主送机关「%(org)s」不在本区域或上级区域。") % {"org": org.name})
    return recipients


def _above(org: Organization) -> set[int]:
    found, node = set(), org.jurisdiction.parent
    while node is not None and node.pk not in found:
        found.add(node.pk)
        node = node.parent
    return found


# --- drafting --------------------------------------------------------------------------------------


def _issuer_for(actor: User, kind: str) -> tuple[Organization, Organization]:
    """(issuer, preparer) of a new report of ``kind`` drafted by ``actor``."""
    if kind not in drafting_kinds(actor):
        raise ActionRefused(
            _("您的角色不能起草「%(kind)s」。") % {"kind": K(kind).label},
            code="forbidden",
        )
    org = actor.organization
    if kind == K.CONGRESS and org.kind != OrganizationKind.GOVERNMENT:
        government = _jurisdiction_org(org.jurisdiction_id, OrganizationKind.GOVERNMENT)
        if government is None:
            raise ActionRefused(_("本区域没有登记人民政府，不能起草向人大常委会的报告。"))
        return government, org
    return org, org


def create_report(
    actor: User,
    *,
    kind: str,
    report_date: datetime.date | None = None,
    year: int | None = None,
    project: AuditProject | None = None,
    department: Organization | None = None,
    findings: Iterable[Finding] = (),
    recipients: Iterable[Organization] | None = None,
    title: str = "",
) -> SummaryReport:
    """Drafts a report: its scope checked, its figures computed and its narrative prefilled."""
    if kind not in K.values:
        raise ActionRefused(_("报告类型「%(kind)s」无效。") % {"kind": kind})
    issuer, preparer = _issuer_for(actor, kind)
    report_date = report_date or local_today()
    _check_report_date(report_date)
    chosen: list[Finding] = []
    if kind == K.UNIT:
        ids = [f.pk for f in findings]
        chosen = list(
            Finding.objects.restrict(actor)
            .filter(pk__in=ids, unit_id=issuer.pk)
            .exclude(state=FindingState.DRAFT)
            .select_related("project")
        )
        if not ids:
            raise ActionRefused(_("请选择报告所涉及的问题（可选择多个）。"))
        if len(chosen) != len(set(ids)):
            raise ActionRefused(_("所选问题中有不属于本单位或尚未下达的问题。"))
        project, department, year = None, None, None
    elif kind == K.CONGRESS and not year:
        raise ActionRefused(_("向人大常委会的报告须选择审计年度（预算执行审计的年度）。"))
    if kind == K.SECTOR:
        department = issuer
    if project is not None and project.jurisdiction_id != issuer.jurisdiction_id:
        raise ActionRefused(_("审计项目「%(project)s」不属于本区域。") % {"project": project.name})
    if department is not None and department.jurisdiction_id != issuer.jurisdiction_id:
        raise ActionRefused(_("主管部门「%(org)s」不属于本区域。") % {"org": department.name})
    recipients = list(recipients) if recipients is not None else default_recipients(kind, issuer, chosen)
    recipients = _check_recipients(issuer, recipients)
    with transaction.atomic():
        report = SummaryReport(
            kind=kind,
            issuer=issuer,
            preparer=preparer,
            year=year,
            project=project,
            department=department,
            report_date=report_date,
            drafted_by=actor,
            title=(title or "").strip() or default_title(kind, issuer, year, report_date),
        )
        report.save()
        report.recipients.set(recipients)
        if chosen:
            report.findings.set(chosen)
        _compute(report)
        if kind != K.UNIT and not report.finding_ids:
            raise ActionRefused(_("所选范围内没有已下达的审计查出问题，无法生成汇总报告。"))
        report.narrative = default_sections(kind, report.figures)
        report.save()
        _record(report, actor, StepKind.DRAFTED, "")
        publish("summary.drafted", report, actor=actor)
    return report


def update_report(
    actor: User,
    report: SummaryReport | int,
    *,
    sections: Mapping[str, str],
    title: str | None = None,
    report_date: datetime.date | None = None,
    recipients: Iterable[Organization] | None = None,
    version: Any = None,
) -> SummaryReport:
    """Edits a draft: the narrative's sections (by key), the title, the 截至 date and the recipients."""
    with transaction.atomic():
        report = _lock(actor, report)
        if not may_draft(actor, report):
            raise ActionRefused(STEP_REFUSED, code="forbidden")
        _check_state(report, S.DRAFT)
        check_version(report, version)
        known = {key for key, _heading in SECTIONS[report.kind]}
        unknown = sorted(set(sections) - known)
        if unknown:
            raise ActionRefused(_("正文没有「%(keys)s」这一部分。") % {"keys": "、".join(unknown)})
        narrative = []
        for section in report.narrative:
            text = sections.get(section["key"], section["text"])
            narrative.append({**section, "text": (text or "").strip()})
        report.narrative = narrative
        if title is not None:
            if not title.strip():
                raise ActionRefused(_("标题不能为空。"))
            report.title = title.strip()[:200]
        changed_date = report_date is not None and report_date != report.report_date
        if report_date is not None:
            _check_report_date(report_date)
            report.report_date = report_date
        if recipients is not None:
            report.recipients.set(_check_recipients(report.issuer, recipients))
        bump_version(report)
        if changed_date:
            _compute(report)
        report.save()
        _record(report, actor, StepKind.EDITED, report.state)
    return report


def refresh_figures(actor: User, report: SummaryReport | int) -> SummaryReport:
    """Computes a draft's figures again from the ledger as it stands."""
    with transaction.atomic():
        report = _lock(actor, report)
        if not may_draft(actor, report):
            raise ActionRefused(STEP_REFUSED, code="forbidden")
        _check_state(report, S.DRAFT)
        _compute(report)
        bump_version(report)
        report.save()
        _record(report, actor, StepKind.REFRESHED, report.state)
    return report


# --- the steps ---------------------------------------------------------------------------------------


def submit_report(actor: User, report: SummaryReport | int, comment: str = "") -> SummaryReport:
    """The drafter asks the leader of the issuing body to approve it (the figures are computed again)."""
    with transaction.atomic():
        report = _lock(actor, report)
        if not may_draft(actor, report):
            raise ActionRefused(_("只有起草单位的起草人员可以报请审批。"), code="forbidden")
        _check_state(report, S.DRAFT)
        if not any(section["text"].strip() for section in report.narrative):
            raise ActionRefused(_("报告正文为空，请先填写正文再报请审批。"))
        before = report.state
        _compute(report)
        report.state = S.SUBMITTED
        report.submitted_at = timezone.now()
        bump_version(report)
        report.save()
        _record(report, actor, StepKind.SUBMITTED, before, comment)
        publish("summary.submitted", report, actor=actor)
    return report


def approve_report(actor: User, report: SummaryReport | int, comment: str = "") -> SummaryReport:
    """The leader of the issuing body approves it: the figures are computed a last time and frozen."""
    with transaction.atomic():
        report = _lock(actor, report)
        if not may_approve(actor, report):
            raise ActionRefused(
                _("只有%(issuer)s的负责人（%(roles)s）可以审批这份报告。")
                % {"issuer": report.issuer.name, "roles": _role_names(APPROVERS[report.kind])},
                code="forbidden",
            )
        _check_state(report, S.SUBMITTED)
        before = report.state
        _compute(report)
        report.frozen_at = report.figures_at
        report.state = S.APPROVED
        report.approved_by = actor
        report.approved_at = timezone.now()
        bump_version(report)
        report.save()
        _record(report, actor, StepKind.APPROVED, before, comment)
        publish("summary.approved", report, actor=actor)
    return report


def return_report(actor: User, report: SummaryReport | int, reason: str) -> SummaryReport:
    """The approver sends a submitted or approved (not yet sent) report back to draft, saying why."""
    reason = (reason or "").strip()
    with transaction.atomic():
        report = _lock(actor, report)
        if not may_approve(actor, report):
            raise ActionRefused(_("只有审批人可以退回报告。"), code="forbidden")
        _check_state(report, S.SUBMITTED, S.APPROVED)
        if not reason:
            raise ActionRefused(_("请填写退回修改的原因。"))
        before = report.state
        report.state = S.DRAFT
        report.frozen_at = None
        report.approved_by = None
        report.approved_at = None
        bump_version(report)
        report.save()
        _record(report, actor, StepKind.RETURNED, before, reason)
        publish("summary.returned", report, actor=actor, comment=reason)
    return report


def send_report(actor: User, report: SummaryReport | int, comment: str = "") -> SummaryReport:
    """Sends an approved report to its recipients; they see it from now on, with its frozen figures."""
    with transaction.atomic():
        report = _lock(actor, report)
        if not may_send(actor, report):
            raise ActionRefused(STEP_REFUSED, code="forbidden")
        _check_state(report, S.APPROVED)
        before = report.state
        report.state = S.SENT
        report.sent_by = actor
        report.sent_at = timezone.now()
        bump_version(report)
        report.save()
        _record(report, actor, StepKind.SENT, before, comment)
        # Carries the findings of a unit's own report: the reporting obligations it meets.
        publish(
            "summary.sent",
            report,
            actor=actor,
            kind=report.kind,
            findings=list(report.finding_ids) if report.kind == K.UNIT else [],
        )
    return report


def _role_names(roles: Iterable[str]) -> str:
    return "、".join(str(RoleCode(role).label) for role in sorted(roles))
