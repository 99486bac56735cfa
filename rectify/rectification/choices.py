from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("整改情况报告")
    SELF_INSPECTION = "self_inspection", _("整改自查报告")
    CONTINUED = "continued", _("持续整改情况报告")


class Verdict(models.TextChoices):
    RECTIFIED = "rectified", _("已整改")
    PARTLY_RECTIFIED = "partly_rectified", _("部分整改")
    NOT_RECTIFIED = "not_rectified", _("未整改")
    FALSE_RECTIFICATION = "false_rectification", _("虚假整改")


# A round given one of these verdicts does not count: its claimed money is void.
REJECTED_VERDICTS = (Verdict.NOT_RECTIFIED, Verdict.FALSE_RECTIFICATION)


class AccountabilityOutcome(models.TextChoices):
    REMINDER_TALK = "reminder_talk", _("提醒谈话")
    CRITICISM = "criticism", _("批评教育")
    ADMONISHMENT = "admonishment", _("诫勉")
    DEMERIT = "demerit", _("记过")
    MAJOR_DEMERIT = "major_demerit", _("记大过")
    DISCIPLINARY = "disciplinary", _("党纪政务处分")
    ORGANIZATIONAL = "organizational", _("组织处理")
    JUDICIAL = "judicial", _("移送司法")


# How money was rectified (整改方式): (field on ProgressReport, label). The order is the ledger's.
AMOUNT_METHODS: tuple[tuple[str, str], ...] = (
    ("amount_to_treasury", _("上缴财政")),
    ("amount_returned_to_source", _("归还原资金渠道")),
    ("amount_revitalized", _("盘活存量资金")),
    ("amount_adjusted_in_accounts", _("调整账务")),
    ("amount_losses_recovered", _("挽回损失")),
    ("amount_other", _("其他")),
)


class DelayDecision(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("同意延期")
    REJECTED = "rejected", _("不同意延期")
