"""Pages of sharing: the subscriptions (scoped), asking for one, the audit office's decision, and the
findings a body's subscriptions open to it (read-only). Business rules are in ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from rectify.accounts.choices import AUDIT_ROLES, RoleCode
from rectify.core.actions import ObjectActionView, RefusedUnlessMixin
from rectify.core.exceptions import ActionRefused
from rectify.organizations.models import Organization
from rectify.sharing import services
from rectify.sharing.choices import PackageStatus, SubscriptionState
from rectify.sharing.forms import DecisionForm, RejectForm, SubscriptionForm
from rectify.sharing.models import InspectionPackage, Subscription
from rectify.sharing.scopes import is_supervisor_officer

PAGE = 50


class SubscriptionListView(LoginRequiredMixin, TemplateView):
    template_name = "sharing/subscription_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        subscriptions = Subscription.objects.restrict(user).select_related("subscriber", "unit", "sector", "category")
        state = self.request.GET.get("state", "")
        if state in SubscriptionState.values:
            subscriptions = subscriptions.filter(state=state)
        return super().get_context_data(
            subscriptions=list(subscriptions[:PAGE]),
            states=SubscriptionState.choices,
            state=state,
            can_request=services.may_request(user),
            **kwargs,
        )


class SubscriptionCreateView(LoginRequiredMixin, RefusedUnlessMixin, FormView):
    template_name = "sharing/subscription_form.html"
    form_class = SubscriptionForm
    refused_message = gettext_lazy("只有监督协作单位的人员可以申请订阅。")

    def may_use(self, user) -> bool:
        return services.may_request(user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            subscription = services.request_subscription(self.request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            if hasattr(refusal, "error_dict"):
                for field, errors in refusal.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                for message in refusal.messages:
                    form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("已提交订阅申请，等待审计机关审核。"))
        return redirect(subscription)


class SubscriptionDetailView(LoginRequiredMixin, TemplateView):
    template_name = "sharing/subscription_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        subscription = get_object_or_404(
            Subscription.objects.restrict(user).select_related(
                "subscriber", "unit", "sector", "category", "requested_by", "decided_by"
            ),
            pk=kwargs["pk"],
        )
        deciding = Subscription.objects.restrict(user, "act", roles=AUDIT_ROLES).filter(pk=subscription.pk).exists()
        own = is_supervisor_officer(user) and subscription.subscriber_id == user.organization_id
        pending = subscription.state == SubscriptionState.PENDING
        standing = subscription.state in (SubscriptionState.PENDING, SubscriptionState.APPROVED)
        return super().get_context_data(
            subscription=subscription,
            digests=list(subscription.digests.order_by("-period_end")[:10]),
            may_decide=deciding and pending,
            may_revoke=(deciding or own) and standing,
            may_export=own and subscription.state == SubscriptionState.APPROVED and bool(subscription.unit_id),
            **kwargs,
        )


class DecisionView(ObjectActionView):
    model = Subscription
    form_class = DecisionForm
    refused_message = gettext_lazy("只有订阅单位所在区域的审计机关可以审核订阅。")

    def may_use(self, user) -> bool:
        return bool(user.role_codes & AUDIT_ROLES)


class ApproveView(DecisionView):
    title = gettext_lazy("同意订阅")
    success_message = gettext_lazy("已同意订阅，订阅单位现在可以查阅所订阅的问题及整改情况。")

    def perform(self, form):
        services.approve_subscription(self.request.user, self.object, comment=form.cleaned_data["comment"])


class RejectView(DecisionView):
    form_class = RejectForm
    title = gettext_lazy("不同意订阅")
    success_message = gettext_lazy("已不同意该订阅申请，并告知订阅单位。")

    def perform(self, form):
        services.reject_subscription(self.request.user, self.object, comment=form.cleaned_data["comment"])


class RevokeView(ObjectActionView):
    model = Subscription
    form_class = DecisionForm
    title = gettext_lazy("撤销订阅")
    success_message = gettext_lazy("已撤销订阅，订阅单位不再能查阅相关问题。")
    refused_message = gettext_lazy("您不能撤销该订阅。")

    def may_use(self, user) -> bool:
        return bool(user.role_codes & (AUDIT_ROLES | {RoleCode.SUPERVISOR_OFFICER}))

    def perform(self, form):
        services.revoke_subscription(self.request.user, self.object, comment=form.cleaned_data["comment"])


# --- the inspection package of one unit (built by a job) ----------------------------------------------


class UnitPackageView(LoginRequiredMixin, View):
    """The user's packages of one unit (latest first) and the button that asks for a new one (POST). 404 when
    the user sees none of the unit's findings."""

    def get(self, request, pk: int):
        from rectify.findings.models import Finding

        unit = get_object_or_404(Organization.objects.restrict(request.user), pk=pk)
        if not Finding.objects.restrict(request.user).filter(unit=unit).exists():
            raise Http404
        packages = list(InspectionPackage.objects.restrict(request.user).filter(unit=unit)[:10])
        return render(request, "sharing/unit_package.html", {"unit": unit, "packages": packages})

    def post(self, request, pk: int):
        try:
            package = services.request_package(request.user, pk)
        except ActionRefused as refusal:
            raise Http404(refusal.messages[0]) from refusal
        messages.success(request, _("已开始生成巡察资料包，生成后可在本页下载。"))
        return redirect(package)


class PackageView(LoginRequiredMixin, View):
    """One package: queued, being built, ready (with its downloads) or failed; the page polls until it is done."""

    def get(self, request, pk: int):
        package = get_object_or_404(InspectionPackage.objects.restrict(request.user).select_related("unit"), pk=pk)
        template = "sharing/package_status.html" if request.htmx else "sharing/package.html"
        return render(request, template, {"package": package})


class PackageDownloadView(LoginRequiredMixin, View):
    FILES = {"xlsx": ("workbook", "xlsx"), "docx": ("document", "docx")}

    def get(self, request, pk: int, kind: str):
        package = get_object_or_404(
            InspectionPackage.objects.restrict(request.user).filter(status=PackageStatus.DONE).select_related("unit"),
            pk=pk,
        )
        field, extension = self.FILES[kind]
        day = timezone.localtime(package.finished_at).strftime("%Y%m%d")
        response = FileResponse(
            getattr(package, field).open("rb"), as_attachment=True,
            filename=f"{package.unit.name}巡察资料包{day}.{extension}",
        )  # fmt: skip
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
