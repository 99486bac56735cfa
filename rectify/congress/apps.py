from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "rectify.congress"
    label = "congress"
    verbose_name = _("人大监督")

    def ready(self) -> None:
        from rectify.congress import notifications, panels, scopes
        from rectify.core.visibility import register_scope

        register_scope("congress.CongressMatter", scopes.matter_scope)
        register_scope("congress.Question", scopes.question_scope)
        panels.register()
        notifications.register()
