from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectify.rectification"
    label = "rectification"
    verbose_name = _("整改落实")

    def ready(self) -> None:
        import datetime

        from django.db.models.signals import post_save

        from rectify.core import jobs
        from rectify.rectification import denormalized

        # A finding's money and last report follow its rounds and verifications (rectification.denormalized).
        post_save.connect(denormalized.report_saved, sender="rectification.ProgressReport", dispatch_uid="report_money")
        post_save.connect(
            denormalized.verification_saved, sender="rectification.Verification", dispatch_uid="verification_money"
        )

        jobs.schedule(
            "rectification.sweep_orphans", "rectify.rectification.evidence.sweep_orphans", daily_at=datetime.time(3, 0)
        )
