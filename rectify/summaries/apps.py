from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    name = "rectify.summaries"
    label = "summaries"
    verbose_name = _("汇总报告")

    def ready(self) -> None:
        from rectify.core.visibility import register_scope
        from rectify.summaries import notifications, panels, scopes

        register_scope("summaries.SummaryReport", scopes.summary_report_scope)
        panels.register()
        notifications.register()
