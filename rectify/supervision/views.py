"""Pages of supervised matters and circulars: lists (scoped), details with their record, the forms of
every step. Business rules are in ``services``; a refusal is shown on the form with what was typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from rectify.core import audit_log
from rectify.core.actions import ObjectActionView, RefusedUnlessMixin
from rectify.core.exceptions import ActionRefused, add_refusal_to_form
from rectify.findings.warning import local_today
from rectify.rectification.evidence import served_name
from rectify.supervision import services
from rectify.supervision.filters import CircularFilterSet, SupervisedMatterFilterSet
from rectify.supervision.forms import (
    AddAssigneeForm,
    CircularForm,
    CommentForm,
    MatterForm,
    ProgressForm,
    ReasonForm,
)
from rectify.supervision.models import Assignment, Circular, Progress, SupervisedMatter

PAGE = 50
COMMITTEE_ONLY = gettext_lazy("只有审计委员会办公室人员可以登记督办事项和起草通报。")


class MatterListView(LoginRequiredMixin, FilterView):
    filterset_class = SupervisedMatterFilterSet
    template_name = "supervision/matter_list.html"
    paginate_by = PAGE

    def get_queryset(self):
        user = self.request.user
        return (
            SupervisedMatter.objects.restrict(user)
            .select_related("issuer")
            .prefetch_related(
                Prefetch(
                    "assignments",
                    Assignment.objects.restrict(user).select_related("organization").order_by("due_date", "pk"),
                )
            )
            .order_by("state", "-created", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_create=services.is_committee_officer(self.request.user), today=local_today(), **kwargs
        )


class MatterCreateView(LoginRequiredMixin, RefusedUnlessMixin, FormView):
    template_name = "supervision/form.html"
    form_class = MatterForm
    refused_message = COMMITTEE_ONLY

    def may_use(self, user) -> bool:
        return services.is_committee_officer(user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("登记督办事项"), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        user = self.request.user
        try:
            findings = services.findings_by_number(user.organization, services.split_numbers(data["finding_numbers"]))
            matter = services.record_matter(
                user, kind=data["kind"], title=data["title"], content=data["content"], meeting=data["meeting"],
                meeting_date=data["meeting_date"], instructed_by=data["instructed_by"],
                instructor_position=data["instructor_position"], instructed_on=data["instructed_on"],
                assignees=[services.AssigneeSpec(org, data["due_date"]) for org in data["assignees"]],
                units=list(data["units"]), findings=findings,
            )  # fmt: skip
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记督办事项「%(title)s」并交办承办单位。") % {"title": matter.title})
        return redirect(matter)


class MatterDetailView(LoginRequiredMixin, TemplateView):
    template_name = "supervision/matter_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        matter = get_object_or_404(
            SupervisedMatter.objects.restrict(user).select_related("issuer", "recorded_by"), pk=kwargs["pk"]
        )
        assignments = list(
            Assignment.objects.restrict(user)
            .filter(matter=matter)
            .select_related("organization", "matter")
            .prefetch_related(Prefetch("progress", Progress.objects.select_related("reported_by")))
            .order_by("due_date", "pk")
        )
        visible = {a.pk for a in assignments}
        steps = [
            step
            for step in matter.steps.select_related("assignment").order_by("at", "pk")
            if step.assignment_id is None or step.assignment_id in visible
        ]
        today = local_today()
        return super().get_context_data(
            matter=matter,
            assignments=[(a, a.is_overdue(today), services.assignment_steps(user, a)) for a in assignments],
            findings=list(matter.findings.only("pk", "ledger_number", "title")),
            units=list(matter.units.only("pk", "name")),
            steps=steps,
            manage=services.may_manage(user, matter.issuer_id) and matter.state == "open",
            # The committee office opens the findings it cites (read-only, the supervision scope's contribution).
            link_findings=services.may_manage(user, matter.issuer_id),
            **kwargs,
        )


class AddAssigneeView(ObjectActionView):
    model = SupervisedMatter
    form_class = AddAssigneeForm
    title = gettext_lazy("追加交办")
    success_message = gettext_lazy("已追加交办。")
    refused_message = COMMITTEE_ONLY

    def may_use(self, user) -> bool:
        return services.may_manage(user, self.object.issuer_id)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        services.add_assignee(self.request.user, self.object, data["organization"], data["due_date"])


class AssignmentActionView(ObjectActionView):
    model = Assignment
    committee = False

    def get_scoped_queryset(self):
        return Assignment.objects.restrict(self.request.user).select_related("matter", "organization")

    def may_use(self, user) -> bool:
        if self.committee:
            return services.may_manage(user, self.object.matter.issuer_id)
        return services.may_work(user, self.object)

    def get_refused_message(self) -> str:
        return str(services.MATTER_REFUSED if self.committee else services.ASSIGNEE_REFUSED)

    def get_success_url(self) -> str:
        return self.object.matter.get_absolute_url()


class ProgressView(AssignmentActionView):
    form_class = ProgressForm
    title = gettext_lazy("报告办理进展")
    success_message = gettext_lazy("已报告办理进展。")
    multipart = True

    def perform(self, form):
        data = form.cleaned_data
        services.report_progress(
            self.request.user, self.object, text=data["text"], reported_on=data.get("reported_on"),
            attachment=data.get("attachment"),
        )  # fmt: skip


class RequestClosureView(AssignmentActionView):
    form_class = CommentForm
    title = gettext_lazy("申请办结")
    success_message = gettext_lazy("已申请办结，等待审计委员会办公室审核。")

    def perform(self, form):
        services.request_closure(self.request.user, self.object, form.cleaned_data.get("comment", ""))


class AcceptClosureView(AssignmentActionView):
    form_class = CommentForm
    committee = True
    title = gettext_lazy("同意办结")
    success_message = gettext_lazy("已同意办结。")

    def perform(self, form):
        services.accept_closure(self.request.user, self.object, form.cleaned_data.get("comment", ""))


class ReturnAssignmentView(AssignmentActionView):
    form_class = ReasonForm
    committee = True
    title = gettext_lazy("退回继续办理")
    success_message = gettext_lazy("已退回承办单位继续办理。")

    def perform(self, form):
        services.return_assignment(self.request.user, self.object, form.cleaned_data["reason"])


class AttachmentView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        progress = get_object_or_404(Progress.objects.restrict(request.user), pk=pk)
        if not progress.attachment:
            raise Http404
        audit_log.record(request, "download", progress, file="supervision_attachment")
        content_type = progress.attachment_type or "application/octet-stream"
        response = FileResponse(
            progress.attachment.open("rb"),
            as_attachment=True,
            filename=served_name(progress.attachment_name or f"attachment-{progress.pk}", content_type),
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- circulars ---------------------------------------------------------------------------------------


class CircularListView(LoginRequiredMixin, FilterView):
    filterset_class = CircularFilterSet
    template_name = "supervision/circular_list.html"
    paginate_by = PAGE

    def get_queryset(self):
        return (
            Circular.objects.restrict(self.request.user).select_related("issuer").order_by("state", "-created", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=services.is_committee_officer(self.request.user), **kwargs)


class CircularFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def cited(self, form):
        data = form.cleaned_data
        findings = services.findings_by_number(
            self.request.user.organization, services.split_numbers(data["finding_numbers"])
        )
        return {
            "kind": data["kind"], "title": data["title"], "body": data["body"],
            "recipients": list(data["recipients"]), "matters": list(data["matters"]), "findings": findings,
        }  # fmt: skip


class CircularCreateView(LoginRequiredMixin, RefusedUnlessMixin, CircularFormMixin, FormView):
    template_name = "supervision/form.html"
    form_class = CircularForm
    refused_message = COMMITTEE_ONLY

    def may_use(self, user) -> bool:
        return services.is_committee_officer(user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("起草通报"), **kwargs)

    def form_valid(self, form):
        try:
            circular = services.draft_circular(self.request.user, **self.cited(form))
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("已起草通报「%(title)s」。") % {"title": circular.title})
        return redirect(circular)


class CircularDetailView(LoginRequiredMixin, TemplateView):
    template_name = "supervision/circular_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        circular = get_object_or_404(
            Circular.objects.restrict(user).select_related("issuer", "drafted_by", "approved_by", "issued_by"),
            pk=kwargs["pk"],
        )
        manage = services.may_manage(user, circular.issuer_id)
        allowed = services.circular_steps(user, circular)
        return super().get_context_data(
            circular=circular,
            recipients=list(circular.recipients.only("pk", "name")),
            matters=list(circular.matters.only("pk", "title")) if manage else [],
            findings=list(circular.findings.only("pk", "ledger_number", "title")),
            steps=list(circular.steps.order_by("at", "pk")) if manage else [],
            allowed=allowed,
            link_findings=manage,
            # The drafter sees why no approval is offered: another officer approves (four eyes).
            awaits_other=manage and circular.state == "draft" and "approve" not in allowed,
            **kwargs,
        )


class CircularActionView(ObjectActionView):
    model = Circular
    refused_message = COMMITTEE_ONLY

    def may_use(self, user) -> bool:
        return services.may_manage(user, self.object.issuer_id)


class CircularEditView(CircularFormMixin, CircularActionView):
    form_class = CircularForm
    title = gettext_lazy("修改通报")
    success_message = gettext_lazy("已保存通报。")
    submit_label = gettext_lazy("保存")

    def get_initial(self):
        c = self.object
        return {
            "kind": c.kind, "title": c.title, "body": c.body, "recipients": list(c.recipients.all()),
            "matters": list(c.matters.all()), "version": c.version,
            "finding_numbers": " ".join(c.findings.values_list("ledger_number", flat=True)),
        }  # fmt: skip

    def perform(self, form):
        services.update_circular(
            self.request.user, self.object, version=form.cleaned_data.get("version"), **self.cited(form)
        )


class ApproveCircularView(CircularActionView):
    form_class = CommentForm
    title = gettext_lazy("审核通报")
    success_message = gettext_lazy("已审核，可以印发。")

    def perform(self, form):
        services.approve_circular(self.request.user, self.object, form.cleaned_data.get("comment", ""))


class ReturnCircularView(CircularActionView):
    form_class = ReasonForm
    title = gettext_lazy("退回修改")
    success_message = gettext_lazy("已退回修改。")

    def perform(self, form):
        services.return_circular(self.request.user, self.object, form.cleaned_data["reason"])


class IssueCircularView(CircularActionView):
    form_class = CommentForm
    title = gettext_lazy("印发通报")
    success_message = gettext_lazy("已印发，主送单位可以查阅这份通报。")

    def perform(self, form):
        services.issue_circular(self.request.user, self.object, form.cleaned_data.get("comment", ""))
