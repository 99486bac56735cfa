from django.contrib import admin

from rectify.notifications.models import OrganizationChannel


@admin.register(OrganizationChannel)
class OrganizationChannelAdmin(admin.ModelAdmin):
    """Which channels an organization's people get by default, and its messaging robot's address."""

    list_display = ("organization", "channel", "enabled", "address")
    list_filter = ("channel", "enabled")
    search_fields = ("organization__name",)
    autocomplete_fields = ("organization",)
    list_select_related = ("organization",)
