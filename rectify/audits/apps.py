from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "rectify.audits"
    label = "audits"
    verbose_name = _("审计项目")

    def ready(self) -> None:
        from rectify.audits.scopes import project_scope
        from rectify.core.visibility import register_scope

        register_scope("audits.AuditProject", project_scope)
