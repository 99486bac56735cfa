from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityLogConfig(AppConfig):
    name = "rectify.security_log"
    label = "security_log"
    verbose_name = _("安全审计日志")

    def ready(self) -> None:
        from rectify.core import audit_log, database_roles, events
        from rectify.security_log import receivers, services

        # Views record through the core door; a log that cannot be written must not fail the user's request
        # (the failure goes to the server's error log).
        audit_log.register(services.record_quietly)
        # The application's database role may only read and append (rectify grant-app-role).
        database_roles.append_only("security_log.SecurityEvent")
        events.subscribe("*", receivers.on_event)
        receivers.connect()
