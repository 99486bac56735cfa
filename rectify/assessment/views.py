"""Pages of the assessment: the years, a year's ranking, a scheme (its rules, edited until frozen), a
unit's assessment with every line, its explanation and links to the facts, and the named actions.
Business rules are in ``services``; a refusal is shown on the form with what was typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Window
from django.db.models.functions import Rank
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from django_tables2 import SingleTableMixin

from rectify.assessment import services
from rectify.assessment.choices import FACT_GROUPS, FactType
from rectify.assessment.forms import (
    AdjustForm,
    ConfirmForm,
    FreezeForm,
    RecomputeForm,
    ReviewForm,
    SchemeCreateForm,
    SchemeForm,
)
from rectify.assessment.models import Assessment, AssessmentLine, AssessmentScheme
from rectify.assessment.tables import RankingTable
from rectify.core.actions import ObjectActionView, RefusedUnlessMixin
from rectify.core.exceptions import ActionRefused, add_refusal_to_form
from rectify.findings.models import Finding
from rectify.interviews.models import Interview
from rectify.referrals.models import Referral


def ranked(queryset):
    """Assessments with their rank within their scheme (1 = the highest total)."""
    return queryset.annotate(
        rank=Window(Rank(), partition_by=[F("scheme_id")], order_by=[F("total").desc()]),
    )


class YearListView(LoginRequiredMixin, TemplateView):
    template_name = "assessment/year_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        schemes = list(AssessmentScheme.objects.restrict(user).select_related("jurisdiction").order_by("-year", "pk"))
        counts = dict(
            Assessment.objects.restrict(user).order_by().values("year").annotate(n=Count("pk")).values_list("year", "n")
        )
        years = sorted({s.year for s in schemes} | set(counts), reverse=True)
        rows = [(year, [s for s in schemes if s.year == year], counts.get(year, 0)) for year in years]
        return super().get_context_data(
            rows=rows, can_create=services.may_manage(user), create_form=SchemeCreateForm(), **kwargs
        )


class SchemeCreateView(LoginRequiredMixin, RefusedUnlessMixin, FormView):
    template_name = "assessment/scheme_create.html"
    form_class = SchemeCreateForm
    refused_message = gettext_lazy("只有审计机关可以制定考核方案。")

    def may_use(self, user) -> bool:
        return services.may_manage(user)

    def form_valid(self, form):
        try:
            scheme = services.create_scheme(self.request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("已按默认规则建立考核方案，可在定稿前修改。"))
        return HttpResponseRedirect(scheme.get_absolute_url())


class RankingView(LoginRequiredMixin, SingleTableMixin, TemplateView):
    template_name = "assessment/ranking.html"
    table_class = RankingTable

    def get_table_data(self):
        return ranked(
            Assessment.objects.restrict(self.request.user)
            .filter(year=self.kwargs["year"])
            .select_related("unit", "scheme__jurisdiction")
        ).order_by("scheme_id", "-total", "unit__code")

    def get_context_data(self, **kwargs):
        user = self.request.user
        schemes = list(
            AssessmentScheme.objects.restrict(user).filter(year=self.kwargs["year"]).select_related("jurisdiction")
        )
        return super().get_context_data(schemes=schemes, **kwargs)


class SchemeDetailView(LoginRequiredMixin, TemplateView):
    template_name = "assessment/scheme_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        scheme = get_object_or_404(
            AssessmentScheme.objects.restrict(user).select_related("jurisdiction", "frozen_by"), pk=kwargs["pk"]
        )
        return super().get_context_data(
            scheme=scheme,
            rules=list(scheme.rules.order_by("sequence")),
            steps=services.scheme_steps_for(user, scheme),
            assessments=Assessment.objects.restrict(user).filter(scheme=scheme).count(),
            **kwargs,
        )


class SchemeEditView(LoginRequiredMixin, FormView):
    template_name = "assessment/scheme_edit.html"
    form_class = SchemeForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.scheme = get_object_or_404(AssessmentScheme.objects.restrict(request.user), pk=kwargs["pk"])
        if not services.may_manage(request.user):
            raise PermissionDenied(_("考核方案由审计机关办理。"))
        self.rules = list(self.scheme.rules.order_by("sequence"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rules": self.rules}

    def get_initial(self):
        return SchemeForm.initial_for(self.scheme, self.rules)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.update_scheme(
                self.request.user,
                self.scheme.pk,
                title=data["title"],
                cutoff=data["cutoff"],
                rules=form.rules_data(),
                version=data.get("version"),
            )
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("考核方案已保存。"))
        return HttpResponseRedirect(self.scheme.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(scheme=self.scheme, **kwargs)


class SchemeStep(ObjectActionView):
    model = AssessmentScheme
    refused_message = gettext_lazy("考核方案由审计机关办理。")

    def may_use(self, user) -> bool:
        return services.may_manage(user)


class ComputeView(SchemeStep):
    form_class = RecomputeForm
    title = gettext_lazy("计算本年度考核结果")
    success_message = gettext_lazy("已开始计算本年度各单位的考核结果（已确认的结果不再计算），完成后刷新页面查看。")

    def perform(self, form):
        services.request_computation(self.request.user, self.object.pk)


class FreezeView(SchemeStep):
    form_class = FreezeForm
    title = gettext_lazy("考核方案定稿")
    success_message = gettext_lazy("考核方案已定稿，规则不能再修改。")
    refused_message = gettext_lazy("只有审计机关领导可以将考核方案定稿。")

    def may_use(self, user) -> bool:
        return services.may_lead(user)

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        services.freeze_scheme(self.request.user, self.object.pk, **form.cleaned_data)


def fact_links(user, lines) -> dict[int, list[dict]]:
    """Per line, its groups of facts, each fact with a link when the user may see the record (four
    queries whatever the number of lines and facts)."""
    wanted: dict[str, set[int]] = {t: set() for t in FactType.values}
    obligation_findings: dict[int, int] = {}
    for line in lines:
        for key, ids in (line.facts.get("groups") or {}).items():
            kind = FACT_GROUPS.get(key, (None,))[0]
            if kind:
                wanted[kind].update(ids)
        for obligation, finding in (line.facts.get("obligation_findings") or {}).items():
            obligation_findings[int(obligation)] = finding
    wanted[FactType.FINDING].update(obligation_findings.values())
    findings = dict(
        Finding.objects.restrict(user).filter(pk__in=wanted[FactType.FINDING]).values_list("pk", "ledger_number")
    )
    interviews = set(
        Interview.objects.restrict(user).filter(pk__in=wanted[FactType.INTERVIEW]).values_list("pk", flat=True)
    )
    referrals = dict(
        Referral.objects.restrict(user).filter(pk__in=wanted[FactType.REFERRAL]).values_list("pk", "title")
    )
    from django.urls import reverse

    def link(kind: str, pk: int) -> dict:
        if kind == FactType.FINDING:
            number = findings.get(pk)
            return {"text": number or f"#{pk}", "url": reverse("ledger:finding", args=[pk]) if number else ""}
        if kind == FactType.OBLIGATION:
            finding = obligation_findings.get(pk)
            number = findings.get(finding)
            text = _("%(finding)s 报送事项#%(pk)s") % {"finding": number or f"#{finding}", "pk": pk}
            return {"text": text, "url": reverse("ledger:finding", args=[finding]) if number else ""}
        if kind == FactType.INTERVIEW:
            return {
                "text": _("约谈#%(pk)s") % {"pk": pk},
                "url": reverse("interviews:detail", args=[pk]) if pk in interviews else "",
            }
        title = referrals.get(pk)
        return {"text": title or f"#{pk}", "url": reverse("referrals:detail", args=[pk]) if title else ""}

    shown: dict[int, list[dict]] = {}
    for line in lines:
        groups = []
        for key, ids in (line.facts.get("groups") or {}).items():
            if key not in FACT_GROUPS or not ids:
                continue
            kind, label = FACT_GROUPS[key]
            groups.append({"key": key, "label": label, "facts": [link(kind, pk) for pk in ids]})
        shown[line.pk] = groups
    return shown


class AssessmentDetailView(LoginRequiredMixin, TemplateView):
    template_name = "assessment/assessment_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assessment = get_object_or_404(
            Assessment.objects.restrict(user).select_related(
                "unit", "scheme__jurisdiction", "reviewed_by", "confirmed_by", "computed_by"
            ),
            pk=kwargs["pk"],
        )
        lines = list(assessment.lines.order_by("sequence").prefetch_related("adjustments__adjusted_by"))
        links = fact_links(user, lines)
        return super().get_context_data(
            assessment=assessment,
            lines=[(line, links.get(line.pk, [])) for line in lines],
            steps=services.steps_for(user, assessment),
            **kwargs,
        )


class AssessmentStep(ObjectActionView):
    model = Assessment
    refused_message = gettext_lazy("只有审计机关领导可以审核、确认考核结果。")

    def may_use(self, user) -> bool:
        return services.may_lead(user)

    def get_initial(self):
        return {"version": self.object.version}


class RecomputeView(AssessmentStep):
    form_class = RecomputeForm
    title = gettext_lazy("重新计算")
    success_message = gettext_lazy("已重新计算该单位的考核结果。")
    refused_message = gettext_lazy("考核结果由审计机关计算。")

    def may_use(self, user) -> bool:
        return services.may_manage(user)

    def perform(self, form):
        services.recompute(self.request.user, self.object.pk, **form.cleaned_data)


class ReviewView(AssessmentStep):
    form_class = ReviewForm
    title = gettext_lazy("审核考核结果")
    success_message = gettext_lazy("已审核，被考核单位及其主管部门可以查看。")

    def perform(self, form):
        services.review(self.request.user, self.object.pk, **form.cleaned_data)


class ConfirmView(AssessmentStep):
    form_class = ConfirmForm
    title = gettext_lazy("确认考核结果")
    success_message = gettext_lazy("考核结果已确认，不再重新计算。")

    def perform(self, form):
        services.confirm(self.request.user, self.object.pk, **form.cleaned_data)


class AdjustView(AssessmentStep):
    model = AssessmentLine
    form_class = AdjustForm
    title = gettext_lazy("调整得分")
    success_message = gettext_lazy("已调整得分，调整理由已记录。")
    template_name = "assessment/adjust_form.html"

    def get_initial(self):
        return {"version": self.object.assessment.version, "points": self.object.points}

    def perform(self, form):
        services.adjust_line(self.request.user, self.object.pk, **form.cleaned_data)
