from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import StyledFormMixin
from rectify.exchange.reader import max_bytes


class LedgerUploadForm(StyledFormMixin, forms.Form):
    """The ledger file; its content is checked in the service, not here."""

    file = forms.FileField(
        label=_("台账文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("不超过 %(limit)d MB；请使用本系统的台账模板或导出文件。") % {
            "limit": max_bytes() // (1024 * 1024)
        }


class ConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
