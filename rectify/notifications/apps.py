from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "rectify.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from rectify.core import events, jobs
        from rectify.core.visibility import owner_scope, register_scope
        from rectify.notifications.jobs import on_event
        from rectify.notifications.rules import event_names

        # An inbox is private to its owner, whatever their roles.
        register_scope("notifications.Notification", owner_scope("recipient"))
        for name in sorted(event_names()):
            events.subscribe(name, on_event)
        jobs.schedule("notifications.send_due", "rectify.notifications.jobs.send_due", minutes=1)
