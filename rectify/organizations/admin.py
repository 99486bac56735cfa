from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rectify.organizations.models import Jurisdiction, Organization, Sector


@admin.register(Jurisdiction)
class JurisdictionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "level", "parent")
    search_fields = ("name", "code")


@admin.register(Sector)
class SectorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code")
    search_fields = ("name",)


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "kind", "competent_department", "sector", "head_name", "jurisdiction")
    list_filter = ("kind", "sector", "jurisdiction")
    search_fields = ("name", "short_name", "code", "head_name")
    autocomplete_fields = ("competent_department",)
    list_select_related = ("competent_department", "sector", "jurisdiction")
