from django.db import models
from django.utils.translation import gettext_lazy as _


class SummaryKind(models.TextChoices):
    """The summary reports of source 三(一), and the unit's own report of issue 9 item 5."""

    SECTOR = "sector", _("主管部门行业整改情况汇总报告")
    COMMITTEE = "committee", _("审计机关向审计委员会的报告")
    GOVERNMENT = "government", _("审计机关向区政府的报告")
    CONGRESS = "congress", _("区政府向人大常委会的审计整改情况报告")
    UNIT = "unit", _("被审计单位整改情况报告")


class SummaryState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已审批")
    SENT = "sent", _("已报送")


class StepKind(models.TextChoices):
    DRAFTED = "drafted", _("起草")
    EDITED = "edited", _("修改正文")
    REFRESHED = "refreshed", _("按台账重新计算")
    SUBMITTED = "submitted", _("报请审批")
    APPROVED = "approved", _("审批同意")
    RETURNED = "returned", _("退回修改")
    SENT = "sent", _("报送")
