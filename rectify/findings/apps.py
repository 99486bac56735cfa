from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FindingsConfig(AppConfig):
    name = "rectify.findings"
    label = "findings"
    verbose_name = _("审计查出问题")
