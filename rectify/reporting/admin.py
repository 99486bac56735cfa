from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rectify.reporting.models import Holiday, ReportingRules


@admin.register(ReportingRules)
class ReportingRulesAdmin(SimpleHistoryAdmin):
    list_display = (
        "jurisdiction",
        "day_counting",
        "continued_interval_months",
        "reminder_lead_days",
        "overdue_reminder_days",
        "escalation_grace_days",
    )


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "kind", "name", "jurisdiction")
    list_filter = ("kind", "jurisdiction")
    date_hierarchy = "date"
