"""Pages of People's Congress matters: the list (scoped), the detail with the questions the user sees and
their responses, recording, adding a question, answering and closing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from rectify.congress import services
from rectify.congress.filters import CongressMatterFilterSet
from rectify.congress.forms import AnswerForm, CloseForm, CongressMatterEditForm, CongressMatterForm, QuestionForm
from rectify.congress.models import CongressMatter, Question, Response
from rectify.core.actions import ObjectActionView, RefusedUnlessMixin
from rectify.core.exceptions import ActionRefused, add_refusal_to_form
from rectify.findings.warning import local_today

CONGRESS_ONLY = gettext_lazy("只有人大常委会人员可以登记和办结人大监督事项。")


class MatterListView(LoginRequiredMixin, FilterView):
    filterset_class = CongressMatterFilterSet
    template_name = "congress/matter_list.html"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        return (
            CongressMatter.objects.restrict(user)
            .prefetch_related(
                Prefetch(
                    "questions",
                    Question.objects.restrict(user).select_related("organization").order_by("due_date", "pk"),
                )
            )
            .order_by("state", "-held_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_create=services.is_congress_officer(self.request.user), today=local_today(), **kwargs
        )


class MatterCreateView(LoginRequiredMixin, RefusedUnlessMixin, FormView):
    template_name = "congress/form.html"
    form_class = CongressMatterForm
    refused_message = CONGRESS_ONLY

    def may_use(self, user) -> bool:
        return services.is_congress_officer(user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            matter = services.record_matter(
                self.request.user, kind=data["kind"], title=data["title"], session=data["session"],
                held_on=data["held_on"], content=data["content"],
                questions=[services.QuestionSpec(data["organization"], data["question"], data["due_date"])],
            )  # fmt: skip
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记「%(title)s」。") % {"title": matter.title})
        return redirect(matter)


class MatterDetailView(LoginRequiredMixin, TemplateView):
    template_name = "congress/matter_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        matter = get_object_or_404(
            CongressMatter.objects.restrict(user).select_related("issuer", "recorded_by", "closed_by"), pk=kwargs["pk"]
        )
        questions = list(
            Question.objects.restrict(user)
            .filter(matter=matter)
            .select_related("organization")
            .prefetch_related(Prefetch("responses", Response.objects.order_by("at", "pk")))
            .order_by("due_date", "pk")
        )
        today = local_today()
        open_ = matter.state == "open"
        # The record: the matter's own steps, and those of the questions the user sees (a department its own).
        visible = {q.pk for q in questions}
        steps = [
            step
            for step in matter.steps.order_by("at", "pk")
            if step.question_id is None or step.question_id in visible
        ]
        return super().get_context_data(
            matter=matter,
            steps=steps,
            questions=[(q, q.is_overdue(today), open_ and services.may_answer(user, q)) for q in questions],
            manage=open_ and services.may_manage(user, matter),
            **kwargs,
        )


class AddQuestionView(ObjectActionView):
    model = CongressMatter
    form_class = QuestionForm
    title = gettext_lazy("追加询问部门")
    success_message = gettext_lazy("已追加。")
    refused_message = CONGRESS_ONLY

    def may_use(self, user) -> bool:
        return services.may_manage(user, self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        services.add_question(
            self.request.user, self.object, services.QuestionSpec(data["organization"], data["text"], data["due_date"])
        )


class EditView(ObjectActionView):
    model = CongressMatter
    form_class = CongressMatterEditForm
    title = gettext_lazy("修改人大监督事项")
    success_message = gettext_lazy("已保存修改。")
    submit_label = gettext_lazy("保存")
    refused_message = CONGRESS_ONLY

    def may_use(self, user) -> bool:
        return services.may_manage(user, self.object)

    def get_initial(self):
        m = self.object
        return {
            "kind": m.kind, "title": m.title, "session": m.session, "held_on": m.held_on, "content": m.content,
            "version": m.version,
        }  # fmt: skip

    def perform(self, form):
        data = form.cleaned_data
        services.update_matter(
            self.request.user, self.object, kind=data["kind"], title=data["title"], session=data["session"],
            held_on=data["held_on"], content=data["content"], version=data.get("version"),
        )  # fmt: skip


class CloseView(ObjectActionView):
    model = CongressMatter
    form_class = CloseForm
    title = gettext_lazy("办结")
    success_message = gettext_lazy("已办结。")
    refused_message = CONGRESS_ONLY

    def may_use(self, user) -> bool:
        return services.may_manage(user, self.object)

    def perform(self, form):
        services.close_matter(self.request.user, self.object, form.cleaned_data.get("comment", ""))


class AnswerView(ObjectActionView):
    model = Question
    form_class = AnswerForm
    title = gettext_lazy("答复")
    success_message = gettext_lazy("已答复，人大常委会可以查阅。")
    refused_message = services.ANSWER_REFUSED

    def get_scoped_queryset(self):
        return Question.objects.restrict(self.request.user).select_related("matter", "organization")

    def may_use(self, user) -> bool:
        return services.may_answer(user, self.object)

    def get_success_url(self) -> str:
        return self.object.matter.get_absolute_url()

    def perform(self, form):
        data = form.cleaned_data
        services.answer_question(
            self.request.user, self.object, text=data["text"], responded_on=data.get("responded_on")
        )
