from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rectify.findings.models import Category, DeadlineRule


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "parent", "involves_fiscal_funds")
    list_filter = ("parent", "involves_fiscal_funds")
    search_fields = ("code", "name")


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "days", "reporting_interval_days")
