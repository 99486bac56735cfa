from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalliesConfig(AppConfig):
    """Counted figures of the findings (layer 4, beside the ledger): one row per group of findings that
    the scopes and the pages tell apart, kept equal to a recount of the findings and their rectification.
    It reads findings and rectification and is read by the ledger's workbench and dashboard."""

    name = "rectify.tallies"
    label = "tallies"
    verbose_name = _("统计汇总")

    def ready(self) -> None:
        import datetime

        from rectify.core import jobs
        from rectify.tallies import signals

        signals.connect()
        jobs.schedule("tallies.roll_over", "rectify.tallies.jobs.roll_over", daily_at=datetime.time(0, 5))
