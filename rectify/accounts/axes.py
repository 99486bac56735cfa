"""django-axes, installed under a Chinese name: its admin section is the failed sign-ins and lockouts."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录失败与锁定")
