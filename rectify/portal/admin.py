from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rectify.portal.models import Announcement


@admin.register(Announcement)
class AnnouncementAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "audience", "publisher", "state", "revision", "published_at")
    list_filter = ("kind", "audience", "state")
    search_fields = ("title",)
    readonly_fields = [f.name for f in Announcement._meta.fields]

    def has_add_permission(self, request):
        return False  # drafted through the services (the pages, the API)
