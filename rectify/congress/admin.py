from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rectify.congress.models import CongressMatter


@admin.register(CongressMatter)
class CongressMatterAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "issuer", "held_on", "state")
    list_filter = ("kind", "state")
    search_fields = ("title",)
    readonly_fields = [f.name for f in CongressMatter._meta.fields]

    def has_add_permission(self, request):
        return False  # recorded through the services (the pages, the API)
