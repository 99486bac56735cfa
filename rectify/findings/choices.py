from django.db import models
from django.utils.translation import gettext_lazy as _


class FindingState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已下达")
    RECTIFYING = "rectifying", _("整改中")
    SUBMITTED = "submitted", _("待核实")
    LONG_TERM = "long_term", _("持续整改")
    CLOSED = "closed", _("已销号")


class Kind(models.TextChoices):
    IMMEDIATE = "immediate", _("立行立改")
    PHASED = "phased", _("分阶段整改")
    LONG_TERM = "long_term", _("持续整改")


class Disclosure(models.TextChoices):
    PUBLIC = "public", _("公开")
    LIMITED = "limited", _("限定范围")
    CONFIDENTIAL = "confidential", _("涉密")


class Colour(models.TextChoices):
    GREEN = "green", _("绿色（正常）")
    YELLOW = "yellow", _("黄色（临期）")
    RED = "red", _("红色（逾期）")


class EventKind(models.TextChoices):
    CREATED = "created", _("登记问题")
    TRANSITION = "transition", _("状态变更")
    PLAN = "plan", _("提交整改方案")
    REPORT = "report", _("报送整改情况")
    VERIFICATION = "verification", _("核实认定")
    DELAY = "delay", _("说明延期原因")
    LINK = "link", _("关联以往问题")
    SUPERVISION = "supervision", _("列入督办事项")
    CIRCULAR = "circular", _("通报")
    INTERVIEW = "interview", _("约谈")
    REFERRAL = "referral", _("提请追责（移送）")
