from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from rectify.accounts.choices import AUDITING_ROLES
from rectify.core import audit_log
from rectify.core.actions import ObjectActionView
from rectify.findings import services as finding_actions
from rectify.findings.choices import FindingState
from rectify.findings.forms import TransitionForm
from rectify.findings.models import Finding
from rectify.findings.workflow import TRANSITIONS
from rectify.rectification import services
from rectify.rectification.choices import AMOUNT_METHODS
from rectify.rectification.evidence import PREVIEWABLE, served_name
from rectify.rectification.forms import (
    AccountabilityFormSet,
    DelayDecisionForm,
    DelayForm,
    MilestoneFormSet,
    PlanForm,
    ReportForm,
    VerifyForm,
)
from rectify.rectification.models import Evidence, Plan


class FindingStepView(ObjectActionView):
    """A step on a finding taken in some roles only (``step``: see ``services.STEP_ROLES``)."""

    model = Finding
    step = ""

    def may_use(self, user) -> bool:
        return services.may_take_step(user, self.object, self.step)

    def get_refused_message(self) -> str:
        return str(services.STEP_REFUSALS[self.step])


class FormsetActionView(FindingStepView):
    """An action form with one formset beside it; both must be valid."""

    formset_class = None
    formset_prefix = "rows"

    def get_formset(self):
        data = self.request.POST if self.request.method == "POST" else None
        return self.formset_class(data, prefix=self.formset_prefix, initial=self.get_formset_initial())

    def get_formset_initial(self):
        return None

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        self.formset = self.get_formset()
        if form.is_valid() and self.formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["formset"] = getattr(self, "formset", None) or self.get_formset()
        return context


class PlanView(FormsetActionView):
    """The unit writes or revises its rectification plan."""

    step = "plan"
    form_class = PlanForm
    formset_class = MilestoneFormSet
    template_name = "rectification/plan_form.html"
    title = gettext_lazy("制定整改方案")
    success_message = gettext_lazy("整改方案已提交。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "deadline": self.object.deadline}

    @cached_property
    def plan(self) -> Plan | None:
        return Plan.objects.filter(finding=self.object).prefetch_related("milestones").first()

    def get_initial(self):
        plan = self.plan
        if plan is None:
            return {"planned_completion": self.object.deadline}
        return {
            "measures": plan.measures,
            "responsible_department": plan.responsible_department,
            "responsible_person": plan.responsible_person,
            "planned_completion": plan.planned_completion,
            "version": plan.version,
        }

    def get_formset_initial(self):
        plan = self.plan
        if plan is None:
            return None
        return [{"title": m.title, "due_date": m.due_date} for m in plan.milestones.all()]

    def perform(self, form) -> None:
        milestones = [(row["title"], row["due_date"]) for row in self.formset.cleaned_data if row and row.get("title")]
        services.submit_plan(self.request.user, self.object, milestones=milestones, **form.cleaned_data)


class ReportView(FormsetActionView):
    """The unit reports a round: what it did, the money, rules, people held accountable, evidence."""

    step = "report"
    form_class = ReportForm
    formset_class = AccountabilityFormSet
    template_name = "rectification/report_form.html"
    title = gettext_lazy("报送整改情况")
    success_message = gettext_lazy("整改情况已报送，等待审计机关核实。")
    multipart = True

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            kwargs["files"] = self.request.FILES
        return kwargs

    def get_initial(self):
        return {"finding_version": self.object.version}

    def perform(self, form) -> None:
        data = form.cleaned_data
        people = [row for row in self.formset.cleaned_data if row and row.get("person_name")]
        services.submit_report(
            self.request.user,
            self.object,
            measures=data["measures"],
            progress=data["progress"],
            unfinished_reason=data["unfinished_reason"],
            next_steps=data["next_steps"],
            next_steps_due=data["next_steps_due"],
            amounts=form.amounts(),
            excess_reason=data["excess_reason"],
            rules=form.rule_rows(),
            accountability=people,
            evidence=data["evidence"],
            finding_version=data.get("finding_version"),
        )


class VerifyView(FindingStepView):
    """The auditor verifies the latest report round: close out, or return with reasons."""

    step = "verify"
    form_class = VerifyForm
    template_name = "rectification/verify_form.html"
    title = gettext_lazy("核实认定")

    def get_latest_report(self):
        report = self.object.reports.order_by("-round").first()
        if report is None:
            raise Http404
        return report

    def get_initial(self):
        return {"verified_amount": services.amount_rectified_so_far(self.object)}

    def get_form_kwargs(self):
        # Only a submitted finding is closed out by a rectified verdict (a long-term one stays open).
        return {**super().get_form_kwargs(), "closes_when_rectified": self.object.state == FindingState.SUBMITTED}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.get_latest_report()
        # What the verdict is weighed against: the requirements, the plan, and the round with its money.
        context.update(
            report=report,
            requirements=self.object.requirements.all(),
            plan=Plan.objects.filter(finding=self.object).prefetch_related("milestones").first(),
            amounts=[(label, getattr(report, field)) for field, label in AMOUNT_METHODS],
        )
        return context

    def perform(self, form) -> None:
        verification = services.verify_latest(self.request.user, self.object, **form.cleaned_data)
        self.success_message = (
            _("已认定为「已整改」，问题已销号。")
            if verification.verdict == "rectified"
            else _("已认定为「%(verdict)s」。") % {"verdict": verification.get_verdict_display()}
        )


class DelayView(FindingStepView):
    step = "delay"
    form_class = DelayForm
    title = gettext_lazy("说明延期原因")
    success_message = gettext_lazy("延期原因已报送审计机关。")

    def perform(self, form) -> None:
        services.explain_delay(self.request.user, self.object, **form.cleaned_data)


class DelayDecisionView(ObjectActionView):
    """The audit office decides on the unit's latest delay explanation, seen beside the form."""

    model = Finding
    refused_message = gettext_lazy("只有审计机关可以审核延期说明。")

    def may_use(self, user) -> bool:
        # Checked once the finding is fetched through the scope: a finding the user cannot see is 404.
        return bool(user.role_codes & AUDITING_ROLES)

    form_class = DelayDecisionForm
    title = gettext_lazy("审核延期说明")
    template_name = "rectification/delay_decision.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["explanation"] = services.pending_delay_explanation(self.object)
        return context

    def perform(self, form) -> None:
        explanation = services.decide_delay(self.request.user, self.object, **form.cleaned_data)
        self.success_message = _("已审核延期说明：%(decision)s。") % {"decision": explanation.get_decision_display()}


class TransitionView(ObjectActionView):
    """Confirms and performs one transition of the table (close-out goes through verification)."""

    model = Finding
    form_class = TransitionForm

    def dispatch(self, request, *args, **kwargs):
        if kwargs["name"] not in finding_actions.NAMED_TRANSITIONS:
            raise Http404
        self.transition = TRANSITIONS[kwargs["name"]]
        return super().dispatch(request, *args, **kwargs)

    def get_title(self) -> str:
        return str(self.transition.label)

    def may_use(self, user) -> bool:
        return finding_actions.may_transition(user, self.object, self.transition.name)

    def get_refused_message(self) -> str:
        return str(finding_actions.TRANSITION_REFUSED) % {"action": self.transition.label}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.transition.needs_comment:
            form.fields["comment"].required = True
        return form

    def perform(self, form) -> None:
        services.transition_by_name(
            self.request.user, self.object, self.transition.name, comment=form.cleaned_data["comment"]
        )
        self.success_message = _("已%(action)s。") % {"action": self.transition.label}


class EvidenceFileView(LoginRequiredMixin, View):
    """Serves an evidence file to those who may see its finding; inline for previewable types."""

    def get(self, request, pk: int, disposition: str = "attachment"):
        evidence = get_object_or_404(Evidence.objects.restrict(request.user), pk=pk)
        inline = disposition == "inline" and evidence.content_type in PREVIEWABLE
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, ValidationError):
            raise Http404 from None
        audit_log.record(request, "download", evidence, inline=inline)
        # The name's extension follows the content type, also for files recorded before that rule.
        name = served_name(evidence.original_name, evidence.content_type)
        response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=evidence.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
        return response
