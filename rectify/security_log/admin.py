"""The log in the admin, read-only: nobody adds, changes or deletes a record there."""

from django.contrib import admin

from rectify.security_log.models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["sequence", "at", "username", "address", "kind", "object_type", "object_id", "outcome"]
    list_filter = ["kind", "outcome"]
    search_fields = ["username", "=address", "=object_id"]
    ordering = ["-sequence"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
