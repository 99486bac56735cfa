from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    name = "rectify.interviews"
    label = "interviews"
    verbose_name = _("约谈")

    def ready(self) -> None:
        from rectify.core import events
        from rectify.core.visibility import register_scope
        from rectify.interviews import notices, panels, scopes, subscribers

        register_scope("interviews.Interview", scopes.interview_scope)
        events.subscribe("obligation.escalated", subscribers.on_escalated)
        events.subscribe("escalation.dismissed", subscribers.on_escalation_dismissed)
        events.subscribe("finding.verified", subscribers.on_verified)
        events.subscribe("finding.issued", subscribers.on_issued)
        notices.register()
        panels.register()
