from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import DateInput, StyledFormMixin, version_field
from rectify.organizations.models import Organization
from rectify.rectification.choices import AccountabilityOutcome
from rectify.referrals.choices import ReferralGround
from rectify.referrals.services import RECIPIENT_KINDS, Person

SEPARATORS = re.compile(r"[\s,，、;；]+")
PERSON_SEPARATORS = re.compile(r"\s*[,，、\t|｜]\s*")


class CreateReferralForm(StyledFormMixin, forms.Form):
    recipient = forms.ModelChoiceField(label=_("受理机关"), queryset=Organization.objects.none())
    ground = forms.ChoiceField(label=_("移送事由"), choices=ReferralGround.choices)
    ledger_numbers = forms.CharField(
        label=_("引用的问题"),
        help_text=_("问题编号，多个用空格或逗号分隔"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    title = forms.CharField(label=_("标题"), max_length=200, required=False, help_text=_("留空则按单位和事由生成"))
    facts = forms.CharField(label=_("主要事实"), widget=forms.Textarea(attrs={"rows": 6}))
    request = forms.CharField(label=_("处理建议"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        org = getattr(user, "organization", None)
        self.fields["recipient"].queryset = (
            Organization.objects.filter(kind__in=RECIPIENT_KINDS, jurisdiction_id=org.jurisdiction_id).order_by(
                "kind", "name"
            )
            if org is not None
            else Organization.objects.none()
        )

    def clean_ledger_numbers(self) -> list[str]:
        numbers = [n for n in SEPARATORS.split(self.cleaned_data["ledger_numbers"]) if n]
        if not numbers:
            raise forms.ValidationError(gettext("请至少填写一个问题编号。"))
        return list(dict.fromkeys(numbers))


class EditReferralForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    facts = forms.CharField(label=_("主要事实"), widget=forms.Textarea(attrs={"rows": 6}))
    request = forms.CharField(label=_("处理建议"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = version_field()


class StepForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 4}))


def parse_person(line: str, number: int) -> Person:
    """One line "姓名，职务，处理方式" (the way a label or its code)."""
    parts = PERSON_SEPARATORS.split(line.strip())
    if len(parts) != 3:
        raise forms.ValidationError(
            gettext("第 %(n)d 行应为「姓名，职务，处理方式」三项，用逗号分隔。") % {"n": number}
        )
    name, position, way = parts
    by_label = {str(label): value for value, label in AccountabilityOutcome.choices}
    outcome = by_label.get(way) or (way if way in AccountabilityOutcome.values else "")
    if not outcome:
        raise forms.ValidationError(
            gettext("第 %(n)d 行的处理方式「%(way)s」不在可选范围内（%(choices)s）。")
            % {"n": number, "way": way, "choices": "、".join(by_label)}
        )
    return Person(name=name, position=position, outcome=outcome)


class ConcludeForm(StyledFormMixin, forms.Form):
    outcome_date = forms.DateField(label=_("处理日期"), widget=DateInput)
    text = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 5}))
    persons = forms.CharField(
        label=_("处理人员"),
        required=False,
        help_text=_(
            "每行一人：姓名，职务，处理方式（提醒谈话、批评教育、诫勉、记过、记大过、党纪政务处分、组织处理、移送司法）"
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_persons(self) -> list[Person]:
        lines = [line for line in self.cleaned_data["persons"].splitlines() if line.strip()]
        errors, persons = [], []
        for number, line in enumerate(lines, start=1):
            try:
                persons.append(parse_person(line, number))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return persons
