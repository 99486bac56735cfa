from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferencesConfig(AppConfig):
    name = "rectify.references"
    label = "references"
    verbose_name = _("结果运用")

    def ready(self) -> None:
        from rectify.core.visibility import register_scope
        from rectify.references import notifications, panels, scopes

        register_scope("references.ReferenceDelivery", scopes.delivery_scope)
        panels.register()
        notifications.register()
