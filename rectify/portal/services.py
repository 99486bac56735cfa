"""Named actions on announcements and limited circulations. The web, the API and the demo all call these.

::

    draft ──submit──▶ submitted ──approve (audit leader / unit head)──▶ approved ──publish──▶ published
      ▲                  │                                                                    │   │
      └───return (reason)┘                                                 withdraw (reason) ─┘   │
                                                                            ▼                    correct
                                                                         withdrawn         (a new draft version;
                                                                                            once published, the
                                                                                            old one is superseded)

Who: an audit office's auditors and leaders draft, submit and publish the office's announcements and
circulations, its audit leader approves, returns and withdraws; an audited unit's contact and head draft,
submit and publish the unit's own announcement, its head approves, returns and withdraws.

What goes in: findings verified as rectified (closed through a verification) of the chosen scope
(project, year, unit) and of the publisher (the office's own audits, budget-execution audits for a public
announcement of the office; the unit's own findings). A public announcement takes only findings whose
disclosure is public; a limited circulation only those whose disclosure is limited; confidential findings
never go anywhere. Publishing checks this again on every finding and freezes the items' public fields.

Each action locks its object through the ``act`` scope, checks the state and the version, records a
step, and publishes an event once committed (which the security log records).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor
from rectify.audits.choices import AuditType
from rectify.audits.models import AuditProject
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import bump_version, check_version, lock_for_action
from rectify.core.request_context import get_request_id
from rectify.findings.choices import Disclosure, FindingState
from rectify.findings.models import Finding
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization
from rectify.portal.choices import AnnouncementState, Audience, Publisher, StepKind
from rectify.portal.models import Announcement, AnnouncementItem, Reading, Step
from rectify.portal.scopes import PUBLISHING_ROLES
from rectify.rectification.choices import Verdict
from rectify.rectification.models import Verification

if TYPE_CHECKING:
    from rectify.accounts.models import User

S = AnnouncementState

NOT_FOUND = gettext_lazy("公告不存在，或不在您的职责范围内。")
REFUSED = gettext_lazy("只有发布单位的人员可以办理这份公告。")
APPROVER_REFUSED = gettext_lazy(
    "审计机关的公告和通报由审计机关领导审批、退回和撤回；单位的公告由单位主要负责人审批、退回和撤回。"
)
DRAFT_REFUSED = gettext_lazy("只有审计机关的审计人员、领导和被审计单位的整改联络员、主要负责人可以起草公告。")

# Which disclosure each audience takes; confidential findings are in neither.
DISCLOSURE_OF = {Audience.PUBLIC: Disclosure.PUBLIC, Audience.LIMITED: Disclosure.LIMITED}

DEFAULT_RESULT = gettext_lazy("经审计机关核实认定，已完成整改。")


@dataclass(frozen=True)
class ItemText:
    """The editorial fields of one item, as the drafter words them for publication."""

    title: str
    summary: str = ""
    requirements_summary: str = ""
    result: str = ""


# --- who may do what -------------------------------------------------------------------------------


def publisher_kind(user: User) -> str | None:
    """The kind of announcement the user's organization publishes, if the user may draft one."""
    org = user.organization if user.organization_id else None
    if org is None:
        return None
    if is_audit_office_auditor(user):
        return Publisher.OFFICE
    if org.kind == OrganizationKind.AUDITED_UNIT and user.role_codes & UNIT_ROLES:
        return Publisher.UNIT
    return None


def approver_role(announcement: Announcement) -> str:
    return RoleCode.AUDIT_LEADER if announcement.kind == Publisher.OFFICE else RoleCode.UNIT_HEAD


def may_work(user: User, announcement: Announcement) -> bool:
    """One of the publisher's people, in a publishing role."""
    if user.organization_id != announcement.publisher_id:
        return False
    roles = AUDIT_ROLES if announcement.kind == Publisher.OFFICE else UNIT_ROLES
    return bool(user.role_codes & roles)


def may_approve(user: User, announcement: Announcement) -> bool:
    return user.organization_id == announcement.publisher_id and approver_role(announcement) in user.role_codes


def allowed_steps(user: User, announcement: Announcement) -> list[str]:
    """The steps the user may take now (the buttons the page offers)."""
    steps: list[str] = []
    work, approve = may_work(user, announcement), may_approve(user, announcement)
    state = announcement.state
    if state == S.DRAFT and work:
        steps += ["edit", "submit"]
    if state == S.SUBMITTED and approve:
        steps += ["approve", "return"]
    if state == S.APPROVED and work:
        steps.append("publish")
    if state == S.APPROVED and approve:
        steps.append("return")
    if state == S.PUBLISHED:
        if work and not hasattr_correction(announcement):
            steps.append("correct")
        if approve:
            steps.append("withdraw")
    return steps


def hasattr_correction(announcement: Announcement) -> bool:
    try:
        return announcement.correction is not None
    except Announcement.DoesNotExist:
        return False


# --- the findings of a scope -----------------------------------------------------------------------


def verified_findings(
    publisher: Organization,
    kind: str,
    audience: str,
    *,
    project: AuditProject | None = None,
    year: int | None = None,
    unit: Organization | None = None,
) -> QuerySet:
    """The findings an announcement of ``publisher`` may carry: verified as rectified and closed, of the
    audience's disclosure, in the scope chosen."""
    rectified = Verification.objects.filter(finding=OuterRef("pk"), verdict=Verdict.RECTIFIED)
    findings = Finding.objects.filter(Exists(rectified), state=FindingState.CLOSED, disclosure=DISCLOSURE_OF[audience])
    if kind == Publisher.OFFICE:
        findings = findings.filter(project__audit_office_id=publisher.pk)
        if audience == Audience.PUBLIC:
            findings = findings.filter(project__type=AuditType.BUDGET_EXECUTION)
    else:
        findings = findings.filter(unit_id=publisher.pk)
    if project is not None:
        findings = findings.filter(project_id=project.pk)
    if year:
        findings = findings.filter(project__year=year)
    if unit is not None:
        findings = findings.filter(unit_id=unit.pk)
    return findings


def _amounts_rectified(finding_ids: Iterable[int]) -> dict[int, Decimal]:
    """The amount verified for each finding by its latest rectified verification (cumulative)."""
    amounts: dict[int, Decimal] = {}
    rows = (
        Verification.objects.filter(finding_id__in=list(finding_ids), verdict=Verdict.RECTIFIED)
        .order_by("finding_id", "verified_at", "pk")
        .values_list("finding_id", "verified_amount")
    )
    for finding_id, amount in rows:
        amounts[finding_id] = amount
    return amounts


def _facts(item: AnnouncementItem, finding: Finding, amount: Decimal) -> None:
    """The factual public fields of an item, taken from the finding as it stands."""
    item.ledger_number = finding.ledger_number
    item.year = finding.project.year
    item.unit_id = finding.unit_id
    item.unit_name = finding.unit.name[:200]
    item.category_id = finding.category_id
    item.category_name = str(finding.category)[:200]
    item.amount_rectified = amount


def _requirements_text(finding: Finding) -> str:
    return "；".join(r.text.strip().rstrip("。；;") for r in finding.requirements.all())


# --- helpers ------------------------------------------------------------------------------------------


def _step(actor: User, announcement: Announcement, kind: str, comment: str = "") -> Step:
    return Step.objects.create(
        announcement=announcement,
        kind=kind,
        actor=actor,
        actor_name=actor.display_name[:50],
        at=timezone.now(),
        comment=comment,
        request_id=get_request_id(),
    )


def _state_refused(announcement: Announcement) -> ActionRefused:
    return ActionRefused(
        _("当前状态为「%(state)s」，不能办理此操作。") % {"state": announcement.get_state_display()},
        code="invalid_state",
    )


def _save(actor: User, announcement: Announcement) -> None:
    bump_version(announcement)
    announcement._history_user = actor
    announcement.save()


def _lock(actor: User, announcement: Announcement | int, *, approver: bool = False) -> Announcement:
    pk = announcement.pk if isinstance(announcement, Announcement) else announcement
    locked = lock_for_action(
        Announcement.objects.select_related("publisher"), actor, pk,
        roles=PUBLISHING_ROLES, not_found=str(NOT_FOUND), forbidden=str(APPROVER_REFUSED if approver else REFUSED),
    )  # fmt: skip
    allowed = may_approve(actor, locked) if approver else may_work(actor, locked)
    if not allowed:
        raise ActionRefused(APPROVER_REFUSED if approver else REFUSED, code="forbidden")
    return locked


def _check_text(title: str, introduction: str) -> tuple[str, str]:
    title, introduction = (title or "").strip(), (introduction or "").strip()
    if not title:
        raise ActionRefused({"title": [_("请填写公告标题。")]})
    if len(title) > 200:
        raise ActionRefused({"title": [_("公告标题不能超过 200 字。")]})
    return title, introduction


def _check_recipients(publisher: Organization, audience: str, recipients: Iterable[Organization]) -> list:
    chosen = list({org.pk: org for org in recipients}.values())
    if audience == Audience.PUBLIC:
        if chosen:
            raise ActionRefused({"recipients": [_("向社会公告不选择通报范围；有限范围通报才选择通报单位。")]})
        return []
    if not chosen:
        raise ActionRefused({"recipients": [_("请至少选择一个通报单位。")]})
    for org in chosen:
        if org.pk == publisher.pk:
            raise ActionRefused({"recipients": [_("通报单位不能是本单位。")]})
        if org.jurisdiction_id != publisher.jurisdiction_id:
            raise ActionRefused({"recipients": [_("通报单位「%(org)s」不在本区域。") % {"org": org.name}]})
    return chosen


# --- drafting -----------------------------------------------------------------------------------------


def draft_announcement(
    actor: User,
    *,
    title: str,
    introduction: str = "",
    audience: str = Audience.PUBLIC,
    project: AuditProject | None = None,
    year: int | None = None,
    unit: Organization | None = None,
    recipients: Iterable[Organization] = (),
    findings: Iterable[Finding] | None = None,
) -> Announcement:
    """Drafts an announcement (or a limited circulation) from the verified findings of the scope chosen;
    ``findings`` narrows it to some of them."""
    kind = publisher_kind(actor)
    if kind is None:
        raise ActionRefused(DRAFT_REFUSED, code="forbidden")
    if audience not in Audience.values:
        raise ActionRefused({"audience": [_("公开范围「%(value)s」无效。") % {"value": audience}]})
    if kind == Publisher.UNIT and audience == Audience.LIMITED:
        raise ActionRefused({"audience": [_("有限范围通报由审计机关发出。")]})
    publisher = actor.organization
    title, introduction = _check_text(title, introduction)
    if project is not None and kind == Publisher.OFFICE and project.audit_office_id != publisher.pk:
        raise ActionRefused({"project": [_("只能选择本审计机关的审计项目。")]})
    if unit is not None and kind == Publisher.UNIT and unit.pk != publisher.pk:
        raise ActionRefused({"unit": [_("单位只能公告本单位的整改结果。")]})
    chosen_recipients = _check_recipients(publisher, audience, recipients)
    eligible = verified_findings(publisher, kind, audience, project=project, year=year, unit=unit)
    if findings is not None:
        wanted = list(dict.fromkeys(f.pk for f in findings))
        found = set(eligible.filter(pk__in=wanted).values_list("pk", flat=True))
        if len(found) != len(wanted):
            raise ActionRefused({"findings": [_("所选问题中有未经核实销号、公开范围不符或不在所选范围内的问题。")]})
        eligible = eligible.filter(pk__in=wanted)
    chosen = list(
        eligible.select_related("project", "unit", "category", "category__parent")
        .prefetch_related("requirements")
        .order_by("project__year", "ledger_number")
    )
    if not chosen:
        raise ActionRefused(
            _("所选范围内没有可以%(what)s的问题：须经核实认定已整改并销号，且公开范围为「%(disclosure)s」。")
            % {
                "what": Audience(audience).label,
                "disclosure": Disclosure(DISCLOSURE_OF[audience]).label,
            }
        )
    amounts = _amounts_rectified(f.pk for f in chosen)
    with transaction.atomic():
        announcement = Announcement(
            publisher=publisher, kind=kind, audience=audience, title=title, introduction=introduction,
            project=project, year=year or None, unit=unit, drafted_by=actor,
        )  # fmt: skip
        announcement._history_user = actor
        announcement.save()
        announcement.recipients.set(chosen_recipients)
        for number, finding in enumerate(chosen, start=1):
            item = AnnouncementItem(
                announcement=announcement, finding=finding, number=number, title=finding.title[:200],
                requirements_summary=_requirements_text(finding), result=str(DEFAULT_RESULT),
            )  # fmt: skip
            _facts(item, finding, amounts.get(finding.pk, Decimal("0.00")))
            item._history_user = actor
            item.save()
        _step(actor, announcement, StepKind.DRAFTED, _("共 %(n)s 个问题") % {"n": len(chosen)})
        publish("portal.announcement_drafted", announcement, actor=actor, items=len(chosen))
    return announcement


def update_announcement(
    actor: User,
    announcement: Announcement | int,
    *,
    title: str,
    introduction: str = "",
    recipients: Iterable[Organization] | None = None,
    correction_note: str | None = None,
    version: Any = None,
) -> Announcement:
    """Edits a draft's title and introduction (and a circulation's recipients)."""
    with transaction.atomic():
        announcement = _lock(actor, announcement)
        if announcement.state != S.DRAFT:
            raise _state_refused(announcement)
        check_version(announcement, version)
        announcement.title, announcement.introduction = _check_text(title, introduction)
        if correction_note is not None and announcement.corrects_id:
            announcement.correction_note = correction_note.strip()
        if recipients is not None:
            chosen = _check_recipients(announcement.publisher, announcement.audience, recipients)
            announcement.recipients.set(chosen)
        _save(actor, announcement)
        _step(actor, announcement, StepKind.EDITED)
        publish("portal.announcement_edited", announcement, actor=actor)
    return announcement


def update_item(actor: User, item: AnnouncementItem | int, text: ItemText, *, version: Any = None) -> AnnouncementItem:
    """Words one item of a draft for publication (the announcement's version guards the edit)."""
    pk = item.pk if isinstance(item, AnnouncementItem) else item
    with transaction.atomic():
        owner = AnnouncementItem.objects.filter(pk=pk).values_list("announcement_id", flat=True).first()
        if owner is None:
            raise ActionRefused(NOT_FOUND, code="not_found")
        announcement = _lock(actor, owner)
        if announcement.state != S.DRAFT:
            raise _state_refused(announcement)
        check_version(announcement, version)
        item = AnnouncementItem.objects.get(pk=pk)
        title = (text.title or "").strip()
        if not title:
            raise ActionRefused({"title": [_("请填写公告标题。")]})
        item.title = title[:200]
        item.summary = (text.summary or "").strip()
        item.requirements_summary = (text.requirements_summary or "").strip()
        item.result = (text.result or "").strip()
        item._history_user = actor
        item.save()
        _save(actor, announcement)
        _step(actor, announcement, StepKind.EDITED, item.ledger_number)
    return item


def remove_item(actor: User, item: AnnouncementItem | int, *, version: Any = None) -> Announcement:
    """Takes one finding out of a draft (at least one stays)."""
    pk = item.pk if isinstance(item, AnnouncementItem) else item
    with transaction.atomic():
        owner = AnnouncementItem.objects.filter(pk=pk).values_list("announcement_id", flat=True).first()
        if owner is None:
            raise ActionRefused(NOT_FOUND, code="not_found")
        announcement = _lock(actor, owner)
        if announcement.state != S.DRAFT:
            raise _state_refused(announcement)
        check_version(announcement, version)
        if announcement.items.count() <= 1:
            raise ActionRefused(_("公告至少须有一个问题。"))
        item = AnnouncementItem.objects.get(pk=pk)
        item._history_user = actor
        item.delete()
        _save(actor, announcement)
        _step(actor, announcement, StepKind.EDITED, _("移出 %(n)s") % {"n": item.ledger_number})
    return announcement


# --- review, approval, publication ---------------------------------------------------------------


def submit_announcement(actor: User, announcement: Announcement | int, comment: str = "", *, version: Any = None):
    with transaction.atomic():
        announcement = _lock(actor, announcement)
        if announcement.state != S.DRAFT:
            raise _state_refused(announcement)
        check_version(announcement, version)
        announcement.state = S.SUBMITTED
        _save(actor, announcement)
        _step(actor, announcement, StepKind.SUBMITTED, comment.strip())
        publish("portal.announcement_submitted", announcement, actor=actor, comment=comment.strip())
    return announcement


def approve_announcement(actor: User, announcement: Announcement | int, comment: str = "", *, version: Any = None):
    with transaction.atomic():
        announcement = _lock(actor, announcement, approver=True)
        if announcement.state != S.SUBMITTED:
            raise _state_refused(announcement)
        check_version(announcement, version)
        announcement.state = S.APPROVED
        announcement.approved_by = actor
        announcement.approved_at = timezone.now()
        _save(actor, announcement)
        _step(actor, announcement, StepKind.APPROVED, comment.strip())
        publish("portal.announcement_approved", announcement, actor=actor, comment=comment.strip())
    return announcement


def return_announcement(actor: User, announcement: Announcement | int, reason: str, *, version: Any = None):
    """The approver sends a submitted or approved draft back for changes (reason required)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        announcement = _lock(actor, announcement, approver=True)
        if announcement.state not in (S.SUBMITTED, S.APPROVED):
            raise _state_refused(announcement)
        check_version(announcement, version)
        if not reason:
            raise ActionRefused({"reason": [_("请填写退回的原因。")]})
        announcement.state = S.DRAFT
        announcement.approved_by = None
        announcement.approved_at = None
        _save(actor, announcement)
        _step(actor, announcement, StepKind.RETURNED, reason)
        publish("portal.announcement_returned", announcement, actor=actor, reason=reason)
    return announcement


def publish_announcement(actor: User, announcement: Announcement | int, comment: str = "", *, version: Any = None):
    """Publishes an approved announcement (or circulates a limited one): every finding is checked again
    (still closed, verified and of the audience's disclosure) and the items' public fields are frozen.
    A correction supersedes the version it corrects."""
    with transaction.atomic():
        announcement = _lock(actor, announcement)
        if announcement.state != S.APPROVED:
            raise _state_refused(announcement)
        check_version(announcement, version)
        items = list(announcement.items.select_related("finding"))
        eligible = set(
            verified_findings(announcement.publisher, announcement.kind, announcement.audience)
            .filter(pk__in=[i.finding_id for i in items])
            .values_list("pk", flat=True)
        )
        unfit = [i.ledger_number for i in items if i.finding_id not in eligible]
        if unfit:
            raise ActionRefused(
                _("以下问题已不符合发布条件（未销号、公开范围已改变或不属于本单位），请退回修改后移出：%(numbers)s")
                % {"numbers": "、".join(unfit)},
                code="invalid_state",
            )
        findings = {
            f.pk: f
            for f in Finding.objects.filter(pk__in=[i.finding_id for i in items]).select_related(
                "project", "unit", "category", "category__parent"
            )
        }
        amounts = _amounts_rectified(findings)
        for item in items:
            _facts(item, findings[item.finding_id], amounts.get(item.finding_id, Decimal("0.00")))
            item._history_user = actor
            item.save()
        now = timezone.now()
        announcement.state = S.PUBLISHED
        announcement.published_at = now
        announcement.publisher_name = announcement.publisher.name[:200]
        _save(actor, announcement)
        _step(actor, announcement, StepKind.PUBLISHED, comment.strip())
        if announcement.corrects_id:
            old = Announcement.objects.select_for_update().get(pk=announcement.corrects_id)
            old.state = S.SUPERSEDED
            old.superseded_at = now
            _save(actor, old)
            _step(actor, old, StepKind.SUPERSEDED, announcement.correction_note)
            publish("portal.announcement_superseded", old, actor=actor, correction=announcement.pk)
        publish("portal.announcement_published", announcement, actor=actor, audience=announcement.audience)
    return announcement


def withdraw_announcement(actor: User, announcement: Announcement | int, reason: str, *, version: Any = None):
    """Withdraws a publication: its public page shows only that it was withdrawn, when and why."""
    reason = (reason or "").strip()
    with transaction.atomic():
        announcement = _lock(actor, announcement, approver=True)
        if announcement.state != S.PUBLISHED:
            raise _state_refused(announcement)
        check_version(announcement, version)
        if not reason:
            raise ActionRefused({"reason": [_("请填写撤回的原因。")]})
        announcement.state = S.WITHDRAWN
        announcement.withdrawn_at = timezone.now()
        announcement.withdrawal_reason = reason
        _save(actor, announcement)
        _step(actor, announcement, StepKind.WITHDRAWN, reason)
        publish("portal.announcement_withdrawn", announcement, actor=actor, reason=reason)
    return announcement


def correct_announcement(actor: User, announcement: Announcement | int, note: str, *, version: Any = None):
    """Starts a correction: a new draft version with the same items, which supersedes the published one
    once it is itself published. One correction at a time."""
    note = (note or "").strip()
    with transaction.atomic():
        old = _lock(actor, announcement)
        if old.state != S.PUBLISHED:
            raise _state_refused(old)
        check_version(old, version)
        if not note:
            raise ActionRefused({"note": [_("请填写更正说明。")]})
        if Announcement.objects.filter(corrects=old).exists():
            raise ActionRefused(_("这份公告已有一份更正在办理中。"), code="invalid_state")
        new = Announcement(
            publisher=old.publisher, kind=old.kind, audience=old.audience, title=old.title,
            introduction=old.introduction, year=old.year, project_id=old.project_id, unit_id=old.unit_id,
            revision=old.revision + 1, corrects=old, correction_note=note, drafted_by=actor,
        )  # fmt: skip
        new._history_user = actor
        try:
            with transaction.atomic():
                new.save()
        except IntegrityError:
            raise ActionRefused(_("这份公告已有一份更正在办理中。"), code="invalid_state") from None
        new.recipients.set(old.recipients.all())
        for item in old.items.all():
            copy = AnnouncementItem(
                announcement=new, finding_id=item.finding_id, number=item.number, ledger_number=item.ledger_number,
                year=item.year, unit_id=item.unit_id, unit_name=item.unit_name, category_id=item.category_id,
                category_name=item.category_name, title=item.title, summary=item.summary,
                requirements_summary=item.requirements_summary, result=item.result,
                amount_rectified=item.amount_rectified,
            )  # fmt: skip
            copy._history_user = actor
            copy.save()
        _step(actor, new, StepKind.CORRECTED, note)
        publish("portal.announcement_correction_drafted", new, actor=actor, corrects=old.pk)
    return new


# --- limited circulation: reading -------------------------------------------------------------------


def is_recipient(user: User, announcement: Announcement) -> bool:
    return (
        announcement.audience == Audience.LIMITED
        and user.organization_id is not None
        and announcement.recipients.filter(pk=user.organization_id).exists()
    )


def record_reading(user: User, announcement: Announcement) -> Reading | None:
    """Records a recipient's first opening of a circulated (published) limited circulation; later
    openings keep the first time. Nothing for anyone else."""
    if announcement.state != S.PUBLISHED or not is_recipient(user, announcement):
        return None
    existing = Reading.objects.filter(announcement=announcement, reader=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            reading = Reading.objects.create(
                announcement=announcement, reader=user, reader_name=user.display_name[:50],
                organization_id=user.organization_id, read_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:  # the same reader opened it twice at once
        return Reading.objects.filter(announcement=announcement, reader=user).first()
    publish("portal.circulation_read", announcement, actor=user)
    return reading


def unread_circulations(user: User) -> QuerySet:
    """The published limited circulations to the user's organization that the user has not opened."""
    read = Reading.objects.filter(announcement=OuterRef("pk"), reader=user)
    return (
        Announcement.objects.filter(Q(recipients=user.organization_id), audience=Audience.LIMITED, state=S.PUBLISHED)
        .annotate(was_read=Exists(read))
        .filter(was_read=False)
    )
