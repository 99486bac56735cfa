from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from rectify.accounts.models import User
from rectify.core.forms import StyledFormMixin, version_field


class PasswordChangeForm(StyledFormMixin, DjangoPasswordChangeForm):
    """The current password, then the new one twice, checked against the whole policy (history included)."""


class ResetRequestForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    reason = forms.CharField(label=_("重置原因"), max_length=200, help_text=_("例如：本人来电称忘记密码，已核实身份。"))

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(_("用户名「%(name)s」不存在。") % {"name": username})
        return user


class AccountForm(StyledFormMixin, forms.ModelForm):
    """The system administrator's fields of an account (its roles and password are kept elsewhere)."""

    version = version_field()

    class Meta:
        model = User
        fields = ("username", "full_name", "title", "organization", "phone", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].required = True
        self.fields["organization"].queryset = self.fields["organization"].queryset.order_by("code")
        if self.instance.pk:
            self.fields["username"].disabled = True  # the name history and the log know it by
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]  # a new account has no earlier version to be edited over


class RolesForm(StyledFormMixin, forms.Form):
    """The security administrator's grant: exactly the roles checked (business roles only; the three
    administrator roles are granted at the console by a superuser)."""

    roles = forms.MultipleChoiceField(label=_("角色"), required=False, widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args, choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = choices
