from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rectify.interviews.models import InterviewRules


@admin.register(InterviewRules)
class InterviewRulesAdmin(SimpleHistoryAdmin):
    list_display = [
        "jurisdiction", "overdue_enabled", "not_rectified_enabled", "not_rectified_times", "poorly_enabled",
        "poorly_times", "repeat_enabled",
    ]  # fmt: skip
