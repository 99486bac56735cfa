from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.assessment.choices import RuleKind
from rectify.core.forms import DateInput, StyledFormMixin, version_field

WHEN_NONE = [("full", _("按满分计")), ("zero", _("按0分计"))]


class SchemeCreateForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("考核年度（审计年度）"), min_value=2000, max_value=2100)
    cutoff = forms.DateField(
        label=_("统计截止日"), required=False, widget=DateInput(), help_text=_("留空则为考核年度次年的12月31日。")
    )


class SchemeForm(StyledFormMixin, forms.Form):
    """The scheme and one group of fields per rule line (``points_<code>``, ``cap_<code>``, …)."""

    version = version_field()
    title = forms.CharField(label=_("考核方案名称"), max_length=200)
    cutoff = forms.DateField(label=_("统计截止日"), widget=DateInput())

    def __init__(self, *args, rules=(), **kwargs) -> None:
        self.rules = list(rules)
        super().__init__(*args, **kwargs)
        for rule in self.rules:
            code = rule.code
            self.fields[f"name_{code}"] = forms.CharField(label=_("规则名称"), max_length=100)
            if rule.kind == RuleKind.RATIO:
                self.fields[f"points_{code}"] = forms.DecimalField(
                    label=_("满分"), min_value=0, max_value=100, decimal_places=2
                )
                self.fields[f"full_rate_{code}"] = forms.DecimalField(
                    label=_("达到多少%得满分"), min_value=0, max_value=100, decimal_places=2
                )
                self.fields[f"when_none_{code}"] = forms.ChoiceField(label=_("无可计量事项时"), choices=WHEN_NONE)
            else:
                self.fields[f"points_{code}"] = forms.DecimalField(
                    label=_("每次扣分"), min_value=0, max_value=100, decimal_places=2
                )
                self.fields[f"cap_{code}"] = forms.DecimalField(
                    label=_("扣分上限"), min_value=0, max_value=100, decimal_places=2, required=False
                )
            # Re-style the fields added after the mixin's __init__.
            for name in (f"name_{code}", f"points_{code}", f"full_rate_{code}", f"cap_{code}", f"when_none_{code}"):
                field = self.fields.get(name)
                if field is not None:
                    css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                    field.widget.attrs["class"] = f"{css} form-control-sm"

    @staticmethod
    def initial_for(scheme, rules) -> dict:
        initial = {"version": scheme.version, "title": scheme.title, "cutoff": scheme.cutoff}
        for rule in rules:
            initial[f"name_{rule.code}"] = rule.name
            initial[f"points_{rule.code}"] = rule.points
            initial[f"cap_{rule.code}"] = rule.cap
            initial[f"full_rate_{rule.code}"] = rule.full_rate
            initial[f"when_none_{rule.code}"] = rule.when_none
        return initial

    def rule_rows(self):
        """(rule, [bound fields]) for the page's table."""
        rows = []
        for rule in self.rules:
            names = ["name", "points", "full_rate", "when_none", "cap"]
            rows.append((rule, {n: self[f"{n}_{rule.code}"] for n in names if f"{n}_{rule.code}" in self.fields}))
        return rows

    def rules_data(self) -> dict:
        data = self.cleaned_data
        rules = {}
        for rule in self.rules:
            code = rule.code
            rules[code] = {
                key: data.get(f"{key}_{code}")
                for key in ("name", "points", "cap", "full_rate", "when_none")
                if f"{key}_{code}" in self.fields
            }
        return rules


class RecomputeForm(StyledFormMixin, forms.Form):
    version = version_field()


class ReviewForm(StyledFormMixin, forms.Form):
    version = version_field()
    comment = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(StyledFormMixin, forms.Form):
    version = version_field()


class FreezeForm(StyledFormMixin, forms.Form):
    version = version_field()


class AdjustForm(StyledFormMixin, forms.Form):
    version = version_field()
    points = forms.DecimalField(label=_("调整后得分"), max_digits=7, decimal_places=2)
    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 3}))
