from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from rectify.core.actions import ObjectActionView
from rectify.core.exceptions import ActionRefused
from rectify.core.history import history_with_changes
from rectify.findings import services
from rectify.findings.figures import ledger_figures
from rectify.findings.filters import FindingFilterSet
from rectify.findings.forms import FindingForm
from rectify.findings.models import Category, Finding, SavedView
from rectify.findings.tables import DEFAULT_COLUMNS, FindingTable, colour_badge
from rectify.findings.workflow import TRANSITIONS
from rectify.rectification.models import Plan
from rectify.rectification.views import PREVIEWABLE

# How the finding page shows each step the services open to the user.
STEP_BUTTONS = {
    "edit": (_lazy("修改问题"), "findings:finding-edit", "outline-secondary"),
    "plan": (_lazy("制定整改方案"), "rectification:plan", "outline-primary"),
    "report": (_lazy("报送整改情况"), "rectification:report", "primary"),
    "delay": (_lazy("说明延期原因"), "rectification:delay", "outline-warning"),
    "verify": (_lazy("核实认定"), "rectification:verify", "success"),
}


def finding_actions(user, finding: Finding) -> list[dict]:
    """The buttons the finding page offers this user now."""
    buttons = []
    for step in services.steps_open_to(user, finding):
        if step in STEP_BUTTONS:
            label, url_name, style = STEP_BUTTONS[step]
            url = reverse(url_name, args=[finding.pk])
        else:
            label, style = TRANSITIONS[step].label, "danger" if step == "return" else "outline-primary"
            url = reverse("rectification:transition", args=[finding.pk, step])
        buttons.append({"label": label, "url": url, "style": style})
    return buttons


class LedgerView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """The ledger (整改台账): every finding the user may see, with its warning colour.

    Filter changes come by htmx and get only the table back; the URL keeps every filter, so a
    view can be shared, saved, printed or exported as it is.
    """

    table_class = FindingTable
    filterset_class = FindingFilterSet
    template_name = "findings/ledger.html"
    paginate_by = 50

    def get_queryset(self):
        return Finding.objects.restrict(self.request.user).with_colour().select_related("project", "unit", "category")

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "ledger-table":
            return ["findings/ledger_table.html"]
        return [self.template_name]

    def chosen_columns(self) -> list[str]:
        chosen = self.request.session.get("ledger_columns") or list(DEFAULT_COLUMNS)
        return [c for c in chosen if c in FindingTable.base_columns]

    def get_table_kwargs(self):
        chosen = set(self.chosen_columns())
        return {"exclude": [name for name in FindingTable.base_columns if name not in chosen]}

    def get_table_pagination(self, table):
        per_page = self.request.GET.get("per_page", "")
        return {"per_page": int(per_page) if per_page in {"20", "50", "100", "200"} else self.paginate_by}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(filter_options(user))
        context.update(
            columns=[(name, column.verbose_name) for name, column in FindingTable.base_columns.items()],
            chosen_columns=self.chosen_columns(),
            saved_views=SavedView.objects.restrict(user),
            query=self.request.GET.urlencode(),
            figures=ledger_figures(self.object_list),
        )
        return context


def filter_options(user) -> dict:
    """The choices the ledger's filter form offers: only what the user may see."""
    from rectify.audits.models import AuditProject
    from rectify.organizations.choices import OrganizationKind
    from rectify.organizations.models import Organization

    visible = Finding.objects.restrict(user)
    organizations = Organization.objects.restrict(user)
    return {
        "years": sorted(set(visible.values_list("project__year", flat=True).distinct()), reverse=True),
        "projects": AuditProject.objects.restrict(user).order_by("-year", "sequence").only("pk", "name", "year"),
        "units": organizations.filter(pk__in=visible.values("unit_id")).only("pk", "name"),
        "departments": organizations.filter(kind=OrganizationKind.COMPETENT_DEPARTMENT).only("pk", "name"),
        "categories": Category.objects.select_related("parent").order_by("code"),
    }


class LedgerColumnsView(LoginRequiredMixin, View):
    """Remembers which ledger columns the user wants."""

    def post(self, request):
        chosen = [c for c in request.POST.getlist("columns") if c in FindingTable.base_columns]
        request.session["ledger_columns"] = chosen or list(DEFAULT_COLUMNS)
        return redirect(reverse("findings:ledger") + "?" + request.POST.get("query", ""))


class SavedViewCreateView(LoginRequiredMixin, View):
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
        return redirect(reverse("findings:ledger") + "?" + query)


class SavedViewOpenView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        saved = get_object_or_404(SavedView.objects.restrict(request.user), pk=pk)
        if saved.columns:
            request.session["ledger_columns"] = saved.columns
        return redirect(reverse("findings:ledger") + "?" + saved.query)

    def post(self, request, pk: int):
        saved = get_object_or_404(SavedView.objects.restrict(request.user), pk=pk)
        saved._history_user = request.user
        saved.delete()
        messages.success(request, _("已删除常用筛选「%(name)s」。") % {"name": saved.name})
        return redirect("findings:ledger")


class LedgerPrintView(LedgerView):
    """The filtered ledger on A4 paper: every row (up to a bound), no controls."""

    template_name = "findings/ledger_print.html"
    PRINT_LIMIT = 2000

    def get_template_names(self):
        return [self.template_name]

    def get_table_pagination(self, table):
        return {"per_page": self.PRINT_LIMIT}


class FindingDetailView(LoginRequiredMixin, DetailView):
    """A finding with its facts, requirements, plan, report rounds, verifications and timeline."""

    template_name = "findings/finding_detail.html"
    context_object_name = "finding"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Finding.objects.restrict(self.request.user).select_related(
                "project", "unit", "category__parent", "created_by"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finding: Finding = self.object
        user = self.request.user
        context.update(
            colour_badge=colour_badge(finding.colour),
            requirements=finding.requirements.all(),
            plan=Plan.objects.restrict(user).filter(finding=finding).prefetch_related("milestones").first(),
            reports=finding.reports.prefetch_related("evidence", "rules", "accountability").select_related(
                "submitted_by", "verification__verifier"
            ),
            events=finding.events.select_related("actor"),
            repeats=Finding.objects.restrict(user).filter(repeated_by=finding),
            repeated_by=Finding.objects.restrict(user).filter(repeats=finding),
            actions=finding_actions(user, finding),
            previewable=PREVIEWABLE,
            history=history_with_changes(finding.history),
        )
        return context


# --- actions ------------------------------------------------------------------------------


class FindingCreateView(LoginRequiredMixin, FormView):
    """An auditor records a finding during fieldwork."""

    template_name = "findings/finding_form.html"
    form_class = FindingForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        return {"project": self.request.GET.get("project"), "unit": self.request.GET.get("unit")}

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
            for message in refusal.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记问题 %(number)s。") % {"number": finding.ledger_number})
        return redirect(finding)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("登记审计查出问题"), **kwargs)


class FindingUpdateView(ObjectActionView):
    model = Finding
    form_class = FindingForm
    template_name = "findings/finding_form.html"
    title = _("修改问题")
    success_message = _("问题已修改。")

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
            "repeats": list(f.repeats.values_list("pk", flat=True)),
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
                **changes,
            )


class WorkbenchView(LoginRequiredMixin, TemplateView):
    """The landing page: what awaits me, most urgent first, and the figures of my scope."""

    template_name = "findings/workbench.html"

    def get_context_data(self, **kwargs):
        from rectify.findings.figures import ledger_figures
        from rectify.findings.scopes import SUMMARY_ROLES, sees_rows, summary_findings
        from rectify.findings.workbench import tasks_for

        user = self.request.user
        context = super().get_context_data(**kwargs)
        has_figures = sees_rows(user) or bool(user.role_codes & SUMMARY_ROLES)
        context.update(
            tasks=tasks_for(user),
            figures=ledger_figures(summary_findings(user)) if has_figures else None,
        )
        return context


class DashboardView(LoginRequiredMixin, TemplateView):
    """Charts of the ledger (驾驶舱); filtered with the ledger's own filters."""

    template_name = "findings/dashboard.html"

    def get_context_data(self, **kwargs):
        from rectify.findings.dashboard import dashboard_data
        from rectify.findings.scopes import sees_rows, summary_findings

        user = self.request.user
        rows = sees_rows(user)
        params = self.request.GET
        if not rows:
            # Figures only: filters that could single out one finding's text or unit are not offered.
            params = params.copy()
            for key in list(params):
                if key not in SUMMARY_FILTERS:
                    del params[key]
        filterset = FindingFilterSet(params or None, queryset=summary_findings(user))
        findings = filterset.qs if filterset.is_bound and filterset.is_valid() else summary_findings(user)
        context = super().get_context_data(**kwargs)
        context.update(filter_options(user))
        context.update(
            filter=filterset,
            data=dashboard_data(findings, with_rows=rows),
            clickable=rows,
            query=params.urlencode(),
        )
        return context


# The dashboard filters open to those who see figures but not ledger rows.
SUMMARY_FILTERS = frozenset({"year", "audit_type", "department", "kind", "category"})


class FindingPrintView(FindingDetailView):
    """The finding's whole record on A4 paper."""

    template_name = "findings/finding_print.html"
