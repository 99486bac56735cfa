from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.campaigns import services
from rectify.campaigns.models import Campaign
from rectify.campaigns.services import finding_choices, organization_choices
from rectify.core.forms import DateInput, StyledFormMixin, version_field
from rectify.findings.models import Finding
from rectify.organizations.models import Organization

# How many findings of the scope a chooser lists (besides those already chosen); the others are reached
# by prefilling (a cluster, ``?findings=``), never by listing the whole ledger.
LISTED = 300


class FindingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Finding) -> str:
        return f"{obj.ledger_number} {obj.unit.name}：{obj.title}"


def _limit_finding_options(form, name: str, user, chosen_ids) -> None:
    """Validation uses the whole scope (one ``pk IN`` query); the options rendered are the chosen ones and
    the latest of the scope, so that the page does not grow with the ledger."""
    field = form.fields[name]
    field.queryset = finding_choices(user)
    chosen = [int(pk) for pk in chosen_ids if str(pk).isdigit()]
    shown = list(field.queryset.filter(pk__in=chosen)) + list(field.queryset.exclude(pk__in=chosen)[:LISTED])
    field.widget.choices = [(f.pk, field.label_from_instance(f)) for f in shown]


class CampaignForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("专项整治名称"), max_length=200)
    problem = forms.CharField(label=_("问题表述"), widget=forms.Textarea(attrs={"rows": 4}))
    findings = FindingChoiceField(
        label=_("涵盖问题"), queryset=Finding.objects.none(), widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("限本部门（本机关）职责范围内的问题"),
    )  # fmt: skip
    units = forms.ModelMultipleChoiceField(
        label=_("涉及单位"), queryset=Organization.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("留空则按所选问题的责任单位确定"),
    )  # fmt: skip
    measures = forms.CharField(label=_("整治措施"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    target_date = forms.DateField(label=_("目标完成日期"), widget=DateInput)
    lead_organization = forms.ModelChoiceField(
        label=_("牵头单位"), queryset=Organization.objects.none(), required=False, help_text=_("留空为本单位")
    )
    source = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)
    version = version_field()

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            chosen = self.data.getlist("findings") if hasattr(self.data, "getlist") else self.data.get("findings", [])
        else:
            chosen = [getattr(f, "pk", f) for f in self.initial.get("findings", [])]
        _limit_finding_options(self, "findings", user, chosen)
        self.fields["units"].queryset = organization_choices(user)
        self.fields["lead_organization"].queryset = organization_choices(user)


class ProgressForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 5}))
    reported_on = forms.DateField(label=_("报送日期"), widget=DateInput, required=False, help_text=_("默认今天"))


class StartForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConcludeForm(StyledFormMixin, forms.Form):
    conclusion = forms.CharField(label=_("总结"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.CharField(label=_("整治成效"), widget=forms.Textarea(attrs={"rows": 4}))


class ConsultationForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("会商名称"), max_length=200)
    held_on = forms.DateField(label=_("会商日期"), widget=DateInput)
    campaign = forms.ModelChoiceField(
        label=_("所属专项整治"), queryset=Campaign.objects.none(), required=False,
        help_text=_("不属于专项整治的会商，请选择涉及的问题"),
    )  # fmt: skip
    findings = FindingChoiceField(
        label=_("涉及问题"), queryset=Finding.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )  # fmt: skip
    participants = forms.ModelMultipleChoiceField(
        label=_("参加单位"), queryset=Organization.objects.none(), widget=forms.SelectMultiple(attrs={"size": 6})
    )
    topics = forms.CharField(label=_("会商议题"), widget=forms.Textarea(attrs={"rows": 4}))
    measure_text = forms.CharField(
        label=_("议定措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("其他措施可在会商页面追加"),
    )  # fmt: skip
    measure_organization = forms.ModelChoiceField(
        label=_("措施责任单位"), queryset=Organization.objects.none(), required=False
    )
    measure_due_date = forms.DateField(label=_("措施完成期限"), widget=DateInput, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = services.consultation_campaigns(user)
        chosen = self.data.getlist("findings") if self.is_bound and hasattr(self.data, "getlist") else []
        _limit_finding_options(self, "findings", user, chosen)
        for name in ("participants", "measure_organization"):
            self.fields[name].queryset = organization_choices(user)

    def clean(self):
        data = super().clean()
        given = [data.get("measure_text"), data.get("measure_organization"), data.get("measure_due_date")]
        if any(given) and not all(given):
            raise forms.ValidationError(_("议定措施、责任单位和完成期限须一并填写。"))
        return data


class MeasureForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("议定措施"), widget=forms.Textarea(attrs={"rows": 3}))
    organization = forms.ModelChoiceField(label=_("责任单位"), queryset=Organization.objects.none())
    due_date = forms.DateField(label=_("完成期限"), widget=DateInput)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organization_choices(user)


class FollowUpForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("落实情况"), widget=forms.Textarea(attrs={"rows": 4}))
    done_on = forms.DateField(
        label=_("完成日期"), widget=DateInput, required=False, help_text=_("已落实的，填写完成日期")
    )
