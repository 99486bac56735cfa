from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralGround(models.TextChoices):
    """Why a case is referred (source 三(四)): the three grounds for 提请追责."""

    FALSE_RECTIFICATION = "false_rectification", _("虚假整改")
    REFUSAL = "refusal", _("拒绝整改")
    OBSTRUCTION = "obstruction", _("阻碍检查")


class ReferralState(models.TextChoices):
    DRAFT = "draft", _("起草中")
    APPROVED = "approved", _("已审批")
    SENT = "sent", _("已移送")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    CONCLUDED = "concluded", _("已反馈结果")


class PackageStatus(models.TextChoices):
    NONE = "", _("未生成")
    PENDING = "pending", _("生成中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")
