from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "rectify.analysis"
    label = "analysis"
    verbose_name = _("大数据分析")

    def ready(self) -> None:
        import datetime

        from rectify.analysis import notices, panels, scopes, subscribers
        from rectify.core import events, jobs
        from rectify.core.visibility import register_scope

        register_scope("analysis.RepeatProposal", scopes.proposal_scope)
        register_scope("analysis.Cluster", scopes.cluster_scope)
        for name in subscribers.FINDING_EVENTS:
            events.subscribe(name, subscribers.on_finding_changed)
        jobs.schedule("analysis.rebuild", "rectify.analysis.jobs.rebuild", daily_at=datetime.time(2, 30))
        jobs.schedule("analysis.clusters", "rectify.analysis.jobs.compute_clusters", daily_at=datetime.time(3, 30))
        jobs.schedule("analysis.refresh", "rectify.analysis.jobs.refresh", minutes=10)
        from django.db.models.signals import post_save

        post_save.connect(
            subscribers.on_finding_saved, sender="findings.Finding", dispatch_uid="analysis_finding_saved"
        )
        notices.register()
        panels.register()
