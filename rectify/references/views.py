"""Pages of the references (source 三(六)): the cadre reference (list, one audited leader, its printable
page), the budget reference (the ranking of units, one unit's history), and the deliveries (list, sending,
acknowledging). Whoever reads neither reference gets 404, as for anything outside one's scope. The Excel
exports are written in ``rectify.exchange.references``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from rectify.audits.models import AuditProject
from rectify.core.actions import ObjectActionView, RefusedUnlessMixin
from rectify.core.exceptions import ActionRefused, add_refusal_to_form
from rectify.organizations.models import Organization
from rectify.references import readers, services
from rectify.references.choices import DeliveryState
from rectify.references.filters import BudgetFilterForm, CadreReferenceFilterSet, DeliveryFilterSet
from rectify.references.forms import AcknowledgeForm, SendForm
from rectify.references.models import ReferenceDelivery
from rectify.references.scopes import RECIPIENT_ROLE, reads_budget_reference, reads_cadre_reference
from rectify.references.tables import BudgetRankingTable, DeliveryTable

PAGE = 50


class CadreReaderMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not reads_cadre_reference(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class BudgetReaderMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not reads_budget_reference(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


# --- the cadre reference ------------------------------------------------------------------------------


class CadreListView(CadreReaderMixin, TemplateView):
    template_name = "references/cadre_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        filterset = CadreReferenceFilterSet(self.request.GET or None, queryset=readers.cadre_projects(user))
        projects = filterset.qs if filterset.is_bound else filterset.queryset
        if filterset.is_bound and not filterset.is_valid():
            projects = projects.none()
        page = Paginator(projects, PAGE).get_page(self.request.GET.get("page"))
        rows = list(page.object_list.prefetch_related("units"))
        figures = readers.cadre_figures(user, [project.pk for project in rows])
        query = self.request.GET.copy()
        query.pop("page", None)
        listed = AuditProject.units.through.objects.filter(
            auditproject_id__in=readers.cadre_projects(user).values("pk")
        )
        units = Organization.objects.filter(pk__in=listed.values("organization_id")).order_by("code").only("pk", "name")
        return super().get_context_data(
            filter=filterset,
            units=units,
            page_obj=page,
            rows=[(project, figures[project.pk]) for project in rows],
            query=query.urlencode(),
            may_send=services.may_send(user),
            **kwargs,
        )


class CadreDetailView(CadreReaderMixin, TemplateView):
    template_name = "references/cadre_detail.html"

    def get_context_data(self, **kwargs):
        project = get_object_or_404(readers.cadre_projects(self.request.user), pk=kwargs["pk"])
        return super().get_context_data(**readers.cadre_detail(self.request.user, project), **kwargs)


class CadrePrintView(CadreDetailView):
    template_name = "references/cadre_print.html"


# --- the budget reference -----------------------------------------------------------------------------


class BudgetRankingView(BudgetReaderMixin, TemplateView):
    template_name = "references/budget_ranking.html"

    def get_context_data(self, **kwargs):
        form = BudgetFilterForm(self.request.GET or None)
        values = form.values()
        ranking = readers.budget_ranking(self.request.user, year=values["year"], sector=values["sector"])
        table = BudgetRankingTable([row.as_dict() for row in ranking["rows"]], year=values["year"])
        RequestConfig(self.request, paginate={"per_page": 100}).configure(table)
        query = self.request.GET.copy()
        for name in ("page", "sort"):
            query.pop(name, None)
        return super().get_context_data(
            form=form, table=table, total=ranking["total"], years=ranking["years"], year=values["year"],
            query=query.urlencode(), may_send=services.may_send(self.request.user), **kwargs,
        )  # fmt: skip


class BudgetUnitView(BudgetReaderMixin, TemplateView):
    template_name = "references/budget_unit.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not readers.reads_budget_unit(user, kwargs["pk"]):
            raise Http404
        unit = get_object_or_404(Organization.objects.select_related("sector"), pk=kwargs["pk"])
        form = BudgetFilterForm(self.request.GET or None)
        year = form.values()["year"]
        return super().get_context_data(**readers.budget_unit(user, unit, year=year), year=year, **kwargs)


# --- deliveries ---------------------------------------------------------------------------------------


class DeliveryMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (services.may_send(user) or services.may_acknowledge(user)):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class DeliveryListView(DeliveryMixin, SingleTableMixin, FilterView):
    table_class = DeliveryTable
    filterset_class = DeliveryFilterSet
    template_name = "references/delivery_list.html"

    def get_queryset(self):
        return ReferenceDelivery.objects.restrict(self.request.user).select_related("office", "recipient")

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_send=services.may_send(self.request.user), **kwargs)


class DeliveryDetailView(DeliveryMixin, TemplateView):
    template_name = "references/delivery_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        delivery = get_object_or_404(
            ReferenceDelivery.objects.restrict(user).select_related(
                "office", "recipient", "sent_by", "acknowledged_by"
            ),
            pk=kwargs["pk"],
        )
        acting = (
            ReferenceDelivery.objects.restrict(user, "act", roles=frozenset(RECIPIENT_ROLE.values()))
            .filter(pk=delivery.pk)
            .exists()
        )
        return super().get_context_data(
            delivery=delivery, may_acknowledge=acting and delivery.state == DeliveryState.SENT, **kwargs
        )


class SendView(LoginRequiredMixin, RefusedUnlessMixin, FormView):
    template_name = "references/send_form.html"
    form_class = SendForm
    refused_message = gettext_lazy("只有审计机关的审计人员可以报送结果运用参考。")

    def may_use(self, user) -> bool:
        return services.may_send(user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = {}
        for name in ("kind", "year"):
            if self.request.GET.get(name):
                initial[name] = self.request.GET[name]
        return initial

    def form_valid(self, form):
        try:
            delivery = services.send_reference(self.request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(
            self.request, _("已将%(reference)s报送「%(org)s」，等待签收。")
            % {"reference": delivery.get_kind_display(), "org": delivery.recipient}
        )  # fmt: skip
        return redirect(delivery)


class AcknowledgeView(ObjectActionView):
    model = ReferenceDelivery
    form_class = AcknowledgeForm
    title = gettext_lazy("签收结果运用参考")
    success_message = gettext_lazy("已签收。")
    refused_message = gettext_lazy("只有接收单位可以签收。")

    def may_use(self, user) -> bool:
        return services.may_acknowledge(user)

    def perform(self, form):
        services.acknowledge_reference(self.request.user, self.object, comment=form.cleaned_data["comment"])
