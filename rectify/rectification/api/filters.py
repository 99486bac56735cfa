"""Filters of plans, report rounds, evidence, verifications and delay explanations.

References are plain ids, so a filter on an out-of-scope finding answers an empty list, exactly as
one on a finding that does not exist."""

import django_filters
from django.utils.translation import gettext_lazy as _

from rectify.core.filters import IdFilter
from rectify.rectification.choices import ReportKind, Verdict
from rectify.rectification.models import DelayExplanation, Evidence, Plan, ProgressReport, Verification


def _finding(field_name: str = "finding_id"):
    return IdFilter(label=_("问题"), field_name=field_name)


class PlanFilterSet(django_filters.FilterSet):
    finding = _finding()

    class Meta:
        model = Plan
        fields = ["finding"]


class ProgressReportFilterSet(django_filters.FilterSet):
    finding = _finding()
    round = IdFilter(label=_("报送轮次"), max_value=32767)
    kind = django_filters.ChoiceFilter(label=_("报告类型"), choices=ReportKind.choices)
    verified = django_filters.BooleanFilter(
        label=_("已核实认定"), field_name="verification", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = ProgressReport
        fields = ["finding", "round", "kind", "verified"]


class EvidenceFilterSet(django_filters.FilterSet):
    finding = _finding("report__finding_id")
    report = IdFilter(label=_("报告"), field_name="report_id")
    sha256 = django_filters.CharFilter(label="SHA-256")

    class Meta:
        model = Evidence
        fields = ["finding", "report", "sha256"]


class VerificationFilterSet(django_filters.FilterSet):
    finding = _finding()
    report = IdFilter(label=_("报告"), field_name="report_id")
    verdict = django_filters.ChoiceFilter(label=_("认定结论"), choices=Verdict.choices)

    class Meta:
        model = Verification
        fields = ["finding", "report", "verdict"]


class DelayExplanationFilterSet(django_filters.FilterSet):
    finding = _finding()

    class Meta:
        model = DelayExplanation
        fields = ["finding"]
