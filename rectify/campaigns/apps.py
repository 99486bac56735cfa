from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "rectify.campaigns"
    label = "campaigns"
    verbose_name = _("专项整治与会商")

    def ready(self) -> None:
        from rectify.campaigns import notifications, panels, scopes
        from rectify.core.visibility import register_scope

        register_scope("campaigns.Campaign", scopes.campaign_scope)
        register_scope("campaigns.Consultation", scopes.consultation_scope)
        register_scope("campaigns.AgreedMeasure", scopes.measure_scope)
        panels.register()
        notifications.register()
