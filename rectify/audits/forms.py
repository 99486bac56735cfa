from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import AUDITING_ROLES, RoleCode
from rectify.accounts.models import User
from rectify.accounts.scopes import holders_of
from rectify.audits.choices import AuditType
from rectify.audits.services import AUDITABLE_KINDS
from rectify.core.forms import DateInput, StyledFormMixin
from rectify.organizations.models import Organization


class AuditProjectForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    year = forms.IntegerField(label=_("审计年度"))
    type = forms.ChoiceField(label=_("审计类型"), choices=AuditType.choices)
    units = forms.ModelMultipleChoiceField(label=_("被审计单位"), queryset=Organization.objects.none())
    audited_official = forms.CharField(
        label=_("被审计领导干部"), max_length=100, required=False, help_text=_("经济责任审计、自然资源资产审计填写")
    )
    started_on = forms.DateField(label=_("进点日期"), required=False, widget=DateInput())
    leader = forms.ModelChoiceField(label=_("审计组组长"), queryset=User.objects.none(), required=False)
    team = forms.ModelMultipleChoiceField(label=_("审计组成员"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["units"].queryset = Organization.objects.restrict(user).filter(kind__in=AUDITABLE_KINDS)
        self.fields["units"].widget.attrs["size"] = 8
        # An audit office's auditors, or a unit's internal auditors (who audit their own unit only).
        colleagues = holders_of(AUDITING_ROLES, organization_id=user.organization_id)
        if user.has_role(RoleCode.INTERNAL_AUDITOR) and user.organization_id:
            self.fields["type"].initial = AuditType.INTERNAL_AUDIT
            self.fields["units"].initial = [user.organization_id]
        self.fields["leader"].queryset = colleagues
        self.fields["leader"].initial = user.pk
        self.fields["team"].queryset = colleagues
