from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.security_log.choices import EventKind, Outcome

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]


class LogSearchForm(forms.Form):
    """The log auditor's search: each filter is on an indexed column, so a page costs the same at any size."""

    start = forms.DateTimeField(
        label=_("起始时间"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end = forms.DateTimeField(
        label=_("截止时间"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("事件类型"), required=False, choices=[("", _("全部事件")), *EventKind.choices])
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=[("", _("全部结果")), *Outcome.choices])
    address = forms.GenericIPAddressField(label=_("地址"), required=False)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=100)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("截止时间不能早于起始时间。"))
        return cleaned

    def filters(self) -> dict:
        data = self.cleaned_data
        lookups = {
            "at__gte": data.get("start"),
            "at__lte": data.get("end"),
            "username": data.get("username", "").strip(),
            "kind": data.get("kind"),
            "outcome": data.get("outcome"),
            "address": data.get("address"),
            "object_type": data.get("object_type", "").strip(),
            "object_id": data.get("object_id", "").strip(),
        }
        return {key: value for key, value in lookups.items() if value}

    def as_detail(self) -> dict:
        return {key: str(value) for key, value in self.filters().items()}
