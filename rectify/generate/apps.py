from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GenerateConfig(AppConfig):
    name = "rectify.generate"
    label = "generate"
    verbose_name = _("合成数据")
