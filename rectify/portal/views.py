"""Internal pages of announcements and limited circulations: the list (scoped), the detail with its items,
record and readers, the drafting form and the form of every step. Business rules are in ``services``; a
refusal is shown on the form with what was typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from rectify.core.actions import ObjectActionView, RefusedUnlessMixin
from rectify.core.exceptions import ActionRefused, add_refusal_to_form
from rectify.portal import services
from rectify.portal.choices import AnnouncementState, Audience
from rectify.portal.filters import AnnouncementFilterSet
from rectify.portal.forms import (
    AnnouncementEditForm,
    AnnouncementForm,
    CommentForm,
    CorrectionForm,
    ItemForm,
    ReasonForm,
    RemoveItemForm,
)
from rectify.portal.models import Announcement, AnnouncementItem, Reading

PAGE = 50


class AnnouncementListView(LoginRequiredMixin, FilterView):
    filterset_class = AnnouncementFilterSet
    template_name = "portal/announcement_list.html"
    paginate_by = PAGE

    def get_queryset(self):
        return (
            Announcement.objects.restrict(self.request.user)
            .select_related("publisher")
            .order_by("state", "-published_at", "-created", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=services.publisher_kind(self.request.user) is not None, **kwargs)


class AnnouncementCreateView(LoginRequiredMixin, RefusedUnlessMixin, FormView):
    template_name = "portal/form.html"
    form_class = AnnouncementForm
    refused_message = services.DRAFT_REFUSED

    def may_use(self, user) -> bool:
        return services.publisher_kind(user) is not None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"audience": self.request.GET.get("audience", Audience.PUBLIC)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("起草公告"), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            announcement = services.draft_announcement(
                self.request.user, audience=data["audience"], title=data["title"],
                introduction=data["introduction"], project=data["project"], year=data["year"], unit=data["unit"],
                recipients=list(data["recipients"]),
            )  # fmt: skip
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已起草「%(title)s」，共 %(n)s 个问题。请逐项核对公开的文字，再报请审批。")
            % {"title": announcement.title, "n": announcement.items.count()},
        )
        return redirect(announcement)


class AnnouncementDetailView(LoginRequiredMixin, TemplateView):
    template_name = "portal/announcement_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        announcement = get_object_or_404(
            Announcement.objects.restrict(user).select_related(
                "publisher", "drafted_by", "approved_by", "corrects", "project", "unit"
            ),
            pk=kwargs["pk"],
        )
        services.record_reading(user, announcement)
        work = services.may_work(user, announcement) or services.may_approve(user, announcement)
        withdrawn_only = announcement.state == AnnouncementState.WITHDRAWN and not work
        correction = Announcement.objects.restrict(user).filter(corrects=announcement).first()
        readings = Reading.objects.restrict(user).filter(announcement=announcement).select_related("organization")
        return super().get_context_data(
            announcement=announcement,
            items=[] if withdrawn_only else list(announcement.items.select_related("finding").order_by("number")),
            withdrawn_only=withdrawn_only,
            recipients=list(announcement.recipients.only("pk", "name")),
            steps=list(announcement.steps.order_by("at", "pk")) if work else [],
            readings=list(readings) if work else [],
            allowed=services.allowed_steps(user, announcement),
            work=work,
            correction=correction,
            **kwargs,
        )


class AnnouncementActionView(ObjectActionView):
    model = Announcement
    approver = False
    refused_message = services.REFUSED

    def may_use(self, user) -> bool:
        if self.approver:
            return services.may_approve(user, self.object)
        return services.may_work(user, self.object)

    def get_refused_message(self) -> str:
        return str(services.APPROVER_REFUSED if self.approver else services.REFUSED)

    def get_initial(self):
        return {"version": self.object.version}

    def version(self, form):
        return form.cleaned_data.get("version")


class AnnouncementEditView(AnnouncementActionView):
    form_class = AnnouncementEditForm
    title = gettext_lazy("修改公告")
    success_message = gettext_lazy("已保存。")
    submit_label = gettext_lazy("保存")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        a = self.object
        return {
            "title": a.title, "introduction": a.introduction, "correction_note": a.correction_note,
            "recipients": list(a.recipients.all()), "version": a.version,
        }  # fmt: skip

    def perform(self, form):
        data = form.cleaned_data
        services.update_announcement(
            self.request.user, self.object, title=data["title"], introduction=data["introduction"],
            recipients=list(data["recipients"]) if self.object.audience == Audience.LIMITED else None,
            correction_note=data["correction_note"], version=self.version(form),
        )  # fmt: skip


class SubmitView(AnnouncementActionView):
    form_class = CommentForm
    title = gettext_lazy("报请审批")
    success_message = gettext_lazy("已报请审批。")

    def perform(self, form):
        services.submit_announcement(
            self.request.user, self.object, form.cleaned_data.get("comment", ""), version=self.version(form)
        )


class ApproveView(AnnouncementActionView):
    form_class = CommentForm
    approver = True
    title = gettext_lazy("审批同意")
    success_message = gettext_lazy("已审批同意，可以发布。")

    def perform(self, form):
        services.approve_announcement(
            self.request.user, self.object, form.cleaned_data.get("comment", ""), version=self.version(form)
        )


class ReturnView(AnnouncementActionView):
    form_class = ReasonForm
    approver = True
    title = gettext_lazy("退回修改")
    success_message = gettext_lazy("已退回修改。")

    def perform(self, form):
        services.return_announcement(
            self.request.user, self.object, form.cleaned_data["reason"], version=self.version(form)
        )


class PublishView(AnnouncementActionView):
    form_class = CommentForm
    title = gettext_lazy("发布")
    success_message = gettext_lazy("已发布。发布的内容已固定，此后问题的变化不会改变已发布的内容。")

    def perform(self, form):
        services.publish_announcement(
            self.request.user, self.object, form.cleaned_data.get("comment", ""), version=self.version(form)
        )


class WithdrawView(AnnouncementActionView):
    form_class = ReasonForm
    approver = True
    title = gettext_lazy("撤回")
    success_message = gettext_lazy("已撤回。公开页面只显示已撤回及其时间和原因。")

    def perform(self, form):
        services.withdraw_announcement(
            self.request.user, self.object, form.cleaned_data["reason"], version=self.version(form)
        )


class CorrectView(AnnouncementActionView):
    form_class = CorrectionForm
    title = gettext_lazy("更正")
    success_message = gettext_lazy("已起草更正版本；发布后将取代原公告，原公告页面注明已更正。")

    def perform(self, form):
        self.correction = services.correct_announcement(
            self.request.user, self.object, form.cleaned_data["note"], version=self.version(form)
        )

    def get_success_url(self) -> str:
        return self.correction.get_absolute_url()


class ItemActionView(AnnouncementActionView):
    """An item of a draft: found through its announcement's scope."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.item = get_object_or_404(AnnouncementItem.objects.restrict(request.user), pk=kwargs["pk"])
            kwargs = {**kwargs, "pk": self.item.announcement_id}
            self.kwargs = kwargs
        return super().dispatch(request, *args, **kwargs)


class ItemEditView(ItemActionView):
    form_class = ItemForm
    title = gettext_lazy("修改公开文字")
    success_message = gettext_lazy("已保存。")
    submit_label = gettext_lazy("保存")

    def get_title(self) -> str:
        return f"{self.title} · {self.item.ledger_number}"

    def get_initial(self):
        i = self.item
        return {
            "title": i.title, "summary": i.summary, "requirements_summary": i.requirements_summary,
            "result": i.result, "version": self.object.version,
        }  # fmt: skip

    def perform(self, form):
        d = form.cleaned_data
        text = services.ItemText(d["title"], d["summary"], d["requirements_summary"], d["result"])
        services.update_item(self.request.user, self.item, text, version=self.version(form))


class ItemRemoveView(ItemActionView):
    form_class = RemoveItemForm
    title = gettext_lazy("移出公告")
    success_message = gettext_lazy("已移出。")

    def get_title(self) -> str:
        return f"{self.title} · {self.item.ledger_number}"

    def perform(self, form):
        services.remove_item(self.request.user, self.item, version=self.version(form))
