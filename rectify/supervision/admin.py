from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rectify.supervision.models import Circular, SupervisedMatter


@admin.register(SupervisedMatter)
class SupervisedMatterAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "issuer", "state", "created")
    list_filter = ("kind", "state")
    search_fields = ("title",)
    readonly_fields = [f.name for f in SupervisedMatter._meta.fields]

    def has_add_permission(self, request):
        return False  # recorded through the services (the pages, the API)


@admin.register(Circular)
class CircularAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "issuer", "state", "issued_at")
    list_filter = ("kind", "state")
    search_fields = ("title",)
    readonly_fields = [f.name for f in Circular._meta.fields]

    def has_add_permission(self, request):
        return False
