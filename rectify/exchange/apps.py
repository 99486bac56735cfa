from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "rectify.exchange"
    label = "exchange"
    verbose_name = _("台账交换（Excel）")
