from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """Read models (layer 4): figures, workbenches, the dashboard and the pages that read across findings
    and rectification. It declares no model and no scope, and writes nothing."""

    name = "rectify.ledger"
    label = "ledger"
    verbose_name = _("整改台账")
