from django.db import models
from django.utils.translation import gettext_lazy as _


class CongressKind(models.TextChoices):
    """The People's Congress's supervision of source 四(二)."""

    AUDIT_REPORT_RESOLUTION = "audit_report", _("审计工作报告审议意见")
    RECTIFICATION_REPORT_RESOLUTION = "rectification_report", _("审计整改情况报告审议意见")
    SPECIAL_INQUIRY = "special_inquiry", _("专题询问")
    INTERPELLATION = "interpellation", _("质询")


class CongressState(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")


class QuestionState(models.TextChoices):
    OWED = "owed", _("待答复")
    ANSWERED = "answered", _("已答复")


class StepKind(models.TextChoices):
    """The steps of a matter's record (``Step``)."""

    RECORDED = "recorded", _("登记")
    QUESTION_ADDED = "question_added", _("提出询问")
    ANSWERED = "answered", _("答复")
    EDITED = "edited", _("修改")
    CLOSED = "closed", _("办结")
