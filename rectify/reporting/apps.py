from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "rectify.reporting"
    label = "reporting"
    verbose_name = _("报告机制")

    def ready(self) -> None:
        import datetime

        from rectify.core import events, jobs
        from rectify.core.visibility import register_scope
        from rectify.reporting import notices, panels, scopes, subscribers

        register_scope("reporting.EscalationProposal", scopes.escalation_scope)
        for name in subscribers.SYNC_ON:
            events.subscribe(name, subscribers.on_finding_changed)
        events.subscribe("report.submitted", subscribers.on_report_submitted)
        notices.register()
        panels.register()
        # Early in the morning (Asia/Shanghai), so reminders are in the inbox when the day starts.
        jobs.schedule("reporting.sweep", "rectify.reporting.jobs.daily_sweep", daily_at=datetime.time(6, 30))
