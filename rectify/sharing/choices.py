from django.db import models
from django.utils.translation import gettext_lazy as _


class Target(models.TextChoices):
    """What a subscription covers: one unit, one sector (行业领域), or one problem category."""

    UNIT = "unit", _("被审计单位")
    SECTOR = "sector", _("行业领域")
    CATEGORY = "category", _("问题类别")


class SubscriptionState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("未同意")
    REVOKED = "revoked", _("已撤销")


class PackageStatus(models.TextChoices):
    """An inspection package built by a job: asked for, being built, ready to download, or failed."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")
