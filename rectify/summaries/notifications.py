"""The inbox notifications of summary reports: the approver when one awaits approval, the drafter when
it is approved or returned, the recipients' people when it is sent (registered with the notifications
app's rule table)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from rectify.accounts.scopes import holders_of
from rectify.notifications.rules import Rule, Subject, register_rule, register_subject
from rectify.summaries.scopes import BUSINESS_ROLES

if TYPE_CHECKING:
    from rectify.core.events import Event
    from rectify.summaries.models import SummaryReport

LABEL = "summaries.SummaryReport"


def _load(pk: int):
    from rectify.summaries.models import SummaryReport

    return SummaryReport.objects.select_related("issuer").filter(pk=pk).first()


def _facts(report: SummaryReport, event: Event) -> dict[str, str]:
    return {
        "title": report.title,
        "issuer": report.issuer.name,
        "kind": str(report.get_kind_display()),
        "report_date": report.report_date.isoformat(),
        "comment": str(event.data.get("comment") or ""),
    }


def approvers(report: SummaryReport) -> list[int]:
    from rectify.summaries.services import APPROVERS

    return list(holders_of(APPROVERS[report.kind], organization_id=report.issuer_id).values_list("pk", flat=True))


def drafter(report: SummaryReport) -> list[int]:
    return [report.drafted_by_id]


def recipients(report: SummaryReport) -> list[int]:
    orgs = list(report.recipients.values_list("pk", flat=True))
    return list(holders_of(BUSINESS_ROLES, organization_id__in=orgs).values_list("pk", flat=True))


def register() -> None:
    register_subject(Subject(LABEL, _load, _facts, lambda report: report.get_absolute_url()))
    register_rule(
        Rule(
            "summary.submitted",
            (approvers,),
            _("汇总报告待您审批：%(title)s"),
            _("%(issuer)s的「%(kind)s」（截至 %(report_date)s）已报请审批。"),
            subject=LABEL,
        )
    )
    register_rule(
        Rule(
            "summary.approved",
            (drafter,),
            _("汇总报告已审批：%(title)s"),
            _("报告已审批同意，数据已冻结，可以报送。"),
            subject=LABEL,
        )
    )
    register_rule(
        Rule(
            "summary.returned",
            (drafter,),
            _("汇总报告被退回修改：%(title)s"),
            _("退回原因：%(comment)s"),
            subject=LABEL,
        )
    )
    register_rule(
        Rule(
            "summary.sent",
            (recipients,),
            _("收到汇总报告：%(title)s"),
            _("%(issuer)s报送了「%(kind)s」（截至 %(report_date)s），请查阅。"),
            subject=LABEL,
        )
    )
