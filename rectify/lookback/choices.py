from django.db import models
from django.utils.translation import gettext_lazy as _


class LookbackRule(models.TextChoices):
    """The rules that choose closed findings for re-checking (回头看), in the order strata are drawn."""

    AMOUNT = "amount", _("涉及金额较大")
    CATEGORY = "category", _("重点问题类别")
    REPEAT_HISTORY = "repeat_history", _("单位有屡审屡犯记录")
    FALSE_RECTIFICATION = "false_rectification", _("单位曾被认定虚假整改")


class RecheckResult(models.TextChoices):
    NOT_CHECKED = "not_checked", _("未复查")
    HOLDS = "holds", _("整改成果巩固")
    RELAPSED = "relapsed", _("问题反弹")
