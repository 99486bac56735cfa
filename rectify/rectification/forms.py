from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import DateInput, MoneyField, MultipleFileField, StyledFormMixin, version_field
from rectify.rectification.choices import AMOUNT_METHODS, AccountabilityOutcome, Verdict

ACCEPTED_EXTENSIONS = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.bmp,.tif,.tiff,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.wps,.ofd,.zip"


class PlanForm(StyledFormMixin, forms.Form):
    measures = forms.CharField(label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 5}))
    responsible_department = forms.CharField(label=_("责任部门（科室）"), max_length=100, required=False)
    responsible_person = forms.CharField(label=_("责任人"), max_length=50)
    planned_completion = forms.DateField(label=_("计划完成时间"), widget=DateInput())
    delay_reason = forms.CharField(
        label=_("延期说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("计划完成时间晚于整改期限时必填，作为延期原因报送审计机关"),
    )
    version = version_field()

    def __init__(self, *args, deadline=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if deadline:
            # The page warns as soon as a date after the deadline is chosen (plan.js).
            self.fields["planned_completion"].widget.attrs.update(
                {
                    "data-deadline": deadline.isoformat(),
                    "data-late": _("计划完成时间晚于整改期限（%s），请在下方填写延期说明。") % deadline.isoformat(),
                }
            )


class MilestoneForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("阶段目标"), max_length=200, required=False)
    due_date = forms.DateField(label=_("完成时限"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("due_date"):
            self.add_error("due_date", _("请填写该阶段目标的完成时限。"))
        if data.get("due_date") and not data.get("title"):
            self.add_error("title", _("请填写阶段目标。"))
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=3, max_num=20)


class ReportForm(StyledFormMixin, forms.Form):
    rendered_apart = tuple(field for field, _label in AMOUNT_METHODS)

    measures = forms.CharField(label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 3}))
    progress = forms.CharField(label=_("整改进展"), widget=forms.Textarea(attrs={"rows": 3}))
    unfinished_reason = forms.CharField(label=_("未完成原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_steps = forms.CharField(label=_("下一步措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_steps_due = forms.DateField(label=_("下一步措施时限"), required=False, widget=DateInput())
    excess_reason = forms.CharField(
        label=_("整改金额超出涉及金额的说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rules = forms.CharField(
        label=_("制定完善制度"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一项：制度名称｜文号（文号可省略）"),
    )
    finding_version = version_field()
    evidence = MultipleFileField(
        label=_("佐证材料"), required=False, help_text=_("可选择多个文件：PDF、图片、Word、Excel、OFD、ZIP")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget.attrs.update(
            {
                "data-upload": "evidence",
                "data-max-bytes": str(settings.RECTIFY_EVIDENCE_MAX_BYTES),
                "data-drop-text": _("将佐证材料拖到此处，或点击选择文件（可多选）"),
                "data-too-big": _("文件「%s」超过大小上限"),
                "data-bad-type": _("文件「%s」不是允许的类型"),
                "data-empty": _("文件「%s」是空文件"),
                "data-failed": _("上传失败，请检查网络后重试"),
                "data-progress-label": _("上传进度"),
                "data-kept": _("您选择的佐证材料已保留，无需重新选择：%s"),
                "accept": ACCEPTED_EXTENSIONS,
            }
        )
        for field, label in AMOUNT_METHODS:
            self.fields[field] = MoneyField(label=_("%(method)s（元）") % {"method": label})
            self.fields[field].widget.attrs["class"] = "form-control"

    @property
    def dropped_files(self) -> list[str]:
        """The names of the evidence files sent with a report that was not accepted: a file input comes
        back empty, so the page says which files must be chosen again (the upload script keeps them)."""
        if not self.is_bound or not self.errors:
            return []
        return [upload.name for upload in self.files.getlist(self.add_prefix("evidence"))]

    @property
    def amount_fields(self):
        return [self[field] for field, _label in AMOUNT_METHODS]

    def amounts(self) -> dict:
        return {field: self.cleaned_data.get(field) for field, _label in AMOUNT_METHODS}

    def rule_rows(self) -> list[dict]:
        rows = []
        for line in (self.cleaned_data.get("rules") or "").splitlines():
            if not line.strip():
                continue
            title, _sep, number = line.replace("|", "｜").partition("｜")
            rows.append({"title": title.strip().strip("《》"), "document_number": number.strip()})
        return rows


class AccountabilityForm(StyledFormMixin, forms.Form):
    person_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    position = forms.CharField(label=_("职务"), max_length=100, required=False)
    outcome = forms.ChoiceField(
        label=_("处理方式"), choices=[("", "—"), *AccountabilityOutcome.choices], required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("person_name") and not data.get("outcome"):
            self.add_error("outcome", _("请选择处理方式。"))
        return data


AccountabilityFormSet = forms.formset_factory(AccountabilityForm, extra=2, max_num=50)


class VerifyForm(StyledFormMixin, forms.Form):
    verdict = forms.ChoiceField(label=_("认定结论"), choices=Verdict.choices, widget=forms.RadioSelect)
    verified_amount = MoneyField(label=_("认定整改金额（元）"))
    complete = forms.BooleanField(label=_("整改完整"), required=False, initial=True)
    compliant = forms.BooleanField(label=_("整改合规"), required=False, initial=True)
    reasons = forms.CharField(label=_("认定理由"), widget=forms.Textarea(attrs={"rows": 3}))
    confirm_close = forms.BooleanField(
        label=_("我已确认：认定为「已整改」即对账销号，该问题关闭，不再要求单位整改"),
        required=False,
    )

    def __init__(self, *args, closes_when_rectified: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["verdict"].widget.attrs["class"] = "form-check-input"
        self.fields["verdict"].help_text = (
            _("「已整改」将对该问题销号（关闭）；其他结论将退回单位重新整改。")
            if closes_when_rectified
            else _("持续整改事项的阶段性报告：认定不改变问题的状态。")
        )
        self.closes_when_rectified = closes_when_rectified
        if not closes_when_rectified:
            del self.fields["confirm_close"]

    def clean(self):
        data = super().clean()
        closing = self.closes_when_rectified and data.get("verdict") == Verdict.RECTIFIED
        if closing and not data.get("confirm_close"):
            self.add_error("confirm_close", _("认定为「已整改」将对该问题销号，请勾选确认。"))
        data.pop("confirm_close", None)
        return data


class DelayDecisionForm(StyledFormMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label=_("审核结果"),
        choices=[("1", _("同意延期")), ("0", _("不同意延期"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不同意延期时必须填写，将告知整改责任单位"),
    )


class DelayForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("未按期完成的原因"), widget=forms.Textarea(attrs={"rows": 4}))
    expected_completion = forms.DateField(label=_("预计完成时间"), widget=DateInput())
