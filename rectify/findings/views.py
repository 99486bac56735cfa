from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from rectify.core.actions import ObjectActionView, RefusedUnlessMixin
from rectify.core.exceptions import ActionRefused, add_refusal_to_form
from rectify.findings import services
from rectify.findings.choices import FindingState
from rectify.findings.forms import FindingForm
from rectify.findings.models import Finding, SavedView
from rectify.findings.scopes import sees_rows
from rectify.findings.tables import DEFAULT_COLUMNS, FindingTable

# The ledger's own settings (its columns, its saved filters) are for those who see its rows.
LEDGER_SETTINGS_REFUSED = gettext_lazy("您的角色不查看整改台账明细，无需设置台账。")


class LedgerSettingsMixin(RefusedUnlessMixin):
    refused_message = LEDGER_SETTINGS_REFUSED

    def may_use(self, user) -> bool:
        return sees_rows(user)


class LedgerColumnsView(LoginRequiredMixin, LedgerSettingsMixin, View):
    """Remembers which ledger columns the user wants."""

    def post(self, request):
        chosen = [c for c in request.POST.getlist("columns") if c in FindingTable.base_columns]
        request.session["ledger_columns"] = chosen or list(DEFAULT_COLUMNS)
        return redirect(reverse("ledger:ledger") + "?" + request.POST.get("query", ""))


class SavedViewCreateView(LoginRequiredMixin, LedgerSettingsMixin, View):
    """Saves the current filters and columns under a name (saving the same name again replaces it)."""

    def post(self, request):
        name = (request.POST.get("name") or "").strip()[:50]
        query = request.POST.get("query", "")
        if not name:
            messages.error(request, _("请为常用筛选填写名称。"))
        else:
            services.save_ledger_view(
                request.user, name=name, query=query, columns=request.session.get("ledger_columns") or []
            )
            messages.success(request, _("已保存常用筛选「%(name)s」。") % {"name": name})
        return redirect(reverse("ledger:ledger") + "?" + query)


class SavedViewOpenView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        saved = get_object_or_404(SavedView.objects.restrict(request.user), pk=pk)
        if saved.columns:
            request.session["ledger_columns"] = saved.columns
        return redirect(reverse("ledger:ledger") + "?" + saved.query)

    def post(self, request, pk: int):
        saved = get_object_or_404(SavedView.objects.restrict(request.user), pk=pk)
        saved._history_user = request.user
        saved.delete()
        messages.success(request, _("已删除常用筛选「%(name)s」。") % {"name": saved.name})
        return redirect("ledger:ledger")


class FindingCreateView(LoginRequiredMixin, RefusedUnlessMixin, FormView):
    """An auditor records a finding during fieldwork."""

    template_name = "findings/finding_form.html"
    form_class = FindingForm
    refused_message = gettext_lazy("只有审计机关的审计人员可以登记审计查出问题。")

    def may_use(self, user) -> bool:
        return services.can_record_findings(user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        return {"project": self.request.GET.get("project"), "unit": self.request.GET.get("unit")}

    def post(self, request, *args, **kwargs):
        if "repeats_search" in request.POST:
            # Without JavaScript the repeat picker's search button posts the form back: the page comes
            # again with what was typed and the matches to tick; nothing is checked or saved yet.
            initial = {
                name: request.POST.getlist(name) if name == "repeats" else request.POST.get(name)
                for name in request.POST
                if name not in ("csrfmiddlewaretoken", "repeats_search")
            }
            form = FindingForm(user=request.user, initial=initial, search_repeats=request.POST.get("repeats_q", ""))
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            finding = services.create_finding(
                self.request.user,
                project=data["project"],
                unit=data["unit"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                requirements=form.requirement_list(),
                amount_involved=data["amount_involved"],
                kind=data["kind"],
                deadline=data["deadline"],
                legal_basis=data["legal_basis"],
                disclosure=data["disclosure"],
                rectified_during_audit=data["rectified_during_audit"],
                repeats=list(data["repeats"]),
            )
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记问题 %(number)s。") % {"number": finding.ledger_number})
        return redirect(finding)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("登记审计查出问题"), **kwargs)


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()][:100]


class RepeatSearchView(LoginRequiredMixin, View):
    """The repeat picker's search (HTMX): the earlier findings the user may see whose number or summary
    holds the words typed, the chosen project's units first, at most ``REPEAT_SEARCH_LIMIT``, leaving out
    those already chosen (``repeats``)."""

    def get(self, request):
        from rectify.audits.models import AuditProject

        project_id = request.GET.get("project", "")
        project = (
            AuditProject.objects.restrict(request.user).filter(pk=int(project_id)).first()
            if project_id.isdigit()
            else None
        )
        found = services.repeat_candidates(
            request.user,
            project=project,
            text=request.GET.get("repeats_q", "")[:100],
            exclude=_ids(request.GET.getlist("repeats")),
        )
        return render(request, "findings/repeat_results.html", {"found": found, "limit": services.REPEAT_SEARCH_LIMIT})


class RepeatPickView(LoginRequiredMixin, View):
    """Adds a found finding to the picker's chosen ones (HTMX): a checked box named ``repeats``, and the
    match taken out of the results. Outside the user's scope: 404."""

    def get(self, request):
        pk = request.GET.get("finding", "")
        visible = Finding.objects.restrict(request.user).exclude(state=FindingState.DRAFT)
        if not pk.isdigit():
            raise Http404
        finding = get_object_or_404(visible.select_related("unit", "project"), pk=int(pk))
        already = finding.pk in _ids(request.GET.getlist("repeats"))
        context = {"finding": None if already else finding, "picked": finding.pk, "name": "repeats"}
        return render(request, "findings/repeat_picked.html", context)


class FindingUpdateView(ObjectActionView):
    model = Finding
    form_class = FindingForm
    template_name = "findings/finding_form.html"
    title = gettext_lazy("修改问题")
    success_message = gettext_lazy("问题已修改。")
    refused_message = services.RECORDING_REFUSED

    def may_use(self, user) -> bool:
        return services.may_correct(user, self.object)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, finding=self.object)
        return kwargs

    def get_initial(self):
        f = self.object
        return {
            "project": f.project_id, "unit": f.unit_id, "title": f.title, "description": f.description,
            "category": f.category_id, "legal_basis": f.legal_basis, "amount_involved": f.amount_involved,
            "requirements": "\n".join(r.text for r in f.requirements.all()), "kind": f.kind,
            "deadline": f.deadline, "disclosure": f.disclosure, "rectified_during_audit": f.rectified_during_audit,
            "repeats": list(f.repeats.values_list("pk", flat=True)), "version": f.version,
        }  # fmt: skip

    def perform(self, form) -> None:
        data = form.cleaned_data
        changes = {
            field: data[field]
            for field in ("unit", "title", "description", "category", "legal_basis", "amount_involved", "kind",
                          "deadline", "disclosure", "rectified_during_audit")
            if data[field] != getattr(self.object, field)
        }  # fmt: skip
        if changes or form.requirement_list() != [r.text for r in self.object.requirements.all()]:
            services.correct_finding(
                self.request.user,
                self.object,
                reason=data.get("reason", ""),
                requirements=form.requirement_list(),
                version=data.get("version"),
                **changes,
            )
