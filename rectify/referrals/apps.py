from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "rectify.referrals"
    label = "referrals"
    verbose_name = _("提请追责（移送）")

    def ready(self) -> None:
        import datetime

        from rectify.core import jobs
        from rectify.core.visibility import register_scope
        from rectify.referrals import notices, panels, scopes

        register_scope("referrals.Referral", scopes.referral_scope)
        register_scope("findings.Finding", scopes.cited_findings_scope)
        notices.register()
        panels.register()
        jobs.schedule(
            "referrals.overdue_feedback", "rectify.referrals.jobs.flag_overdue_feedback", daily_at=datetime.time(7, 0)
        )
