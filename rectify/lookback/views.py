"""Pages of looking back (整改回头看), for the audit office: the samples with their re-check progress and the
re-occurrences after close-out; drawing a sample; a sample's items; recording a re-check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from rectify.core.actions import ObjectActionView
from rectify.core.exceptions import ActionRefused, add_refusal_to_form
from rectify.findings.models import Finding
from rectify.lookback import services
from rectify.lookback.forms import RecheckForm, SampleForm
from rectify.lookback.models import LookbackSample, SampleItem

SHOWN_REOCCURRENCES = 100


class AuditOfficeOnlyMixin(LoginRequiredMixin):
    """Looking back is the audit office's work: anyone else is answered 404 (existence does not leak)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.may_draw(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class LookbackView(AuditOfficeOnlyMixin, TemplateView):
    template_name = "lookback/index.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        links = services.reoccurrences(Finding.objects.restrict(user))
        shown = list(links[: SHOWN_REOCCURRENCES + 1])
        return super().get_context_data(
            samples=services.samples_with_progress(user),
            reoccurrences=shown[:SHOWN_REOCCURRENCES],
            more=len(shown) > SHOWN_REOCCURRENCES,
            **kwargs,
        )


class SampleCreateView(AuditOfficeOnlyMixin, FormView):
    template_name = "lookback/form.html"
    form_class = SampleForm

    def get_initial(self):
        from rectify.findings.warning import local_today

        today = local_today()
        return {
            "seed": int(today.strftime("%Y%m%d")),
            "size": 20,
            "title": _("%(year)s年整改回头看") % {"year": today.year},
        }

    def form_valid(self, form):
        data = form.cleaned_data
        rules = services.Rules(
            min_amount=data.get("min_amount"), categories=tuple(data.get("categories") or ()),
            repeat_history=data.get("repeat_history", False), false_history=data.get("false_history", False),
        )  # fmt: skip
        try:
            sample = services.draw_sample(
                self.request.user, title=data["title"], seed=data["seed"], size=data["size"], rules=rules
            )
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("已抽取 %(n)s 个问题。") % {"n": sample.items.count()})
        return redirect(sample)


class SampleDetailView(AuditOfficeOnlyMixin, TemplateView):
    template_name = "lookback/sample_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        sample = get_object_or_404(
            LookbackSample.objects.restrict(user).select_related("office", "drawn_by"), pk=kwargs["pk"]
        )
        items = list(sample.items.select_related("finding__unit", "finding__category", "auditor").order_by("position"))
        acting = LookbackSample.objects.restrict(user, "act").filter(pk=sample.pk).exists()
        return super().get_context_data(
            sample=sample,
            items=items,
            categories=list(sample.categories.all()),
            progress=services.progress(sample),
            acting=acting,
            **kwargs,
        )


class RecheckView(ObjectActionView):
    model = SampleItem
    form_class = RecheckForm
    title = gettext_lazy("登记复查结果")
    success_message = gettext_lazy("已登记复查结果。")
    refused_message = services.REFUSED

    def get_scoped_queryset(self):
        return SampleItem.objects.restrict(self.request.user).select_related("sample", "finding")

    def may_use(self, user) -> bool:
        return LookbackSample.objects.restrict(user, "act").filter(pk=self.object.sample_id).exists()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "auditors": services.auditor_choices(self.request.user.organization)}

    def get_initial(self):
        item = self.object
        return {
            "auditor": item.auditor_id, "result": item.result, "note": item.note, "checked_on": item.checked_on,
            "version": item.version,
        }  # fmt: skip

    def get_title(self) -> str:
        return f"{self.title}：{self.object.finding.ledger_number}"

    def perform(self, form):
        data = form.cleaned_data
        services.record_recheck(
            self.request.user, self.object, result=data["result"], note=data.get("note", ""),
            checked_on=data.get("checked_on"), auditor=data.get("auditor"), version=data.get("version"),
        )  # fmt: skip
