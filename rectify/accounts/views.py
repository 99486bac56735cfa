"""Signing in, with the lockout (等保 2.0: failed-login handling) told before it falls: how many
tries remain and how long the lock lasts, both from the settings."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import views as auth_views


def lock_minutes() -> int:
    """How long a lock lasts, in whole minutes (AXES_COOLOFF_TIME, a timedelta or hours)."""
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    if cooloff is None:
        return 0
    if not isinstance(cooloff, timedelta):
        cooloff = timedelta(hours=float(cooloff))
    return int(cooloff.total_seconds() // 60)


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(failure_limit=settings.AXES_FAILURE_LIMIT, lock_minutes=lock_minutes(), tries_left=None)
        form = context.get("form")
        if settings.AXES_ENABLED and form is not None and form.is_bound and form.errors:
            from axes.handlers.proxy import AxesProxyHandler

            username = self.request.POST.get("username", "")
            failures = AxesProxyHandler.get_failures(self.request, {"username": username})
            context["tries_left"] = max(settings.AXES_FAILURE_LIMIT - failures, 0)
        return context
