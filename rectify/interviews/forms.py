from __future__ import annotations

import datetime
import re

from django import forms
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import DateInput, StyledFormMixin, version_field


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DecisionForm(StyledFormMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("1", _("同意约谈")), ("0", _("不予约谈"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("决定意见"), widget=forms.Textarea(attrs={"rows": 3}))


class ScheduleForm(StyledFormMixin, forms.Form):
    version = version_field()
    scheduled_at = forms.DateTimeField(
        label=_("约谈时间"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    place = forms.CharField(label=_("约谈地点"), max_length=200)
    interviewee = forms.CharField(label=_("被约谈人（姓名、职务）"), max_length=100)
    attendees = forms.CharField(
        label=_("参加人员"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一人，写明姓名和职务，如：王五 区审计局副局长"),
    )


ITEM_SEPARATOR = re.compile(r"\s*[|｜]\s*")


def parse_items(text: str) -> list[tuple[str, datetime.date, str]]:
    """One follow-up item a line: 事项｜完成时限（YYYY-MM-DD）｜责任人; a bad line is named in the error."""
    items = []
    errors = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = ITEM_SEPARATOR.split(line.strip())
        if len(parts) != 3 or not all(parts):
            errors.append(_t("第%(n)d行：请按「事项｜完成时限｜责任人」填写。") % {"n": number})
            continue
        try:
            due = datetime.date.fromisoformat(parts[1])
        except ValueError:
            errors.append(
                _t("第%(n)d行：完成时限「%(value)s」不是 YYYY-MM-DD 格式的日期。") % {"n": number, "value": parts[1]}
            )
            continue
        items.append((parts[0], due, parts[2]))
    if errors:
        raise forms.ValidationError(errors)
    return items


class HoldForm(StyledFormMixin, forms.Form):
    record = forms.CharField(label=_("约谈记录"), widget=forms.Textarea(attrs={"rows": 6}))
    commitments = forms.CharField(label=_("整改承诺"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    items = forms.CharField(
        label=_("整改事项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项：事项｜完成时限（YYYY-MM-DD）｜责任人"),
    )

    def clean_items(self):
        return parse_items(self.cleaned_data.get("items", ""))


class ItemForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("整改事项"), max_length=200)
    due_date = forms.DateField(label=_("完成时限"), widget=DateInput())
    responsible = forms.CharField(label=_("责任人"), max_length=100)


class ItemReportForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 4}))


class ItemVerifyForm(StyledFormMixin, forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("核实结论"),
        choices=[("1", _("核实通过")), ("0", _("未通过，退回继续整改"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("核实意见"), widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(StyledFormMixin, forms.Form):
    pass
