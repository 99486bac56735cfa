from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from rectify.accounts.models import Role, User


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__", "description")


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ("username", "full_name", "organization", "title", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "roles", "organization__kind")
    search_fields = ("username", "full_name", "organization__name")
    filter_horizontal = ("roles", "groups", "user_permissions")
    autocomplete_fields = ("organization",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "title", "phone", "email", "organization")}),
        (_("角色"), {"fields": ("roles",)}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "full_name", "organization")}),
    )

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser grants Django permissions; no one changes their own roles or standing.

        Without this, an administrator could make itself a superuser or an auditor and see the
        business data that the three administrators (三员) must not see.
        """
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions", "groups"]
        if obj is not None and obj.pk == request.user.pk:
            readonly += ["roles", "organization", "is_staff", "is_active", "is_superuser"]
        return sorted(set(readonly), key=readonly.index)

    def delete_model(self, request, obj):
        obj.delete()  # deactivates

    def delete_queryset(self, request, queryset):
        for user in queryset:
            user.delete()
