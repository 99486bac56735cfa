"""Named actions on People's Congress matters. The web, the API and the demo all call these.

record_matter (congress office, with its questions) ── each question: owed ──answer──▶ answered
add_question (congress office, while open)
update_matter (congress office, while open; from the version it read, optimistic locking)
close_matter (congress office, once every question is answered) ──▶ closed

Each action writes its step on the matter's record (``Step``: who, when, what) inside its transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accounts.choices import RoleCode
from rectify.congress.choices import CongressKind, CongressState, QuestionState, StepKind
from rectify.congress.models import CongressMatter, Question, Response, Step
from rectify.congress.scopes import BUSINESS_ROLES, CONGRESS
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import bump_version, check_version, lock_for_action
from rectify.core.request_context import get_request_id
from rectify.findings.warning import local_today
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization

if TYPE_CHECKING:
    from rectify.accounts.models import User

NOT_FOUND = gettext_lazy("人大监督事项不存在，或不在您的职责范围内。")
CONGRESS_REFUSED = gettext_lazy("只有人大常委会可以办理人大监督事项的这一步。")
ANSWER_REFUSED = gettext_lazy("只有被询问的部门可以答复。")


@dataclass(frozen=True)
class QuestionSpec:
    organization: Organization
    text: str
    due_date: datetime.date


def is_congress_officer(user: User) -> bool:
    org = user.organization
    return (
        org is not None
        and org.kind == OrganizationKind.PEOPLES_CONGRESS
        and RoleCode.CONGRESS_OFFICER in user.role_codes
    )


def may_manage(user: User, matter: CongressMatter) -> bool:
    return is_congress_officer(user) and user.organization_id == matter.issuer_id


def may_answer(user: User, question: Question) -> bool:
    return bool(user.role_codes & BUSINESS_ROLES) and user.organization_id == question.organization_id


def _step(actor: User, kind: str, matter: CongressMatter, *, question: Question | None = None, comment: str = ""):
    return Step.objects.create(
        matter=matter,
        question=question,
        kind=kind,
        actor=actor,
        actor_name=actor.display_name[:50],
        organization_name=actor.organization.name if actor.organization_id else "",
        at=timezone.now(),
        comment=comment,
        request_id=get_request_id(),
    )


def _question_note(spec: QuestionSpec) -> str:
    return _("%(org)s，答复期限 %(date)s") % {"org": spec.organization.name, "date": spec.due_date.isoformat()}


def _check_question(issuer: Organization, spec: QuestionSpec) -> None:
    org = spec.organization
    if org.jurisdiction_id != issuer.jurisdiction_id or org.pk == issuer.pk:
        raise ActionRefused(_("答复部门「%(org)s」不在本区域。") % {"org": org.name})
    if not (spec.text or "").strip():
        raise ActionRefused(_("请填写向「%(org)s」提出的询问或要求。") % {"org": org.name})
    if spec.due_date < local_today():
        raise ActionRefused(
            _("「%(org)s」的答复期限 %(date)s 早于今天。") % {"org": org.name, "date": spec.due_date.isoformat()}
        )


def _ask(actor: User, matter: CongressMatter, spec: QuestionSpec) -> Question:
    question = Question(matter=matter, organization=spec.organization, text=spec.text.strip(), due_date=spec.due_date)
    question._history_user = actor
    question.save()
    publish("congress.question_put", question, actor=actor)
    return question


def _check_matter(kind: str, title: str, session: str, held_on: datetime.date | None, content: str):
    if kind not in CongressKind.values:
        raise ActionRefused(_("类型「%(kind)s」无效。") % {"kind": kind})
    title, session, content = (title or "").strip(), (session or "").strip(), (content or "").strip()
    if not title or not session or not content:
        raise ActionRefused(_("请填写标题、会议和内容。"))
    if held_on is None or held_on > local_today():
        raise ActionRefused(_("请填写会议日期（不能晚于今天）。"))
    return title, session, content


def record_matter(
    actor: User,
    *,
    kind: str,
    title: str,
    session: str,
    held_on: datetime.date,
    content: str,
    questions: Sequence[QuestionSpec],
) -> CongressMatter:
    """Records a resolution, a special inquiry or an interpellation with the questions it puts."""
    if not is_congress_officer(actor):
        raise ActionRefused(_("只有人大常委会人员可以登记人大监督事项。"), code="forbidden")
    issuer = actor.organization
    title, session, content = _check_matter(kind, title, session, held_on, content)
    questions = list(questions)
    if not questions:
        raise ActionRefused(_("请至少向一个部门提出询问或要求。"))
    for spec in questions:
        _check_question(issuer, spec)
    with transaction.atomic():
        matter = CongressMatter(
            issuer=issuer, kind=kind, title=title[:200], session=session[:200], held_on=held_on, content=content,
            recorded_by=actor,
        )  # fmt: skip
        matter._history_user = actor
        matter.save()
        _step(actor, StepKind.RECORDED, matter, comment=f"{matter.get_kind_display()}（{matter.session}）")
        for spec in questions:
            # One step per question, so that a department sees the steps of its own questions only.
            question = _ask(actor, matter, spec)
            _step(actor, StepKind.QUESTION_ADDED, matter, question=question, comment=_question_note(spec))
        publish("congress.matter_recorded", matter, actor=actor)
    return matter


def _lock_matter(actor: User, matter: CongressMatter | int) -> CongressMatter:
    pk = matter.pk if isinstance(matter, CongressMatter) else matter
    matter = lock_for_action(
        CongressMatter.objects.select_related("issuer"), actor, pk,
        roles=CONGRESS, not_found=str(NOT_FOUND), forbidden=str(CONGRESS_REFUSED),
    )  # fmt: skip
    if not may_manage(actor, matter):
        raise ActionRefused(CONGRESS_REFUSED, code="forbidden")
    return matter


def add_question(actor: User, matter: CongressMatter | int, spec: QuestionSpec) -> Question:
    with transaction.atomic():
        matter = _lock_matter(actor, matter)
        if matter.state != CongressState.OPEN:
            raise ActionRefused(_("该事项已办结，不能再提出询问。"), code="invalid_state")
        _check_question(matter.issuer, spec)
        question = _ask(actor, matter, spec)
        _step(actor, StepKind.QUESTION_ADDED, matter, question=question, comment=_question_note(spec))
        return question


EDITABLE = ("kind", "title", "session", "held_on", "content")


def update_matter(
    actor: User,
    matter: CongressMatter | int,
    *,
    kind: str,
    title: str,
    session: str,
    held_on: datetime.date | None,
    content: str,
    version: object = None,
) -> CongressMatter:
    """The congress office corrects an open matter (its kind, title, session, date, content) from the version
    it read: an edit made from an older version is refused and overwrites nothing."""
    with transaction.atomic():
        matter = _lock_matter(actor, matter)
        if matter.state != CongressState.OPEN:
            raise ActionRefused(_("该事项已办结，不能再修改。"), code="invalid_state")
        check_version(matter, version)
        title, session, content = _check_matter(kind, title, session, held_on, content)
        new = {"kind": kind, "title": title[:200], "session": session[:200], "held_on": held_on, "content": content}
        changed = [name for name in EDITABLE if getattr(matter, name) != new[name]]
        if not changed:
            return matter
        for name in changed:
            setattr(matter, name, new[name])
        bump_version(matter)
        matter._history_user = actor
        matter.save()
        labels = "、".join(str(CongressMatter._meta.get_field(name).verbose_name) for name in changed)
        _step(actor, StepKind.EDITED, matter, comment=_("修改了%(fields)s") % {"fields": labels})
    return matter


def answer_question(
    actor: User, question: Question | int, *, text: str, responded_on: datetime.date | None = None
) -> Response:
    """The department answers a question put to it (a later answer adds to the earlier ones)."""
    pk = question.pk if isinstance(question, Question) else question
    text = (text or "").strip()
    responded_on = responded_on or local_today()
    with transaction.atomic():
        try:
            question = lock_for_action(
                Question.objects.select_related("matter").filter(organization_id=actor.organization_id or 0), actor,
                pk, not_found=str(NOT_FOUND), forbidden=str(ANSWER_REFUSED),
            )  # fmt: skip
        except ActionRefused as refusal:
            # One who sees the question (the congress, the government, the audit office) but was not asked: 403.
            if refusal.code == "not_found" and Question.objects.restrict(actor).filter(pk=pk).exists():
                raise ActionRefused(ANSWER_REFUSED, code="forbidden") from None
            raise
        if not may_answer(actor, question):
            raise ActionRefused(ANSWER_REFUSED, code="forbidden")
        if question.matter.state != CongressState.OPEN:
            raise ActionRefused(_("该事项已办结，不能再答复。"), code="invalid_state")
        if not text:
            raise ActionRefused(_("请填写答复内容。"))
        if responded_on > local_today():
            raise ActionRefused(_("答复日期不能晚于今天。"))
        response = Response.objects.create(
            question=question, text=text, responded_on=responded_on, responded_by=actor,
            responder_name=actor.display_name[:50], at=timezone.now(),
        )  # fmt: skip
        if question.state == QuestionState.OWED:
            question.state = QuestionState.ANSWERED
            question.answered_at = timezone.now()
            question._history_user = actor
            question.save()
        _step(actor, StepKind.ANSWERED, question.matter, question=question, comment=text[:500])
        publish("congress.question_answered", question, actor=actor)
    return response


def close_matter(actor: User, matter: CongressMatter | int, comment: str = "") -> CongressMatter:
    """The congress office closes a matter once every question put is answered."""
    with transaction.atomic():
        matter = _lock_matter(actor, matter)
        if matter.state != CongressState.OPEN:
            raise ActionRefused(_("该事项已办结。"), code="invalid_state")
        owed = list(matter.questions.filter(state=QuestionState.OWED).select_related("organization"))
        if owed:
            raise ActionRefused(
                _("尚有部门未答复（%(orgs)s），不能办结。") % {"orgs": "、".join(q.organization.name for q in owed)},
                code="invalid_state",
            )
        matter.state = CongressState.CLOSED
        matter.closed_by = actor
        matter.closed_at = timezone.now()
        matter.closing_comment = (comment or "").strip()
        matter._history_user = actor
        matter.save()
        _step(actor, StepKind.CLOSED, matter, comment=matter.closing_comment)
        publish("congress.matter_closed", matter, actor=actor)
    return matter
