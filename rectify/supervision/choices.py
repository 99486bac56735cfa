from django.db import models
from django.utils.translation import gettext_lazy as _


class MatterKind(models.TextChoices):
    """What a supervised matter (督办事项) comes from (source 四(一))."""

    DECISION = "decision", _("审计委员会会议议定事项")
    INSTRUCTION = "instruction", _("领导批示")


class MatterState(models.TextChoices):
    OPEN = "open", _("督办中")
    CLOSED = "closed", _("已办结")


class AssignmentState(models.TextChoices):
    """One organization's part of a matter: owed, reported on, asked to be closed, closed."""

    PENDING = "pending", _("待办理")
    IN_PROGRESS = "in_progress", _("办理中")
    REQUESTED = "requested", _("申请办结")
    DONE = "done", _("已办结")


class CircularKind(models.TextChoices):
    COMMENDATION = "commendation", _("通报表扬")
    CRITICISM = "criticism", _("通报批评")


class CircularState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审核")
    ISSUED = "issued", _("已印发")


class StepKind(models.TextChoices):
    RECORDED = "recorded", _("登记督办事项")
    ASSIGNED = "assigned", _("交办")
    PROGRESS = "progress", _("报告进展")
    REQUESTED = "requested", _("申请办结")
    ACCEPTED = "accepted", _("同意办结")
    RETURNED = "returned", _("退回继续办理")
    CLOSED = "closed", _("督办事项办结")
    DRAFTED = "drafted", _("起草通报")
    EDITED = "edited", _("修改通报")
    APPROVED = "approved", _("审核通报")
    RETURNED_CIRCULAR = "returned_circular", _("退回通报")
    ISSUED = "issued", _("印发通报")
