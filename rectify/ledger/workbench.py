"""What awaits each user (工作台): the tasks of their roles, with counts and due dates, most urgent first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, Max, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
from rectify.core.visibility import scope_q
from rectify.findings.choices import Colour, FindingState, Kind
from rectify.findings.models import DeadlineRule, Finding
from rectify.findings.warning import RUNNING_STATES, colour_expression, local_today, warning_days
from rectify.rectification.models import DelayExplanation, ProgressReport

if TYPE_CHECKING:
    from rectify.accounts.models import User

ITEMS_SHOWN = 8
# Used when the long-term deadline rule sets no reporting interval.
DEFAULT_REPORTING_DAYS = 90


@dataclass
class Task:
    key: str
    title: str
    hint: str
    queryset: QuerySet
    filters: dict = field(default_factory=dict)
    style: str = "primary"

    @property
    def count(self) -> int:
        return self.queryset.count()

    @property
    def items(self) -> list[Finding]:
        return list(self.queryset[:ITEMS_SHOWN])

    @property
    def url(self) -> str:
        return reverse("ledger:ledger") + ("?" + urlencode(self.filters, doseq=True) if self.filters else "")


def _unverified_latest_report() -> Exists:
    # ``latest`` sits two levels down: its finding is the outer query's, not the report's it is compared with.
    latest = ProgressReport.objects.filter(finding=OuterRef(OuterRef("pk"))).order_by("-round").values("round")[:1]
    return Exists(ProgressReport.objects.filter(finding=OuterRef("pk"), round=latest, verification__isnull=True))


def _live_delay_explanation() -> Exists:
    """An explanation whose expected completion date has not yet passed."""
    return Exists(DelayExplanation.objects.filter(finding=OuterRef("pk"), expected_completion__gte=local_today()))


def continued_reports_due(findings: QuerySet) -> QuerySet:
    """Long-term findings whose next continued report (持续报送) falls due within the warning days:
    the last report (or the issue) plus the reporting interval of the long-term rule."""
    rule = DeadlineRule.objects.filter(kind=Kind.LONG_TERM).first()
    interval = datetime.timedelta(days=(rule.reporting_interval_days if rule else None) or DEFAULT_REPORTING_DAYS)
    horizon = timezone.now() + datetime.timedelta(days=warning_days()) - interval
    return (
        findings.filter(state=FindingState.LONG_TERM)
        .annotate(last_report=Coalesce(Max("reports__submitted_at"), "issued_at"))
        .filter(last_report__lte=horizon)
        .annotate(due=ExpressionWrapper(F("last_report") + interval, output_field=DateTimeField()))
        .order_by("last_report")
    )


def tasks_for(user: User) -> list[Task]:
    base = (
        Finding.objects.restrict(user)
        .annotate(colour_code=colour_expression())
        .select_related("project", "unit", "category")
    )
    tasks: list[Task] = []
    if user.has_role(*AUDIT_ROLES):
        scope = base.filter(scope_q(Finding, user, "act", roles={RoleCode.AUDITOR}))
        tasks += [
            Task(
                "to_verify",
                _("待核实的整改报告"),
                _("单位已报送，等待核实认定"),
                scope.filter(state=FindingState.SUBMITTED)
                .annotate(waiting=Max("reports__submitted_at"))
                .order_by("waiting"),
                {"state": FindingState.SUBMITTED},
                "success",
            ),
            Task(
                "long_term_reports",
                _("持续整改待核实的报告"),
                _("持续整改事项报送的阶段性情况"),
                scope.filter(state=FindingState.LONG_TERM).filter(_unverified_latest_report()).order_by("deadline"),
                {"state": FindingState.LONG_TERM},
                "info",
            ),
            Task(
                "to_issue",
                _("待下达的问题"),
                _("审计实施中登记的问题，随审计报告下达"),
                scope.filter(state=FindingState.DRAFT).order_by("project__started_on", "ledger_number"),
                {"state": FindingState.DRAFT},
                "secondary",
            ),
            Task(
                "overdue",
                _("逾期未完成整改"),
                _("已超过整改期限，须督促或约谈"),
                scope.filter(colour_code=Colour.RED).order_by("deadline"),
                {"colour": Colour.RED},
                "danger",
            ),
        ]
    if user.has_role(*UNIT_ROLES):
        own = base.filter(unit_id=user.organization_id)
        tasks += [
            Task(
                "to_plan",
                _("待制定整改方案"),
                _("审计报告已下达，请制定整改方案"),
                own.filter(state=FindingState.ISSUED).order_by("deadline"),
                {"state": FindingState.ISSUED},
                "primary",
            ),
            Task(
                "to_report",
                _("待报送整改情况"),
                _("整改中或退回重新整改的问题，按期限先后排列"),
                own.filter(state=FindingState.RECTIFYING).order_by("deadline"),
                {"state": FindingState.RECTIFYING},
                "warning",
            ),
            Task(
                "continued_report_due",
                _("持续整改待报送"),
                _("持续整改事项按报送周期报送阶段性整改情况"),
                continued_reports_due(own),
                {"state": FindingState.LONG_TERM},
                "info",
            ),
            Task(
                "overdue_unexplained",
                _("已逾期、须说明原因"),
                _("未在规定时间内整改又未说明原因的，将约谈主要负责人"),
                own.filter(colour_code=Colour.RED).exclude(_live_delay_explanation()).order_by("deadline"),
                {"colour": Colour.RED},
                "danger",
            ),
            Task(
                "awaiting_verification",
                _("等待审计机关核实"),
                _("已报送的整改情况"),
                own.filter(state=FindingState.SUBMITTED).order_by("deadline"),
                {"state": FindingState.SUBMITTED},
                "secondary",
            ),
        ]
    if user.has_role(RoleCode.DEPT_SUPERVISOR, RoleCode.ORG_OFFICER, RoleCode.FINANCE_OFFICER):
        watched = base.exclude(unit_id=user.organization_id) if user.has_role(*UNIT_ROLES) else base
        tasks += [
            Task(
                "watch_overdue",
                _("逾期未整改（督促）"),
                _("职责范围内已逾期的问题"),
                watched.filter(colour_code=Colour.RED).order_by("deadline"),
                {"colour": Colour.RED},
                "danger",
            ),
            Task(
                "watch_near",
                _("临近整改期限"),
                _("距整改期限不足预警天数的问题"),
                watched.filter(colour_code=Colour.YELLOW).order_by("deadline"),
                {"colour": Colour.YELLOW},
                "warning",
            ),
            Task(
                "watch_open",
                _("整改中的问题"),
                _("职责范围内尚未销号的问题"),
                watched.filter(state__in=[*RUNNING_STATES, FindingState.SUBMITTED]).order_by("deadline"),
                {"state": [*RUNNING_STATES, FindingState.SUBMITTED]},
                "secondary",
            ),
        ]
    return tasks
