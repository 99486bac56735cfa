"""An inspection tour's package for one unit (巡视巡察资料包, source 三(五)): everything of the unit the
caller sees — its findings, their history, plans, progress reports and verifications — read through
the caller's scope, as plain rows that ``rectify.exchange.sharing`` writes as a workbook (one sheet per
kind) and ``rectify.documents.sharing`` summarises in Word.

Interviews and referrals (the accountability the findings led to) are sheets of their own, as the
caller's scope shows them: a subscribing body reads the decided interviews and the sent referrals of
the findings it subscribed to (``rectify.sharing.scopes``). Further kinds join through ``EXTRA_SHEETS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.organizations.models import Organization


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Package:
    unit: Organization
    generated_at: object
    sheets: list[Sheet]

    @property
    def findings(self) -> Sheet:
        return self.sheets[0]


# (user, unit, finding ids) -> Sheet: further kinds (interviews, referrals) registered by their apps.
EXTRA_SHEETS: list[Callable] = []


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value) -> str:
    return value.isoformat() if value else ""


def unit_package(user: User, unit: Organization) -> Package:
    """The package of ``unit`` as ``user`` sees it (only what the user's scope reaches)."""
    from rectify.findings.models import Finding, FindingEvent
    from rectify.rectification.models import Plan, ProgressReport, Verification

    findings = list(
        Finding.objects.restrict(user)
        .filter(unit=unit)
        .select_related("project", "category")
        .order_by("-project__year", "ledger_number")
    )
    ids = [f.pk for f in findings]
    numbers = {f.pk: f.ledger_number for f in findings}
    sheets = [
        Sheet(
            _("问题"),
            [
                _("问题编号"),
                _("审计年度"),
                _("审计类型"),
                _("审计项目"),
                _("问题类别"),
                _("问题摘要"),
                _("问题描述"),
                _("涉及金额（元）"),
                _("整改类型"),
                _("整改期限"),
                _("状态"),
            ],
            [
                [
                    f.ledger_number,
                    str(f.project.year),
                    str(f.project.get_type_display()),
                    f.project.name,
                    f.category.name,
                    f.title,
                    f.description,
                    str(f.amount_involved),
                    str(f.get_kind_display()),
                    _day(f.deadline),
                    str(f.get_state_display()),
                ]
                for f in findings
            ],
        ),
        Sheet(
            _("整改历程"),
            [_("问题编号"), _("时间"), _("事件"), _("原状态"), _("新状态"), _("操作人"), _("说明")],
            [
                [
                    numbers[e.finding_id],
                    _when(e.at),
                    str(e.get_kind_display()),
                    str(e.get_from_state_display()),
                    str(e.get_to_state_display()),
                    e.actor_name,
                    e.comment,
                ]
                for e in FindingEvent.objects.restrict(user)
                .filter(finding_id__in=ids)
                .order_by("finding_id", "at", "pk")
            ],
        ),
        Sheet(
            _("整改方案"),
            [_("问题编号"), _("整改措施"), _("责任人"), _("计划完成时间"), _("提交时间")],
            [
                [
                    numbers[p.finding_id],
                    p.measures,
                    p.responsible_person,
                    _day(p.planned_completion),
                    _when(p.submitted_at),
                ]
                for p in Plan.objects.restrict(user).filter(finding_id__in=ids).order_by("finding_id")
            ],
        ),
        Sheet(
            _("整改报告"),
            [_("问题编号"), _("报送轮次"), _("整改措施"), _("整改进展"), _("未完成原因"), _("报送时间")],
            [
                [
                    numbers[r.finding_id],
                    str(r.round),
                    r.measures,
                    r.progress,
                    r.unfinished_reason,
                    _when(r.submitted_at),
                ]
                for r in ProgressReport.objects.restrict(user)
                .filter(finding_id__in=ids)
                .order_by("finding_id", "round")
            ],
        ),
        Sheet(
            _("核实认定"),
            [_("问题编号"), _("认定结论"), _("认定理由"), _("认定时间")],
            [
                [numbers[v.finding_id], str(v.get_verdict_display()), v.reasons, _when(v.verified_at)]
                for v in Verification.objects.restrict(user)
                .filter(finding_id__in=ids)
                .order_by("finding_id", "verified_at")
            ],
        ),
    ]
    sheets += [_interviews_sheet(user, ids, numbers), _referrals_sheet(user, ids, numbers)]
    sheets.extend(extra(user, unit, ids) for extra in EXTRA_SHEETS)
    return Package(unit=unit, generated_at=timezone.localtime(), sheets=sheets)


def _interviews_sheet(user: User, ids: list[int], numbers: dict[int, str]) -> Sheet:
    from rectify.interviews.models import Interview

    interviews = (
        Interview.objects.restrict(user)
        .filter(finding_id__in=ids)
        .prefetch_related("items")
        .order_by("proposed_on", "pk")
    )
    return Sheet(
        _("约谈"),
        [_("问题编号"), _("约谈事由"), _("状态"), _("约谈时间"), _("被约谈人"), _("整改承诺"), _("整改事项")],
        [
            [
                numbers[i.finding_id],
                str(i.get_ground_display()),
                str(i.get_state_display()),
                _when(i.scheduled_at),
                i.interviewee,
                i.commitments,
                "；".join(f"{item.title}（{item.get_state_display()}）" for item in i.items.all()),
            ]
            for i in interviews
        ],
    )


def _referrals_sheet(user: User, ids: list[int], numbers: dict[int, str]) -> Sheet:
    from rectify.referrals.models import Referral

    citing = Referral.findings.through.objects.filter(finding_id__in=ids).values("referral_id")
    referrals = (
        Referral.objects.restrict(user)
        .filter(pk__in=citing)
        .select_related("recipient")
        .prefetch_related("findings", "persons")
        .order_by("pk")
    )
    return Sheet(
        _("提请追责"),
        [_("问题编号"), _("移送事由"), _("受理机关"), _("状态"), _("移送时间"), _("处理结果"), _("处理人员")],
        [
            [
                "、".join(numbers.get(f.pk, f.ledger_number) for f in r.findings.all()),
                str(r.get_ground_display()),
                r.recipient.name,
                str(r.get_state_display()),
                _when(r.sent_at),
                r.outcome_text,
                "；".join(f"{p.name} {p.position} {p.get_outcome_display()}".strip() for p in r.persons.all()),
            ]
            for r in referrals
        ],
    )
