from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from rectify.accounts import services
from rectify.accounts.choices import RoleCode
from rectify.accounts.models import Role, User
from rectify.core.exceptions import add_refusal_to_form


class AccountCreationForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("username", "full_name", "organization")


class InitialPasswordForm(AdminPasswordChangeForm):
    """A superuser's direct setting of a password: an initial password, changed at the next sign-in."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


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
    # No password here: a new account's first password comes through a two-person reset.
    add_form = AccountCreationForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "organization")}),)
    change_password_form = InitialPasswordForm

    # Separation of the three administrators (三员分立), decided by rectify.accounts.services, which this
    # page only calls: the system administrator keeps accounts (creates them, sets their organization,
    # deactivates them); the security administrator grants business roles and requests password resets
    # (approved by another administrator, on /manage/password-resets/); no one acts on an administrator's
    # account, a staff account or their own here; only a superuser grants administrator roles, Django
    # permissions or sets a password directly.

    ACCOUNT_FIELDS = ("username", "first_name", "last_name", "full_name", "title", "phone", "email", "organization")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class GuardedForm(form):
            def clean(self):
                cleaned = super().clean()
                if "roles" in self.fields and "roles" in self.changed_data and obj is not None:
                    codes = {role.code for role in cleaned.get("roles") or []}
                    try:
                        services.check_grant(actor, obj, codes)
                    except ValidationError as refusal:
                        add_refusal_to_form(self, refusal)
                return cleaned

        return GuardedForm

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.within_reach(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or services.within_reach(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "last_login", "date_joined"]
        user = request.user
        if not user.is_superuser:
            readonly += ["is_superuser", "is_staff", "user_permissions", "groups"]
            if not user.has_role(RoleCode.SYSTEM_ADMIN):
                readonly += [*self.ACCOUNT_FIELDS, "is_active"]
            if not user.has_role(RoleCode.SECURITY_ADMIN):
                readonly += ["roles"]
        if obj is not None and not services.within_reach(user, obj):
            readonly += [*self.ACCOUNT_FIELDS, "roles", "is_active", "is_staff", "is_superuser"]
        return list(dict.fromkeys(readonly))

    def save_model(self, request, obj, form, change):
        actor = request.user
        if not change:
            fields = {name: form.cleaned_data[name] for name in self.ACCOUNT_FIELDS if name in form.cleaned_data}
            username = fields.pop("username")
            organization = fields.pop("organization", None)
            fields = {name: value for name, value in fields.items() if value not in (None, "")}
            created = services.create_account(actor, username=username, organization=organization, **fields)
            obj.pk, obj.password, obj._state.adding = created.pk, created.password, False
            return
        if actor.is_superuser:
            super().save_model(request, obj, form, change)
            return
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in self.ACCOUNT_FIELDS}
        if fields:
            services.update_account(actor, obj, **fields)
        if "is_active" in form.changed_data:
            services.set_active(actor, obj, form.cleaned_data["is_active"])

    def save_related(self, request, form, formsets, change):
        if "roles" in form.fields:
            codes = {role.code for role in form.cleaned_data.get("roles") or []}
            for name in ("groups", "user_permissions"):  # a superuser's own fields
                if name in form.fields:
                    getattr(form.instance, name).set(form.cleaned_data[name])
            if "roles" in form.changed_data:
                services.grant_roles(request.user, form.instance, codes)
        else:
            form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def user_change_password(self, request, id, form_url=""):
        # Only a superuser sets a password directly; every other reset takes two people (/manage/).
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def delete_model(self, request, obj):
        services.deactivate(request.user, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.deactivate(request.user, user)


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
