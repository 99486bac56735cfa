"""People's Congress matters (source 四(二)): the standing committee's resolutions (审议意见) on the audit
work report and on the rectification report, its special inquiries (专题询问) and interpellations (质询).

Each matter puts questions to departments (``Question``: the department, the question, the response owed
by a due date); a department answers its own questions (``Response``: text, date, by whom). Overdue is
derived from the due date and the state. The congress office records matters, edits them (optimistic
locking by ``version``, every change in the history) and closes them once every question is answered.
Every step (recorded, a question put, an answer, an edit, closed) is kept in ``Step`` (who, when, what),
append-only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.congress.choices import CongressKind, CongressState, QuestionState, StepKind
from rectify.core.models import RectifyModel, RestrictedQuerySet, VersionedModel


class CongressMatter(VersionedModel, RectifyModel):
    issuer = models.ForeignKey(
        "organizations.Organization", verbose_name=_("人大常委会"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=30, choices=CongressKind.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    session = models.CharField(_("会议"), max_length=200)
    held_on = models.DateField(_("会议日期"))
    content = models.TextField(_("审议意见或询问、质询内容"))
    state = models.CharField(
        _("状态"), max_length=20, choices=CongressState.choices, default=CongressState.OPEN, db_index=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closing_comment = models.TextField(_("办结意见"), blank=True)

    class Meta:
        verbose_name = _("人大监督事项")
        verbose_name_plural = _("人大监督事项")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("congress:matter", args=[self.pk])


class Question(RectifyModel):
    """A question (or a resolution's requirement) put to one department, with the response owed."""

    matter = models.ForeignKey(
        CongressMatter, verbose_name=_("人大监督事项"), on_delete=models.PROTECT, related_name="questions"
    )
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("答复部门"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("询问或要求"))
    due_date = models.DateField(_("答复期限"), db_index=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=QuestionState.choices, default=QuestionState.OWED, db_index=True
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("询问事项")
        verbose_name_plural = _("询问事项")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.matter} · {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("congress:matter", args=[self.matter_id]) + f"#question-{self.pk}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        from rectify.findings.warning import local_today

        return self.state == QuestionState.OWED and self.due_date < (today or local_today())


class Response(models.Model):
    """A department's answer to a question (text, date, by whom). Append-only."""

    visibility_path = "question"

    question = models.ForeignKey(
        Question, verbose_name=_("询问事项"), on_delete=models.PROTECT, related_name="responses"
    )
    text = models.TextField(_("答复内容"))
    responded_on = models.DateField(_("答复日期"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), on_delete=models.PROTECT, related_name="+"
    )
    responder_name = models.CharField(_("答复人姓名"), max_length=50)
    at = models.DateTimeField(_("登记时间"))

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.question_id} {self.responded_on}"

    def delete(self, using=None, keep_parents=False):
        raise PermissionError("responses are append-only")


class Step(models.Model):
    """The record of a matter: one row per step (who, when, what), written inside the step's transaction.
    A step about one question names it, so that a department sees only the steps of its own questions."""

    matter = models.ForeignKey(
        CongressMatter, verbose_name=_("人大监督事项"), on_delete=models.PROTECT, related_name="steps"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("询问事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("步骤"), max_length=20, choices=StepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=50)
    organization_name = models.CharField(_("操作单位"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    comment = models.TextField(_("说明"), blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("人大监督办理记录")
        verbose_name_plural = _("人大监督办理记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"

    def delete(self, using=None, keep_parents=False):
        raise PermissionError("congress steps are append-only")
