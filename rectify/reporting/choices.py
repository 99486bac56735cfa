from django.db import models
from django.utils.translation import gettext_lazy as _


class ObligationKind(models.TextChoices):
    FIRST_REPORT = "first_report", _("整改情况报告")
    MILESTONE = "milestone", _("阶段性整改报告")
    ROADMAP = "roadmap", _("时间表和路线图")
    CONTINUED = "continued", _("持续整改报告")
    RESUBMISSION = "resubmission", _("退回后重新报送")


class ObligationStatus(models.TextChoices):
    """Derived from the row and today, never stored."""

    PENDING = "pending", _("待报送")
    DUE_SOON = "due_soon", _("临近期限")
    MISSED = "missed", _("逾期未报")
    ON_TIME = "on_time", _("按期报送")
    LATE = "late", _("逾期报送")
    CANCELLED = "cancelled", _("已撤销")


class DayCounting(models.TextChoices):
    CALENDAR = "calendar", _("自然日")
    WORKING = "working", _("工作日")


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班日")


class EscalationState(models.TextChoices):
    OPEN = "open", _("待处理")
    TAKEN_UP = "taken_up", _("已采纳")
    DISMISSED = "dismissed", _("不予采纳")
