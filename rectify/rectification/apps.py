from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectify.rectification"
    label = "rectification"
    verbose_name = _("整改落实")

    def ready(self) -> None:
        import datetime

        from rectify.core import jobs

        jobs.schedule(
            "rectification.sweep_orphans", "rectify.rectification.evidence.sweep_orphans", daily_at=datetime.time(3, 0)
        )
