from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "rectify.supervision"
    label = "supervision"
    verbose_name = _("督办和通报")

    def ready(self) -> None:
        from rectify.core.visibility import register_scope
        from rectify.supervision import notifications, panels, scopes

        register_scope("supervision.SupervisedMatter", scopes.matter_scope)
        register_scope("supervision.Assignment", scopes.assignment_scope)
        register_scope("supervision.Circular", scopes.circular_scope)
        register_scope("findings.Finding", scopes.cited_findings_scope)
        panels.register()
        notifications.register()
