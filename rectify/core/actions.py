"""Generic views for named actions: configuration, not code, in the manner of NetBox's views.

A subclass names its form, its title and what to call; the base class fetches the object through
the visibility scope (404 outside it), renders the form, calls the service, and turns a refusal
from the service into a form error that leaves the data as it was.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import FormView

from rectify.core.exceptions import ActionRefused, add_refusal_to_form


class RefusedUnlessMixin:
    """A form the user's roles can never submit is refused before it is filled in: a 403 page saying
    why (``refused_message``), rather than a form whose every submission fails. Put it after
    ``LoginRequiredMixin``, so that a visitor who is not logged in is sent to log in first."""

    refused_message: str = ""

    def may_use(self, user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.may_use(request.user):
            raise PermissionDenied(str(self.refused_message))
        return super().dispatch(request, *args, **kwargs)


class ObjectActionView(LoginRequiredMixin, FormView):
    template_name = "core/action_form.html"
    model: type[Model]
    title: str = ""
    success_message: str = ""
    submit_label: str = ""
    multipart: bool = False
    refused_message: str = ""

    def get_scoped_queryset(self) -> QuerySet:
        return self.model.objects.restrict(self.request.user)

    def may_use(self, user) -> bool:
        """Whether the user's roles could ever submit this form for ``self.object`` (its state aside). A
        user who sees the object but may not act on it so gets a 403 saying why (``refused_message``)
        before filling the form in; one who does not see it, a 404."""
        return True

    def get_refused_message(self) -> str:
        return str(self.refused_message)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = get_object_or_404(self.get_scoped_queryset(), pk=kwargs["pk"])
        if not self.may_use(request.user):
            raise PermissionDenied(self.get_refused_message())
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form) -> Any:
        raise NotImplementedError

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def get_title(self) -> str:
        return str(self.title)

    def form_valid(self, form) -> HttpResponse:
        try:
            self.perform(form)
        except ActionRefused as refusal:
            add_refusal_to_form(form, refusal)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            title=self.get_title(),
            submit_label=self.submit_label or self.get_title(),
            multipart=self.multipart,
            cancel_url=self.object.get_absolute_url(),
        )
        return context
