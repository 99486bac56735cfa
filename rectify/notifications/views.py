"""The inbox pages: list, open (marks read and follows the link), mark read, mark all read, preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from rectify.core.exceptions import ActionRefused
from rectify.notifications import services
from rectify.notifications.channels import CHANNELS
from rectify.notifications.filters import NotificationFilterSet
from rectify.notifications.models import Notification


class InboxView(LoginRequiredMixin, ListView):
    template_name = "notifications/inbox.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        self.filterset = NotificationFilterSet(
            self.request.GET, queryset=Notification.objects.restrict(self.request.user)
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["only_unread"] = self.request.GET.get("unread") in ("true", "True", "1")
        context["unread"] = services.unread_count(self.request.user)
        return context


def _back(request) -> str:
    target = request.POST.get("next") or reverse("notifications:inbox")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("notifications:inbox")
    return target


class OpenView(LoginRequiredMixin, View):
    """Marks the notification read and goes to what it is about."""

    def post(self, request, pk: int):
        try:
            notification = services.mark_read(request.user, pk)
        except ActionRefused:
            # Someone else's notification reads as one that does not exist: 404, as everywhere.
            raise Http404 from None
        return HttpResponseRedirect(notification.url or reverse("notifications:inbox"))


class MarkReadView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        try:
            services.mark_read(request.user, pk)
        except ActionRefused:
            raise Http404 from None
        messages.success(request, _("已标记为已读。"))
        return HttpResponseRedirect(_back(request))


class MarkAllReadView(LoginRequiredMixin, View):
    def post(self, request):
        count = services.mark_all_read(request.user)
        messages.success(request, _("已将 %(count)d 条通知标记为已读。") % {"count": count})
        return HttpResponseRedirect(_back(request))


class PreferencesView(LoginRequiredMixin, TemplateView):
    template_name = "notifications/preferences.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["channels"] = list(services.channel_choices(self.request.user))
        return context

    def post(self, request):
        chosen = {code: code in request.POST.getlist("channels") for code, c in CHANNELS.items() if c.optional}
        services.set_channel_preferences(request.user, chosen)
        messages.success(request, _("通知设置已保存。"))
        return redirect("notifications:preferences")
