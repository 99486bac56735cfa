from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FindingsConfig(AppConfig):
    name = "rectify.findings"
    label = "findings"
    verbose_name = _("审计查出问题")

    def ready(self) -> None:
        from rectify.core.visibility import owner_scope, register_scope
        from rectify.findings import scopes

        register_scope("findings.Finding", scopes.finding_scope)
        register_scope("findings.SavedView", owner_scope("user"))
        register_scope("audits.AuditProject", scopes.projects_of_visible_findings)

        from django.db.models.signals import post_save

        from rectify.findings.denormalized import placement_changed

        post_save.connect(placement_changed, sender="audits.AuditProject", dispatch_uid="finding_placement")

        from rectify.core import jobs

        # Hourly, so a finding that falls overdue is announced the same morning.
        jobs.schedule("findings.publish_overdue", "rectify.findings.jobs.publish_overdue", minutes=60)
