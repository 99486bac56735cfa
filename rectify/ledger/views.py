"""The ledger's pages (layer 4, read models): the workbench, the ledger and its print, a finding's whole
record, the dashboard, and the project and organization pages with their own ledgers and figures.

They read across findings and rectification and write nothing; every write they offer is a link to a
view of the app that owns the action.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from rectify.accounts.scopes import jurisdiction_ids
from rectify.audits.models import AuditProject
from rectify.audits.scopes import can_work_on_project
from rectify.core.history import history_with_changes
from rectify.core.pagination import COUNT_CAP, BoundedPaginator, CountedPaginator
from rectify.core.panels import FINDING, ORGANIZATION, WORKBENCH, panels_for
from rectify.findings import services
from rectify.findings.filters import FindingFilterSet
from rectify.findings.models import Category, Finding, SavedView
from rectify.findings.scopes import SUMMARY_ROLES, sees_rows, summary_findings
from rectify.findings.tables import DEFAULT_COLUMNS, FindingTable, colour_badge
from rectify.findings.workflow import TRANSITIONS
from rectify.ledger.dashboard import dashboard_data
from rectify.ledger.figures import ledger_figures
from rectify.ledger.landing import OVERVIEW_ROLES, admin_links_for, guides_for, overview
from rectify.ledger.small_groups import min_group_size, note, suppress_small_groups, suppress_small_overview
from rectify.ledger.workbench import (
    figures_scope,
    filtered_figures,
    narrowed,
    page_fetcher,
    search_scope_size,
    summary_figures,
    tallied_spread,
    tallied_years,
    tasks_for,
)
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization
from rectify.rectification.evidence import PREVIEWABLE
from rectify.rectification.models import Plan

# How the finding page shows each step the services open to the user.
STEP_BUTTONS = {
    "edit": (gettext_lazy("修改问题"), "findings:finding-edit", "outline-secondary"),
    "plan": (gettext_lazy("制定整改方案"), "rectification:plan", "outline-primary"),
    "report": (gettext_lazy("报送整改情况"), "rectification:report", "primary"),
    "delay": (gettext_lazy("说明延期原因"), "rectification:delay", "outline-warning"),
    "decide_delay": (gettext_lazy("审核延期说明"), "rectification:delay-decide", "outline-warning"),
    "verify": (gettext_lazy("核实认定"), "rectification:verify", "success"),
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


def transition_reason(reason: str) -> str:
    """A change's reason as a reader reads it: a move of the finding is recorded as "<transition>: comment"
    (``perform_transition``), shown with the transition's label."""
    name, sep, comment = reason.partition(": ")
    if sep and name in TRANSITIONS:
        label = str(TRANSITIONS[name].label)
        return f"{label}：{comment}" if comment else label
    return reason


# A keyword search counts its rows up to this many: the word is tested on each row the count reads (a
# common word matches a third of a province's findings; 10,000 of them took 0.7 s to count).
SEARCH_COUNT_CAP = 1000


class LedgerView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """The ledger (整改台账): every finding the user may see, with its warning colour.

    Filter changes come by htmx and get only the table back; the URL keeps every filter, so a
    view can be shared, saved, printed or exported as it is. The table alone pages the rows (the
    list view does not), and it takes their number from the figures, so the rows are counted once.
    """

    table_class = FindingTable
    filterset_class = FindingFilterSet
    template_name = "ledger/ledger.html"
    paginate_by = None  # the table pages, not the list view
    per_page = 50

    def dispatch(self, request, *args, **kwargs):
        # A role that sees figures but no rows (the committee office, the government, the congress,
        # the discipline commission, the administrators) would find an empty ledger: its workbench
        # holds what it may use.
        if request.user.is_authenticated and not sees_rows(request.user):
            messages.info(request, gettext("您的角色不查看逐条问题，整改台账对您为空；您可使用的内容在工作台。"))
            return redirect("ledger:workbench")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Finding.objects.restrict(self.request.user).with_colour().select_related("project", "unit", "category")

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        filterset.scope_size = lambda filterset: search_scope_size(self.request.user, filterset)
        return filterset

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "ledger-table":
            return ["ledger/ledger_table.html"]
        return [self.template_name]

    def chosen_columns(self) -> list[str]:
        chosen = self.request.session.get("ledger_columns") or list(DEFAULT_COLUMNS)
        return [c for c in chosen if c in FindingTable.base_columns]

    def get_table_kwargs(self):
        chosen = set(self.chosen_columns())
        return {"exclude": [name for name in FindingTable.base_columns if name not in chosen]}

    # The figures of the whole filtered set cost a pass over it (a million findings for a province): the
    # page leaves them out and its figures panel loads them beside the rows (LedgerFiguresView).
    figures_inline = False

    @cached_property
    def figures(self) -> dict | None:
        if not self.figures_inline:
            return None
        return filtered_figures(self.request.user, self.filterset.plain_q(), self.object_list)

    def get_table_pagination(self, table):
        per_page = self.request.GET.get("per_page", "")
        per_page = int(per_page) if per_page in {"20", "50", "100", "200"} else self.per_page
        if self.figures_inline:
            return {"per_page": per_page, "paginator_class": CountedPaginator, "count": self.figures["total"]}
        cap = SEARCH_COUNT_CAP if self.request.GET.get("q", "").strip() else COUNT_CAP
        plain = self.filterset.plain_parts()
        spread = tallied_spread(self.request.user, *plain) if plain is not None else None
        known = sum(spread.values()) if spread is not None else None
        fetch = page_fetcher(self.request.user, lambda: table.data.data, self.filterset, spread)
        return {"per_page": per_page, "paginator_class": BoundedPaginator, "cap": cap, "known": known, "fetch": fetch}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(filter_options(user))
        context.update(picked(user, self.request.GET))
        context.update(
            columns=[(name, column.verbose_name) for name, column in FindingTable.base_columns.items()],
            chosen_columns=self.chosen_columns(),
            saved_views=SavedView.objects.restrict(user),
            query=self.request.GET.urlencode(),
            figures=self.figures,
        )
        return context


def filter_options(user) -> dict:
    """The choices the filter forms offer as lists: the years and the categories.

    Projects, units and competent departments (thousands in a province) are not listed: the ledger and the
    dashboard offer them through pickers
    that search as one types (``FilterChoicesView``), so the page's size does not grow with the data.
    """
    return {
        "years": tallied_years(user, jurisdiction_ids(user)),
        "categories": Category.objects.select_related("parent").order_by("code"),
    }


# How many matches a picker offers at once; the user types more to narrow them.
PICKER_LIMIT = 20


def _picker_rows(user, kind: str):
    """The rows a picker chooses among, through the ledger's scopes, and how each is labelled."""
    if kind == "project":
        rows = AuditProject.objects.restrict(user).order_by("-year", "sequence").only("pk", "name", "year")
        return rows, lambda p: f"{p.year} {p.name}"
    rows = Organization.objects.restrict(user).order_by("code", "pk").only("pk", "name")
    if kind == "unit":
        rows = rows.filter(pk__in=Finding.objects.restrict(user).order_by().values("unit_id"))
    else:
        rows = rows.filter(kind=OrganizationKind.COMPETENT_DEPARTMENT)
    return rows, lambda o: o.name


def picker_choices(user, kind: str, text: str = "", chosen: str | None = None) -> list[tuple[int, str]]:
    """Up to PICKER_LIMIT (id, label) of the projects, units or competent departments the user may filter
    the ledger by whose name contains ``text``, the ``chosen`` one first (through the same scopes as the
    ledger: what the user may not see is never offered)."""
    rows, label = _picker_rows(user, kind)
    text = (text or "").strip()[:50]
    matching = rows
    if text and kind == "project":
        matching = rows.filter(Q(name__icontains=text) | Q(report_number__icontains=text))
    elif text:
        matching = rows.filter(name__icontains=text)
    found = [(row.pk, label(row)) for row in matching[:PICKER_LIMIT]]
    if chosen and chosen.isdigit() and all(str(pk) != chosen for pk, _label in found):
        found = [(row.pk, label(row)) for row in rows.filter(pk=int(chosen))[:1]] + found
    return found


def picked(user, params) -> dict:
    """The project, unit and department the ledger is filtered by, with their labels (for the pickers)."""
    chosen = {}
    for kind in FilterChoicesView.KINDS:
        value = params.get(kind)
        if value and value.isdigit():
            rows, label = _picker_rows(user, kind)
            row = rows.filter(pk=int(value)).first()
            chosen[f"picked_{kind}"] = (row.pk, label(row)) if row else None
    return chosen


class FilterChoicesView(LoginRequiredMixin, TemplateView):
    """The options of a ledger picker (project, unit, competent department) matching what was typed."""

    template_name = "ledger/picker_options.html"
    KINDS = ("project", "unit", "department")

    def get_context_data(self, **kwargs):
        from django.http import Http404

        kind = self.kwargs["kind"]
        if kind not in self.KINDS:
            raise Http404
        chosen = self.request.GET.get(kind)
        context = super().get_context_data(**kwargs)
        context.update(
            options=picker_choices(self.request.user, kind, self.request.GET.get("q", ""), chosen),
            chosen=chosen or "",
            limit=PICKER_LIMIT,
        )
        return context


class LedgerFiguresView(LedgerView):
    """The figures panel of the ledger as filtered (the same query string), loaded beside its rows."""

    template_name = "ledger/ledger_figures.html"
    figures_inline = True

    def get_template_names(self):
        return [self.template_name]

    def get_context_data(self, **kwargs):
        return {"figures": self.figures, "filter": kwargs.get("filter") or self.filterset}

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        valid = not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict()
        self.object_list = self.filterset.qs if valid else self.filterset.queryset.none()
        return self.render_to_response(self.get_context_data(filter=self.filterset))


class LedgerPrintView(LedgerView):
    """The filtered ledger on A4 paper: every row (up to a bound), no controls."""

    template_name = "ledger/ledger_print.html"
    PRINT_LIMIT = 2000
    figures_inline = True  # on paper, the figures and the count are printed with the rows

    def get_template_names(self):
        return [self.template_name]

    def get_table_pagination(self, table):
        return {**super().get_table_pagination(table), "per_page": self.PRINT_LIMIT}


class FindingDetailView(LoginRequiredMixin, DetailView):
    """A finding with its facts, requirements, plan, report rounds, verifications and timeline."""

    template_name = "ledger/finding_detail.html"
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
        reports = list(
            finding.reports.prefetch_related("evidence", "rules", "accountability").select_related(
                "submitted_by", "verification__verifier"
            )
        )
        context.update(
            colour_badge=colour_badge(finding.colour),
            requirements=finding.requirements.all(),
            plan=Plan.objects.restrict(user).filter(finding=finding).prefetch_related("milestones").first(),
            reports=reports,
            verified=any(hasattr(report, "verification") for report in reports),
            events=finding.events.select_related("actor"),
            repeats=Finding.objects.restrict(user).filter(repeated_by=finding),
            repeated_by=Finding.objects.restrict(user).filter(repeats=finding),
            actions=finding_actions(user, finding),
            previewable=PREVIEWABLE,
            history=history_with_changes(finding.history, reason_label=transition_reason),
            panels=panels_for(FINDING, user, finding),
        )
        return context


class FindingPrintView(FindingDetailView):
    """The finding's whole record on A4 paper."""

    template_name = "ledger/finding_print.html"


class WorkbenchView(LoginRequiredMixin, TemplateView):
    """The landing page: what awaits me, most urgent first, and the figures of my scope."""

    template_name = "ledger/workbench.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        rows = sees_rows(user)
        has_figures = rows or bool(user.role_codes & SUMMARY_ROLES)
        findings = summary_findings(user) if has_figures else None
        figures = summary_figures(user) if has_figures else None  # from the tallies where they express the scope
        small = None
        if figures and not rows and 0 < figures["total"] < min_group_size():
            figures, small = None, note(min_group_size())  # figures only: too few findings to show any
        counts = None
        if has_figures and user.role_codes & OVERVIEW_ROLES and not small:
            counts = overview(findings, with_links=rows, tally_scope=figures_scope(user))
            if not rows:
                counts = suppress_small_overview(counts)
        context.update(
            tasks=tasks_for(user),
            panels=panels_for(WORKBENCH, user),
            figures=figures,
            figures_suppressed=small,
            guides=guides_for(user),
            admin_links=admin_links_for(user),
            overview=counts,
        )
        return context


class DashboardView(LoginRequiredMixin, TemplateView):
    """Charts of the ledger (驾驶舱); filtered with the ledger's own filters."""

    template_name = "ledger/dashboard.html"

    def get_context_data(self, **kwargs):
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
        filtered = filterset.is_bound and filterset.is_valid()
        findings = filterset.qs if filtered else summary_findings(user)
        # From the tallies when they keep the filters too (year, type, department, category); else counted.
        tallied = narrowed(figures_scope(user), filterset.plain_q() if filtered else Q())
        data = dashboard_data(findings, with_rows=rows, tally_scope=tallied)
        if not rows:  # figures only: no group smaller than RECTIFY_MIN_GROUP_SIZE (one finding's unit and amount)
            data = suppress_small_groups(data)
        context = super().get_context_data(**kwargs)
        context.update(filter_options(user))
        context.update(picked(user, params))
        context.update(
            filter=filterset,
            data=data,
            clickable=rows,
            query=params.urlencode(),
        )
        return context


# The dashboard filters open to those who see figures but not ledger rows.
SUMMARY_FILTERS = frozenset({"year", "audit_type", "department", "kind", "category"})


class ProjectDetailView(LoginRequiredMixin, DetailView):
    """A project with its own ledger and figures, and its units' earlier findings still open."""

    template_name = "ledger/project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        return get_object_or_404(
            AuditProject.objects.restrict(self.request.user).select_related("audit_office", "leader"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project: AuditProject = self.object
        user = self.request.user
        visible = Finding.objects.restrict(user)
        own = visible.filter(project=project).with_colour().select_related("project", "unit", "category")
        table = FindingTable(own, prefix="f-")
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        earlier_open = (
            visible.open_from_earlier_audits(project).with_colour().select_related("project", "unit", "category")
        )
        earlier_table = FindingTable(earlier_open, prefix="e-")
        RequestConfig(self.request, paginate={"per_page": 20}).configure(earlier_table)
        context.update(
            table=table,
            earlier_table=earlier_table,
            earlier_count=earlier_open.count(),
            figures=ledger_figures(own),
            units=project.units.all(),
            can_record=can_work_on_project(user, project),
            drafts=own.filter(state="draft").count(),
        )
        return context


class OrganizationDetailView(LoginRequiredMixin, DetailView):
    """An organization with its ledger (its own findings and those of the units under it) and figures."""

    template_name = "ledger/organization_detail.html"
    context_object_name = "organization"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Organization.objects.restrict(self.request.user).select_related("competent_department", "sector"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org: Organization = self.object
        user = self.request.user
        findings = (
            Finding.objects.restrict(user)
            .filter(unit_id__in=org.subtree_ids())
            .with_colour()
            .select_related("project", "unit", "category")
        )
        table = FindingTable(findings)
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        context.update(
            table=table,
            figures=ledger_figures(findings),
            subordinates=Organization.objects.restrict(user).filter(competent_department=org),
            projects=AuditProject.objects.restrict(user).filter(units=org).order_by("-year")[:20],
            panels=panels_for(ORGANIZATION, user, org),
        )
        return context
