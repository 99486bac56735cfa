from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "rectify.portal"
    label = "portal"
    verbose_name = _("公告和有限范围通报")

    def ready(self) -> None:
        from rectify.core.visibility import register_scope
        from rectify.portal import panels, scopes

        register_scope("portal.Announcement", scopes.announcement_scope)
        register_scope("portal.Reading", scopes.reading_scope)
        panels.register()
