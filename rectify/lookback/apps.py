from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LookbackConfig(AppConfig):
    name = "rectify.lookback"
    label = "lookback"
    verbose_name = _("整改回头看")

    def ready(self) -> None:
        from rectify.core.visibility import register_scope
        from rectify.lookback import panels, scopes

        register_scope("lookback.LookbackSample", scopes.sample_scope)
        panels.register()
