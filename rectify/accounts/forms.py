from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from rectify.accounts.models import User
from rectify.core.forms import StyledFormMixin


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
