import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "rectify.sharing"
    label = "sharing"
    verbose_name = _("监督协作")

    def ready(self) -> None:
        from rectify.core import jobs
        from rectify.core.visibility import owner_scope, register_scope
        from rectify.sharing import notifications, panels, scopes

        register_scope("sharing.Subscription", scopes.subscription_scope)
        # A package is its requester's: it was built within their scope.
        register_scope("sharing.InspectionPackage", owner_scope("requested_by"))
        register_scope("findings.Finding", scopes.finding_scope)
        register_scope("interviews.Interview", scopes.interview_scope)
        register_scope("referrals.Referral", scopes.referral_scope)
        jobs.schedule("sharing.digests", "rectify.sharing.jobs.send_digests", daily_at=datetime.time(7, 0))
        panels.register()
        notifications.register()
