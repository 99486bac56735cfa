from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityLogConfig(AppConfig):
    name = "rectify.security_log"
    label = "security_log"
    verbose_name = _("安全审计日志")

    def ready(self) -> None:
        from rectify.core import audit_log, events
        from rectify.security_log import receivers, services

        audit_log.register(services.record)
        events.subscribe("*", receivers.on_event)
        receivers.connect()
