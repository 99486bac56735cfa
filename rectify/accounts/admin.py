from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from rectify.accounts.choices import RoleCode
from rectify.accounts.models import Role, User


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__", "description")

    def has_add_permission(self, request):
        return False  # the roles are fixed by the code

    def has_delete_permission(self, request, obj=None):
        return False


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

    # Separation of the three administrators (三员分立): the system administrator keeps accounts
    # (creates them, sets their organization, deactivates them); the security administrator grants
    # roles and resets passwords; neither acts on an administrator's account or on its own standing,
    # and only a superuser grants Django permissions. Otherwise an administrator who must see no
    # business data could give itself, or an account it controls, the right to see it.

    @staticmethod
    def _is_security_admin(request) -> bool:
        return request.user.is_superuser or request.user.has_role(RoleCode.SECURITY_ADMIN)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser or obj.pk == request.user.pk:
            return True
        return not (obj.is_superuser or obj.is_staff)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "is_staff", "user_permissions", "groups"]
        if not self._is_security_admin(request):
            readonly += ["roles"]
        if obj is not None and obj.pk == request.user.pk:
            readonly += ["roles", "organization", "is_staff", "is_active", "is_superuser"]
        return list(dict.fromkeys(readonly))

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, id)
        allowed = request.user.is_superuser or (
            self._is_security_admin(request)
            and target is not None
            and target.pk != request.user.pk
            and not (target.is_superuser or target.is_staff)
        )
        if not allowed:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def delete_model(self, request, obj):
        obj.delete()  # deactivates

    def delete_queryset(self, request, queryset):
        for user in queryset:
            user.delete()


# API tokens and second-factor devices are kept on the account security page (/accounts/tokens/), not
# here: the admin site would let a staff account issue a token in another user's name or read the
# secret key of their authenticator.
def _unregister_credentials() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from knox.models import AuthToken

    for model in (AuthToken, TOTPDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_credentials()
