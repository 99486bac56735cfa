"""Named actions on supervised matters and circulars. The web, the API and the demo all call these.

Matters::

    record_matter (committee office) → each assignment: pending ──report_progress──▶ in_progress
    in_progress ──request_closure (assignee)──▶ requested ──accept_closure (committee)──▶ done
                                                 requested ──return_assignment (committee, reason)──▶ in_progress
    the matter is closed when its last assignment is done.

Circulars::

    draft ──approve──▶ approved ──issue──▶ issued (numbered, seen by the recipients)
      ▲                    │
      └──return (reason)───┘

    four eyes: the approver is an officer of the office other than the one who drafted or edited the text.

Each action locks its object through the ``act`` scope, checks the state, records a step (and, for
the findings a matter or circular cites, an event on the finding's timeline), and publishes an event
once committed.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accounts.choices import RoleCode
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.files import files_follow_transaction
from rectify.core.locking import bump_version, check_version, lock_for_action
from rectify.core.request_context import get_request_id
from rectify.findings.choices import EventKind, FindingState
from rectify.findings.models import Finding
from rectify.findings.warning import local_today
from rectify.findings.workflow import record_event
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization
from rectify.supervision.choices import (
    AssignmentState,
    CircularKind,
    CircularState,
    MatterKind,
    MatterState,
    StepKind,
)
from rectify.supervision.models import Assignment, Circular, Progress, Step, SupervisedMatter
from rectify.supervision.scopes import BUSINESS_ROLES, COMMITTEE

if TYPE_CHECKING:
    from rectify.accounts.models import User

A = AssignmentState
C = CircularState

MATTER_NOT_FOUND = gettext_lazy("督办事项不存在，或不在您的职责范围内。")
MATTER_REFUSED = gettext_lazy("只有审计委员会办公室可以办理督办事项的这一步。")
ASSIGNEE_REFUSED = gettext_lazy("只有承办单位可以报告进展、申请办结。")
CIRCULAR_NOT_FOUND = gettext_lazy("通报不存在，或不在您的职责范围内。")
CIRCULAR_REFUSED = gettext_lazy("只有审计委员会办公室可以办理通报。")
FOUR_EYES_REFUSED = gettext_lazy(
    "通报须由起草人（含修改人）以外的本机关人员审核：您起草或修改了这份通报，不能再审核它。"
)
CIRCULAR_WORD = "审计委办"  # 机关代字 of the committee office's circulars: 黔江审计委办〔2026〕1号


@dataclass(frozen=True)
class AssigneeSpec:
    organization: Organization
    due_date: datetime.date


# --- who may do what -------------------------------------------------------------------------------


def is_committee_officer(user: User) -> bool:
    org = user.organization
    return (
        org is not None
        and org.kind == OrganizationKind.COMMITTEE_OFFICE
        and RoleCode.COMMITTEE_OFFICER in user.role_codes
    )


def may_manage(user: User, issuer_id: int) -> bool:
    return is_committee_officer(user) and user.organization_id == issuer_id


def may_work(user: User, assignment: Assignment) -> bool:
    return bool(user.role_codes & BUSINESS_ROLES) and user.organization_id == assignment.organization_id


def assignment_steps(user: User, assignment: Assignment) -> list[str]:
    """The steps the user may take on an assignment now (the buttons the page offers)."""
    steps = []
    if may_work(user, assignment) and assignment.state in (A.PENDING, A.IN_PROGRESS):
        steps.append("progress")
        if assignment.state == A.IN_PROGRESS:
            steps.append("request")
    if may_manage(user, assignment.matter.issuer_id) and assignment.state == A.REQUESTED:
        steps += ["accept", "return"]
    return steps


def wrote_circular(user: User, circular: Circular) -> bool:
    """Whether the user drafted the circular or edited its text since: such a one may not approve it."""
    if circular.drafted_by_id == user.pk:
        return True
    return circular.steps.filter(kind=StepKind.EDITED, actor_id=user.pk).exists()


def circular_steps(user: User, circular: Circular) -> list[str]:
    if not may_manage(user, circular.issuer_id):
        return []
    steps = {C.DRAFT: ["edit", "approve"], C.APPROVED: ["issue", "return"], C.ISSUED: []}[circular.state]
    if "approve" in steps and wrote_circular(user, circular):
        steps.remove("approve")  # four eyes: another officer of the office approves
    return steps


# --- helpers ------------------------------------------------------------------------------------------


def _step(actor: User, kind: str, *, matter=None, assignment=None, circular=None, comment: str = "") -> Step:
    return Step.objects.create(
        matter=matter,
        assignment=assignment,
        circular=circular,
        kind=kind,
        actor=actor,
        actor_name=actor.display_name[:50],
        organization_name=actor.organization.name if actor.organization_id else "",
        at=timezone.now(),
        comment=comment,
        request_id=get_request_id(),
    )


def _state_refused(label: str) -> ActionRefused:
    return ActionRefused(_("当前状态为「%(state)s」，不能办理此操作。") % {"state": label}, code="invalid_state")


def _require_committee(actor: User) -> Organization:
    if not is_committee_officer(actor):
        raise ActionRefused(_("只有审计委员会办公室人员可以登记督办事项和起草通报。"), code="forbidden")
    return actor.organization


def _in_jurisdiction(issuer: Organization, organizations: Iterable[Organization], label: str) -> list[Organization]:
    chosen = list({org.pk: org for org in organizations}.values())
    for org in chosen:
        if org.jurisdiction_id != issuer.jurisdiction_id:
            raise ActionRefused(_("%(label)s「%(org)s」不在本区域。") % {"label": label, "org": org.name})
        if org.pk == issuer.pk:
            raise ActionRefused(_("%(label)s不能是本机关。") % {"label": label})
    return chosen


def findings_by_number(issuer: Organization, numbers: Iterable[str]) -> list[Finding]:
    """The findings cited by ledger number (issued findings of the issuer's jurisdiction)."""
    wanted = [n.strip() for n in numbers if n and n.strip()]
    if not wanted:
        return []
    found = {
        f.ledger_number: f
        for f in Finding.objects.filter(ledger_number__in=wanted, project__jurisdiction_id=issuer.jurisdiction_id)
        .exclude(state=FindingState.DRAFT)
        .only("pk", "ledger_number", "title")
    }
    missing = [n for n in wanted if n not in found]
    if missing:
        raise ActionRefused(
            _("问题编号「%(numbers)s」在本区域的整改台账中不存在（或尚未下达）。") % {"numbers": "、".join(missing)}
        )
    return [found[n] for n in dict.fromkeys(wanted)]


def _check_findings(issuer: Organization, findings: Iterable[Finding]) -> list[Finding]:
    """The cited findings, each an issued finding of the issuer's jurisdiction (one query)."""
    ids = list(dict.fromkeys(f.pk for f in findings))
    if not ids:
        return []
    found = {
        f.pk: f
        for f in Finding.objects.filter(pk__in=ids, project__jurisdiction_id=issuer.jurisdiction_id)
        .exclude(state=FindingState.DRAFT)
        .only("pk", "ledger_number", "title", "state")
    }
    if len(found) != len(ids):
        raise ActionRefused(_("所引用的问题中有不属于本区域或尚未下达的问题。"))
    return [found[pk] for pk in ids]


def split_numbers(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,，、;；]+", text or "") if part]


def _check_due(due_date: datetime.date, organization: Organization) -> None:
    if due_date < local_today():
        raise ActionRefused(
            _("「%(org)s」的办理期限 %(date)s 早于今天。") % {"org": organization.name, "date": due_date.isoformat()}
        )


# --- matters -----------------------------------------------------------------------------------------


def record_matter(
    actor: User,
    *,
    kind: str,
    title: str,
    content: str,
    assignees: Sequence[AssigneeSpec],
    meeting: str = "",
    meeting_date: datetime.date | None = None,
    instructed_by: str = "",
    instructor_position: str = "",
    instructed_on: datetime.date | None = None,
    findings: Iterable[Finding] = (),
    units: Iterable[Organization] = (),
) -> SupervisedMatter:
    """Records a committee decision or a leadership instruction and assigns it to its organizations."""
    issuer = _require_committee(actor)
    if kind not in MatterKind.values:
        raise ActionRefused(_("事项来源「%(kind)s」无效。") % {"kind": kind})
    title, content = (title or "").strip(), (content or "").strip()
    if not title:
        raise ActionRefused(_("请填写事项名称。"))
    if not content:
        raise ActionRefused(_("请填写议定事项或批示的内容。"))
    today = local_today()
    if kind == MatterKind.DECISION:
        if not (meeting or "").strip() or meeting_date is None:
            raise ActionRefused(_("会议议定事项须填写会议名称和会议日期。"))
        if meeting_date > today:
            raise ActionRefused(_("会议日期不能晚于今天。"))
        instructed_by, instructor_position, instructed_on = "", "", None
    else:
        if not (instructed_by or "").strip() or not (instructor_position or "").strip() or instructed_on is None:
            raise ActionRefused(_("领导批示须填写批示领导、领导职务和批示日期。"))
        if instructed_on > today:
            raise ActionRefused(_("批示日期不能晚于今天。"))
        meeting, meeting_date = "", None
    assignees = list(assignees)
    if not assignees:
        raise ActionRefused(_("请至少选择一个承办单位。"))
    orgs = _in_jurisdiction(issuer, [a.organization for a in assignees], _("承办单位"))
    if len(orgs) != len(assignees):
        raise ActionRefused(_("同一承办单位只能交办一次。"))
    for spec in assignees:
        _check_due(spec.due_date, spec.organization)
    units = _in_jurisdiction(issuer, units, _("涉及的单位"))
    findings = _check_findings(issuer, findings)
    with transaction.atomic():
        matter = SupervisedMatter(
            issuer=issuer,
            kind=kind,
            title=title[:200],
            content=content,
            meeting=(meeting or "").strip()[:200],
            meeting_date=meeting_date,
            instructed_by=(instructed_by or "").strip()[:50],
            instructor_position=(instructor_position or "").strip()[:100],
            instructed_on=instructed_on,
            recorded_by=actor,
        )
        matter._history_user = actor
        matter.save()
        matter.findings.set(findings)
        matter.units.set(units)
        _step(actor, StepKind.RECORDED, matter=matter, comment=matter.get_kind_display())
        for spec in assignees:
            _assign(actor, matter, spec)
        for finding in findings:
            record_event(
                finding, actor, EventKind.SUPERVISION, action="supervise",
                comment=_("列入督办事项「%(title)s」（%(issuer)s）") % {"title": matter.title, "issuer": issuer.name},
            )  # fmt: skip
        publish("supervision.matter_recorded", matter, actor=actor)
    return matter


def _assign(actor: User, matter: SupervisedMatter, spec: AssigneeSpec) -> Assignment:
    assignment = Assignment(matter=matter, organization=spec.organization, due_date=spec.due_date)
    assignment._history_user = actor
    assignment.save()
    _step(
        actor, StepKind.ASSIGNED, matter=matter, assignment=assignment,
        comment=_("交办%(org)s，期限 %(date)s") % {"org": spec.organization.name, "date": spec.due_date.isoformat()},
    )  # fmt: skip
    publish("supervision.assigned", assignment, actor=actor)
    return assignment


def add_assignee(actor: User, matter: SupervisedMatter | int, organization: Organization, due_date: datetime.date):
    """Assigns an open matter to one more organization."""
    with transaction.atomic():
        matter = _lock_matter(actor, matter)
        if matter.state != MatterState.OPEN:
            raise _state_refused(matter.get_state_display())
        _in_jurisdiction(matter.issuer, [organization], _("承办单位"))
        if matter.assignments.filter(organization=organization).exists():
            raise ActionRefused(_("「%(org)s」已是该事项的承办单位。") % {"org": organization.name})
        _check_due(due_date, organization)
        return _assign(actor, matter, AssigneeSpec(organization, due_date))


def _lock_matter(actor: User, matter: SupervisedMatter | int) -> SupervisedMatter:
    pk = matter.pk if isinstance(matter, SupervisedMatter) else matter
    matter = lock_for_action(
        SupervisedMatter.objects.select_related("issuer"), actor, pk,
        roles=COMMITTEE, not_found=str(MATTER_NOT_FOUND), forbidden=str(MATTER_REFUSED),
    )  # fmt: skip
    if not may_manage(actor, matter.issuer_id):
        raise ActionRefused(MATTER_REFUSED, code="forbidden")
    return matter


def _lock_assignment(actor: User, assignment: Assignment | int, *, as_committee: bool) -> Assignment:
    pk = assignment.pk if isinstance(assignment, Assignment) else assignment
    source = Assignment.objects.select_related("matter", "organization")
    if as_committee:
        locked = lock_for_action(
            source.filter(matter__issuer_id=actor.organization_id or 0), actor, pk,
            roles=COMMITTEE, not_found=str(MATTER_NOT_FOUND), forbidden=str(MATTER_REFUSED),
        )  # fmt: skip
        if not may_manage(actor, locked.matter.issuer_id):
            raise ActionRefused(MATTER_REFUSED, code="forbidden")
        return locked
    locked = lock_for_action(
        source.filter(organization_id=actor.organization_id or 0), actor, pk,
        not_found=str(MATTER_NOT_FOUND), forbidden=str(ASSIGNEE_REFUSED),
    )  # fmt: skip
    if not may_work(actor, locked):
        raise ActionRefused(ASSIGNEE_REFUSED, code="forbidden")
    return locked


def _refuse_outside(actor: User, pk: int, message) -> None:
    """A refusal that says 403 to one who sees the assignment, 404 to one who does not."""
    if Assignment.objects.restrict(actor).filter(pk=pk).exists():
        raise ActionRefused(message, code="forbidden")
    raise ActionRefused(MATTER_NOT_FOUND, code="not_found")


def _locked(actor: User, assignment: Assignment | int, *, as_committee: bool) -> Assignment:
    pk = assignment.pk if isinstance(assignment, Assignment) else assignment
    try:
        return _lock_assignment(actor, pk, as_committee=as_committee)
    except ActionRefused as refusal:
        if refusal.code == "not_found":
            _refuse_outside(actor, pk, MATTER_REFUSED if as_committee else ASSIGNEE_REFUSED)
        raise


@files_follow_transaction()  # an attachment of a refused report does not stay behind
def report_progress(
    actor: User,
    assignment: Assignment | int,
    *,
    text: str,
    reported_on: datetime.date | None = None,
    attachment: Any = None,
) -> Progress:
    """The assignee reports what it has done (the first report starts the work)."""
    text = (text or "").strip()
    reported_on = reported_on or local_today()
    sniffed = None
    if attachment is not None:
        from rectify.rectification.evidence import sniff

        sniffed = sniff(attachment)
    with transaction.atomic():
        assignment = _locked(actor, assignment, as_committee=False)
        if assignment.state not in (A.PENDING, A.IN_PROGRESS):
            raise _state_refused(assignment.get_state_display())
        if not text:
            raise ActionRefused(_("请填写办理情况。"))
        if reported_on > local_today():
            raise ActionRefused(_("报告日期不能晚于今天。"))
        progress = Progress(
            assignment=assignment, text=text, reported_on=reported_on, reported_by=actor, at=timezone.now()
        )
        if sniffed is not None:
            progress.attachment_name = sniffed.name[:200]  # with the extension of what the file is
            progress.attachment_sha256 = sniffed.sha256
            progress.attachment_type = sniffed.content_type
            progress.attachment.save(f"{sniffed.sha256}", attachment, save=False)
        progress.save()
        if assignment.state == A.PENDING:
            assignment.state = A.IN_PROGRESS
            assignment._history_user = actor
            assignment.save()
        _step(actor, StepKind.PROGRESS, matter=assignment.matter, assignment=assignment, comment=text[:500])
        publish("supervision.progress_reported", assignment, actor=actor)
    return progress


def request_closure(actor: User, assignment: Assignment | int, comment: str = "") -> Assignment:
    """The assignee asks the committee office to close its part (after at least one progress report)."""
    with transaction.atomic():
        assignment = _locked(actor, assignment, as_committee=False)
        if assignment.state != A.IN_PROGRESS:
            raise ActionRefused(
                _("请先报告办理进展，再申请办结。") if assignment.state == A.PENDING
                else _state_refused(assignment.get_state_display()).messages[0],
                code="invalid_state",
            )  # fmt: skip
        assignment.state = A.REQUESTED
        assignment.requested_at = timezone.now()
        assignment._history_user = actor
        assignment.save()
        _step(actor, StepKind.REQUESTED, matter=assignment.matter, assignment=assignment, comment=comment.strip())
        publish("supervision.closure_requested", assignment, actor=actor, comment=comment.strip())
    return assignment


def accept_closure(actor: User, assignment: Assignment | int, comment: str = "") -> Assignment:
    """The committee office accepts an assignee's part as done; the matter closes with its last part."""
    with transaction.atomic():
        assignment = _locked(actor, assignment, as_committee=True)
        if assignment.state != A.REQUESTED:
            raise _state_refused(assignment.get_state_display())
        assignment.state = A.DONE
        assignment.done_at = timezone.now()
        assignment.accepted_by = actor
        assignment._history_user = actor
        assignment.save()
        matter = SupervisedMatter.objects.select_for_update().get(pk=assignment.matter_id)
        _step(actor, StepKind.ACCEPTED, matter=matter, assignment=assignment, comment=comment.strip())
        publish("supervision.closure_accepted", assignment, actor=actor, comment=comment.strip())
        if not matter.assignments.exclude(state=A.DONE).exists():
            matter.state = MatterState.CLOSED
            matter.closed_at = timezone.now()
            matter._history_user = actor
            matter.save()
            _step(actor, StepKind.CLOSED, matter=matter)
            publish("supervision.matter_closed", matter, actor=actor)
    return assignment


def return_assignment(actor: User, assignment: Assignment | int, reason: str) -> Assignment:
    """The committee office returns a request to close: the assignee carries on (reason required)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        assignment = _locked(actor, assignment, as_committee=True)
        if assignment.state != A.REQUESTED:
            raise _state_refused(assignment.get_state_display())
        if not reason:
            raise ActionRefused(_("请填写退回的原因。"))
        assignment.state = A.IN_PROGRESS
        assignment.requested_at = None
        assignment._history_user = actor
        assignment.save()
        _step(actor, StepKind.RETURNED, matter=assignment.matter, assignment=assignment, comment=reason)
        publish("supervision.assignment_returned", assignment, actor=actor, comment=reason)
    return assignment


# --- circulars ---------------------------------------------------------------------------------------


def _check_circular(issuer, kind, title, body, recipients) -> tuple[str, str, list[Organization]]:
    if kind not in CircularKind.values:
        raise ActionRefused(_("通报类型「%(kind)s」无效。") % {"kind": kind})
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ActionRefused(_("请填写通报标题。"))
    if not body:
        raise ActionRefused(_("请填写通报正文。"))
    recipients = _in_jurisdiction(issuer, recipients, _("主送单位"))
    if not recipients:
        raise ActionRefused(_("请至少选择一个主送单位。"))
    return title[:200], body, recipients


def _cited_matters(issuer: Organization, matters: Iterable[SupervisedMatter]) -> list[SupervisedMatter]:
    matters = list(matters)
    for matter in matters:
        if matter.issuer_id != issuer.pk:
            raise ActionRefused(_("督办事项「%(title)s」不是本机关督办的。") % {"title": matter.title})
    return matters


def draft_circular(
    actor: User,
    *,
    kind: str,
    title: str,
    body: str,
    recipients: Iterable[Organization],
    matters: Iterable[SupervisedMatter] = (),
    findings: Iterable[Finding] = (),
) -> Circular:
    issuer = _require_committee(actor)
    title, body, recipients = _check_circular(issuer, kind, title, body, recipients)
    matters = _cited_matters(issuer, matters)
    findings = _check_findings(issuer, findings)
    with transaction.atomic():
        circular = Circular(issuer=issuer, kind=kind, title=title, body=body, drafted_by=actor)
        circular._history_user = actor
        circular.save()
        circular.recipients.set(recipients)
        circular.matters.set(matters)
        circular.findings.set(findings)
        _step(actor, StepKind.DRAFTED, circular=circular)
        publish("supervision.circular_drafted", circular, actor=actor)
    return circular


def _lock_circular(actor: User, circular: Circular | int) -> Circular:
    pk = circular.pk if isinstance(circular, Circular) else circular
    circular = lock_for_action(
        Circular.objects.select_related("issuer", "issuer__jurisdiction"), actor, pk,
        roles=COMMITTEE, not_found=str(CIRCULAR_NOT_FOUND), forbidden=str(CIRCULAR_REFUSED),
    )  # fmt: skip
    if not may_manage(actor, circular.issuer_id):
        raise ActionRefused(CIRCULAR_REFUSED, code="forbidden")
    return circular


def update_circular(
    actor: User,
    circular: Circular | int,
    *,
    kind: str,
    title: str,
    body: str,
    recipients: Iterable[Organization],
    matters: Iterable[SupervisedMatter] = (),
    findings: Iterable[Finding] = (),
    version: Any = None,
) -> Circular:
    with transaction.atomic():
        circular = _lock_circular(actor, circular)
        if circular.state != C.DRAFT:
            raise _state_refused(circular.get_state_display())
        check_version(circular, version)
        title, body, recipients = _check_circular(circular.issuer, kind, title, body, recipients)
        circular.kind, circular.title, circular.body = kind, title, body
        bump_version(circular)
        circular._history_user = actor
        circular.save()
        circular.recipients.set(recipients)
        circular.matters.set(_cited_matters(circular.issuer, matters))
        circular.findings.set(_check_findings(circular.issuer, findings))
        _step(actor, StepKind.EDITED, circular=circular)
    return circular


def approve_circular(actor: User, circular: Circular | int, comment: str = "") -> Circular:
    with transaction.atomic():
        circular = _lock_circular(actor, circular)
        if circular.state != C.DRAFT:
            raise _state_refused(circular.get_state_display())
        # Four eyes: the one who wrote the text (drafted or edited it) does not approve it.
        if wrote_circular(actor, circular):
            raise ActionRefused(FOUR_EYES_REFUSED, code="forbidden")
        circular.state = C.APPROVED
        circular.approved_by = actor
        circular.approved_at = timezone.now()
        bump_version(circular)
        circular._history_user = actor
        circular.save()
        _step(actor, StepKind.APPROVED, circular=circular, comment=comment.strip())
        publish("supervision.circular_approved", circular, actor=actor)
    return circular


def return_circular(actor: User, circular: Circular | int, reason: str) -> Circular:
    reason = (reason or "").strip()
    with transaction.atomic():
        circular = _lock_circular(actor, circular)
        if circular.state != C.APPROVED:
            raise _state_refused(circular.get_state_display())
        if not reason:
            raise ActionRefused(_("请填写退回的原因。"))
        circular.state = C.DRAFT
        circular.approved_by = None
        circular.approved_at = None
        bump_version(circular)
        circular._history_user = actor
        circular.save()
        _step(actor, StepKind.RETURNED_CIRCULAR, circular=circular, comment=reason)
    return circular


def circular_prefix(issuer: Organization) -> str:
    place = issuer.jurisdiction.name if issuer.jurisdiction_id else ""
    place = re.sub(r"(自治县|自治州|新区|区|县|市|州|省)$", "", place) or place
    return f"{place}{CIRCULAR_WORD}"


def issue_circular(actor: User, circular: Circular | int, comment: str = "") -> Circular:
    """Issues an approved circular: numbered from the issuer's sequence for the year, seen by its recipients."""
    with transaction.atomic():
        circular = _lock_circular(actor, circular)
        if circular.state != C.APPROVED:
            raise _state_refused(circular.get_state_display())
        year = timezone.localdate().year
        # The issuer's row is the lock of its sequence: two issues at once never take the same serial.
        Organization.objects.select_for_update().filter(pk=circular.issuer_id).first()
        last = Circular.all_objects.filter(issuer_id=circular.issuer_id, number_year=year).aggregate(
            last=Max("number_serial")
        )["last"]
        circular.number_prefix = circular_prefix(circular.issuer)
        circular.number_year = year
        circular.number_serial = (last or 0) + 1
        circular.state = C.ISSUED
        circular.issued_by = actor
        circular.issued_at = timezone.now()
        bump_version(circular)
        circular._history_user = actor
        circular.save()
        _step(actor, StepKind.ISSUED, circular=circular, comment=comment.strip() or circular.number)
        for finding in circular.findings.all():
            record_event(
                finding, actor, EventKind.CIRCULAR, action="circulate",
                comment=_("%(kind)s：%(title)s（%(number)s）")
                % {"kind": circular.get_kind_display(), "title": circular.title, "number": circular.number},
            )  # fmt: skip
        publish("supervision.circular_issued", circular, actor=actor)
    return circular
