"""Named actions on referrals (提请追责 / 移送). The web, the API, the jobs and the demo all call these.

- an auditor of the audit office drafts (``create_referral``), citing findings of its own office's
  ledger, on one of the three grounds; ``false_rectification`` needs a cited finding verified as such;
- the audit leader approves it (``approve_referral``) or returns it to draft (``return_referral``),
  and sends it (``send_referral``), which sets the feedback due date (``settings.RECTIFY_REFERRAL_
  FEEDBACK_DAYS`` days after sending, 60 by default);
- the receiving body acknowledges receipt (``acknowledge_referral``) and feeds back the outcome with
  the persons handled and how (``conclude_referral``).

Every step is recorded on each cited finding's timeline and in the referral's history, and
published as an event (``referral.<step>``) after the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accounts.choices import AUDIT_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.files import files_follow_transaction
from rectify.core.locking import lock_for_action
from rectify.findings.choices import EventKind, FindingState
from rectify.findings.models import Finding
from rectify.findings.warning import local_today
from rectify.findings.workflow import record_event
from rectify.organizations.models import Organization
from rectify.rectification.choices import AccountabilityOutcome, Verdict
from rectify.rectification.models import Verification
from rectify.referrals.choices import PackageStatus, ReferralGround, ReferralState
from rectify.referrals.models import HandledPerson, Referral
from rectify.referrals.scopes import RECEIVING_ROLES, RECIPIENT_KINDS

if TYPE_CHECKING:
    from rectify.accounts.models import User

S = ReferralState
DRAFTERS = AUDIT_ROLES
APPROVERS = frozenset({RoleCode.AUDIT_LEADER})
DEFAULT_FEEDBACK_DAYS = 60

NOT_FOUND = gettext_lazy("提请追责事项不存在，或不在您的职责范围内。")
REFUSED = gettext_lazy("您的角色不能办理这一提请追责事项。")


def feedback_days() -> int:
    return int(getattr(settings, "RECTIFY_REFERRAL_FEEDBACK_DAYS", DEFAULT_FEEDBACK_DAYS))


# --- who may do what -------------------------------------------------------------------------------


def may_draft(user: User) -> bool:
    return is_audit_office_auditor(user, DRAFTERS)


def may_approve(user: User, referral: Referral) -> bool:
    return RoleCode.AUDIT_LEADER in user.role_codes and user.organization_id == referral.office_id


def may_receive(user: User, referral: Referral) -> bool:
    return bool(user.role_codes & RECEIVING_ROLES) and user.organization_id == referral.recipient_id


def steps_for(user: User, referral: Referral) -> list[str]:
    """The steps the user may take on the referral now (the buttons the page offers)."""
    steps = []
    if referral.state == S.DRAFT and may_draft(user) and user.organization_id == referral.office_id:
        steps.append("edit")
    if referral.state == S.DRAFT and may_approve(user, referral):
        steps.append("approve")
    if referral.state == S.APPROVED and may_approve(user, referral):
        steps += ["send", "return"]
    if referral.state == S.SENT and may_receive(user, referral):
        steps.append("acknowledge")
    if referral.state in (S.SENT, S.ACKNOWLEDGED) and may_receive(user, referral):
        steps.append("conclude")
    return steps


# --- helpers ------------------------------------------------------------------------------------------


def _check_state(referral: Referral, *states: str) -> None:
    if referral.state not in states:
        raise ActionRefused(
            _("该提请追责事项当前为「%(state)s」，不能办理此操作。") % {"state": referral.get_state_display()},
            code="invalid_state",
        )


def _lock(actor: User, referral: Referral | int, roles) -> Referral:
    pk = referral.pk if isinstance(referral, Referral) else referral
    return lock_for_action(Referral, actor, pk, roles=roles, not_found=str(NOT_FOUND), forbidden=str(REFUSED))


def _timeline(referral: Referral, actor: User, action: str, comment: str) -> None:
    for finding in referral.findings.order_by("pk"):
        record_event(finding, actor, EventKind.REFERRAL, action=action, comment=comment[:2000])


def _save(referral: Referral, actor: User, reason: str, fields: Sequence[str]) -> None:
    referral._history_user = actor
    referral._change_reason = reason[:100]
    referral.version += 1
    referral.save(update_fields=[*fields, "version", "last_updated"])


def _findings(actor: User, office: Organization, findings: Iterable[Finding]) -> list[Finding]:
    ids = sorted({f.pk for f in findings})
    if not ids:
        raise ActionRefused(_("请至少引用一个审计查出问题。"), code="invalid")
    found = list(
        Finding.objects.restrict(actor, "act", roles=AUDIT_ROLES)
        .filter(pk__in=ids, project__audit_office_id=office.pk)
        .exclude(state=FindingState.DRAFT)
        .select_related("unit")
        .order_by("pk")
    )
    missing = sorted(set(ids) - {f.pk for f in found})
    if missing:
        raise ActionRefused(
            _("问题 %(ids)s 不存在、尚未下达或不属于本机关的台账，不能引用。") % {"ids": "、".join(map(str, missing))},
            code="invalid",
        )
    return found


def _check_ground(ground: str, findings: list[Finding]) -> None:
    if ground not in ReferralGround.values:
        raise ActionRefused(_("移送事由「%(ground)s」无效。") % {"ground": ground}, code="invalid")
    if ground == ReferralGround.FALSE_RECTIFICATION:
        falsified = Verification.objects.filter(
            finding_id__in=[f.pk for f in findings], verdict=Verdict.FALSE_RECTIFICATION
        ).values_list("finding_id", flat=True)
        if not set(falsified):
            raise ActionRefused(
                _("以「虚假整改」为由移送，引用的问题中至少应有一个经核实认定为虚假整改。"), code="invalid"
            )


def _check_recipient(recipient: Organization, office: Organization, findings: list[Finding]) -> None:
    if recipient.kind not in RECIPIENT_KINDS or recipient.jurisdiction_id != office.jurisdiction_id:
        raise ActionRefused(
            _("「%(name)s」不是本地区的纪委监委、组织部门或主管部门，不能作为受理机关。") % {"name": recipient.name},
            code="invalid",
        )
    if any(f.unit_id == recipient.pk for f in findings):
        raise ActionRefused(_("不能移送给被审计单位本身。"), code="invalid")


def default_title(ground: str, findings: list[Finding]) -> str:
    units = "、".join(dict.fromkeys(f.unit.name for f in findings))
    return f"关于提请对{units}{ReferralGround(ground).label}问题追责问责的函"[:200]


# --- actions -------------------------------------------------------------------------------------------


def create_referral(
    actor: User,
    *,
    recipient: Organization,
    ground: str,
    findings: Iterable[Finding],
    facts: str,
    request: str = "",
    title: str = "",
) -> Referral:
    """起草: a draft referral of the actor's audit office, citing ``findings`` of its ledger."""
    if not may_draft(actor):
        raise ActionRefused(_("只有审计机关的审计人员可以起草提请追责事项。"), code="forbidden")
    if not facts.strip():
        raise ActionRefused(_("请填写移送的主要事实。"), code="invalid")
    office = actor.organization
    with transaction.atomic():
        cited = _findings(actor, office, findings)
        _check_ground(ground, cited)
        _check_recipient(recipient, office, cited)
        referral = Referral(
            office=office, recipient=recipient, ground=ground, facts=facts.strip(), request=request.strip(),
            title=(title.strip() or default_title(ground, cited))[:200], drafted_by=actor,
        )  # fmt: skip
        referral._history_user = actor
        referral.save()
        referral.findings.set(cited)
        _timeline(referral, actor, "drafted", _("起草提请追责（%(ground)s），移送%(to)s") % {
            "ground": referral.get_ground_display(), "to": recipient.name})  # fmt: skip
        publish("referral.drafted", referral, actor=actor)
    return referral


def update_referral(
    actor: User, referral: Referral | int, *, facts: str, request: str = "", title: str = "", version=None
) -> Referral:
    """修改 a draft's text (the auditors of its office)."""
    from rectify.core.locking import check_version

    if not facts.strip():
        raise ActionRefused(_("请填写移送的主要事实。"), code="invalid")
    with transaction.atomic():
        locked = _lock(actor, referral, DRAFTERS)
        _check_state(locked, S.DRAFT)
        check_version(locked, version)
        locked.facts, locked.request = facts.strip(), request.strip()
        if title.strip():
            locked.title = title.strip()[:200]
        _save(locked, actor, "edit", ["facts", "request", "title"])
    return locked


def approve_referral(actor: User, referral: Referral | int, comment: str = "") -> Referral:
    """审批同意 (draft → approved): the audit leader; the evidence package is built afterwards."""
    with transaction.atomic():
        locked = _lock(actor, referral, APPROVERS)
        _check_state(locked, S.DRAFT)
        locked.state = S.APPROVED
        locked.approved_by, locked.approved_at = actor, timezone.now()
        locked.package_status = PackageStatus.PENDING
        _save(locked, actor, "approve", ["state", "approved_by", "approved_at", "package_status"])
        _timeline(locked, actor, "approved", comment or _("审计机关领导审批同意提请追责"))
        publish("referral.approved", locked, actor=actor, comment=comment)
    return locked


def return_referral(actor: User, referral: Referral | int, reason: str) -> Referral:
    """退回修改 (approved → draft, with a reason): the audit leader, before it is sent."""
    if not reason.strip():
        raise ActionRefused(_("请填写退回理由。"), code="invalid")
    with transaction.atomic():
        locked = _lock(actor, referral, APPROVERS)
        _check_state(locked, S.APPROVED)
        locked.state = S.DRAFT
        locked.approved_by = locked.approved_at = None
        locked.package_status = PackageStatus.NONE  # built again, from the revised text, when approved again
        _save(locked, actor, "return", ["state", "approved_by", "approved_at", "package_status"])
        _timeline(locked, actor, "returned", _("提请追责退回修改：%(reason)s") % {"reason": reason.strip()})
        publish("referral.returned", locked, actor=actor, comment=reason.strip())
    return locked


def send_referral(actor: User, referral: Referral | int, comment: str = "") -> Referral:
    """移送 (approved → sent): the receiving body sees it; feedback is owed by the due date."""
    with transaction.atomic():
        locked = _lock(actor, referral, APPROVERS)
        _check_state(locked, S.APPROVED)
        now = timezone.now()
        locked.state = S.SENT
        locked.sent_by, locked.sent_at = actor, now
        locked.feedback_due = timezone.localtime(now).date() + datetime.timedelta(days=feedback_days())
        _save(locked, actor, "send", ["state", "sent_by", "sent_at", "feedback_due"])
        _timeline(
            locked, actor, "sent",
            _("移送%(to)s，应于 %(due)s 前反馈处理结果") % {"to": locked.recipient.name, "due": locked.feedback_due},
        )  # fmt: skip
        publish("referral.sent", locked, actor=actor, comment=comment)
    return locked


def acknowledge_referral(actor: User, referral: Referral | int, comment: str = "") -> Referral:
    """签收 (sent → acknowledged): the receiving body."""
    with transaction.atomic():
        locked = _lock(actor, referral, RECEIVING_ROLES)
        _check_state(locked, S.SENT)
        locked.state = S.ACKNOWLEDGED
        locked.acknowledged_by, locked.acknowledged_at = actor, timezone.now()
        _save(locked, actor, "acknowledge", ["state", "acknowledged_by", "acknowledged_at"])
        _timeline(locked, actor, "acknowledged", comment or _("%(to)s签收移送事项") % {"to": locked.recipient.name})
        publish("referral.acknowledged", locked, actor=actor, comment=comment)
    return locked


@dataclass
class Person:
    name: str
    position: str
    outcome: str


def conclude_referral(
    actor: User, referral: Referral | int, *, outcome_date: datetime.date, text: str, persons: Sequence[Person]
) -> Referral:
    """反馈处理结果 (sent or acknowledged → concluded): the persons handled and how, with a date and text."""
    if not text.strip():
        raise ActionRefused(_("请填写处理结果。"), code="invalid")
    if outcome_date > local_today():
        raise ActionRefused(_("处理日期 %(date)s 晚于今天。") % {"date": outcome_date.isoformat()}, code="invalid")
    for index, person in enumerate(persons, start=1):
        if not person.name.strip():
            raise ActionRefused(_("第 %(n)d 名处理人员未填写姓名。") % {"n": index}, code="invalid")
        if person.outcome not in AccountabilityOutcome.values:
            raise ActionRefused(
                _("第 %(n)d 名处理人员的处理方式「%(outcome)s」无效。") % {"n": index, "outcome": person.outcome},
                code="invalid",
            )
    with transaction.atomic():
        locked = _lock(actor, referral, RECEIVING_ROLES)
        _check_state(locked, S.SENT, S.ACKNOWLEDGED)
        if outcome_date < timezone.localtime(locked.sent_at).date():
            raise ActionRefused(_("处理日期早于移送日期。"), code="invalid")
        now = timezone.now()
        if locked.state == S.SENT:  # feedback implies receipt
            locked.acknowledged_by, locked.acknowledged_at = actor, now
        locked.state = S.CONCLUDED
        locked.concluded_by, locked.concluded_at = actor, now
        locked.outcome_date, locked.outcome_text = outcome_date, text.strip()
        _save(
            locked, actor, "conclude",
            ["state", "acknowledged_by", "acknowledged_at", "concluded_by", "concluded_at", "outcome_date",
             "outcome_text"],
        )  # fmt: skip
        HandledPerson.objects.bulk_create(
            HandledPerson(
                referral=locked, name=p.name.strip()[:50], position=p.position.strip()[:100], outcome=p.outcome
            )
            for p in persons
        )
        handled = "；".join(
            f"{p.name.strip()}（{p.position.strip()}）{AccountabilityOutcome(p.outcome).label}" for p in persons
        )
        summary = _("%(to)s反馈处理结果：%(text)s") % {"to": locked.recipient.name, "text": locked.outcome_text}
        _timeline(locked, actor, "concluded", f"{summary}{'；' + handled if handled else ''}")
        publish("referral.concluded", locked, actor=actor, persons=len(persons))
    return locked


# --- the package (built by ``rectify.documents.referrals``) -------------------------------------------


@files_follow_transaction()  # the package file goes if its row cannot be updated
def package_built(referral_id: int, name: str, content) -> None:
    """Stores the built package on the referral (called by the job that built it)."""
    referral = Referral.all_objects.get(pk=referral_id)
    referral.package.save(name, content, save=False)
    Referral.all_objects.filter(pk=referral_id).update(
        package=referral.package.name, package_status=PackageStatus.DONE, package_error="",
        package_built_at=timezone.now(),
    )  # fmt: skip


def package_failed(referral_id: int, error: str) -> None:
    Referral.all_objects.filter(pk=referral_id).update(package_status=PackageStatus.FAILED, package_error=error[:2000])


# --- overdue feedback ---------------------------------------------------------------------------------


def overdue_feedback(today: datetime.date | None = None):
    """The referrals whose feedback is owed past its due date (derived from the state and the date)."""
    today = today or local_today()
    return Referral.objects.filter(state__in=(S.SENT, S.ACKNOWLEDGED), feedback_due__lt=today)


def flag_overdue_feedback(today: datetime.date | None = None) -> int:
    """The daily job: notifies the audit office once per referral and due date whose feedback is overdue."""
    from rectify.core.events import publish_once

    today = today or local_today()
    flagged = 0
    for referral in list(overdue_feedback(today).order_by("pk")):
        days = referral.feedback_overdue_days(today)
        key = f"referral.feedback_overdue:{referral.pk}:{referral.feedback_due.isoformat()}"
        with transaction.atomic():
            if publish_once("referral.feedback_overdue", referral, key=key, days=days) is not None:
                flagged += 1
    return flagged
