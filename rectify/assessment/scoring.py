"""The computation: the facts of a year's findings, gathered per unit in a fixed number of queries
(whatever the number of findings), and the points each rule gives them, each with its explanation.

Everything is read as of the scheme's cutoff day, so recomputing on the same data gives the same
figures: a finding is *due* when its deadline is on or before the cutoff or it was closed by then; a
report obligation counts when due by the cutoff (cancelled ones never); the amount rectified is what
each finding's latest verification by the cutoff recognised. Points are Decimal, rounded half up to
the cent; a unit's total is the sum of its lines, never below zero.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from rectify.assessment.choices import RuleCode, RuleKind
from rectify.assessment.models import AssessmentRule, AssessmentScheme
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.interviews.choices import DECIDED_STATES
from rectify.interviews.models import Interview
from rectify.organizations.choices import OrganizationKind
from rectify.rectification.models import Verification
from rectify.referrals.choices import ReferralState
from rectify.referrals.models import Referral
from rectify.reporting.models import Obligation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
# Referrals that count: sent to the receiving body (a draft or an approval not yet sent does not).
SENT_REFERRAL_STATES = (ReferralState.SENT, ReferralState.ACKNOWLEDGED, ReferralState.CONCLUDED)
# The explanation names at most this many records of a group (the page links every one of them).
NAMED = 20


def points(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def shown(value: Decimal) -> str:
    return f"{points(value):,.2f}"


def percent(numerator, denominator) -> Decimal:
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class UnitFacts:
    """What the year's findings of one unit amount to, as of the cutoff."""

    unit_id: int
    findings: list[int] = field(default_factory=list)
    numbers: dict[int, str] = field(default_factory=dict)  # finding id → ledger number
    due: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    involved: dict[int, Decimal] = field(default_factory=dict)  # finding id → amount involved (> 0)
    verified: dict[int, Decimal] = field(default_factory=dict)  # finding id → latest verified amount (> 0)
    on_time: list[int] = field(default_factory=list)  # obligation ids
    late: list[int] = field(default_factory=list)  # obligation ids (late or missed)
    obligation_findings: dict[int, int] = field(default_factory=dict)  # obligation id → finding id
    repeats: dict[int, list[str]] = field(default_factory=dict)  # finding id → earlier ledger numbers
    interviews: list[int] = field(default_factory=list)
    interview_findings: dict[int, int] = field(default_factory=dict)  # interview id → finding id
    referrals: list[int] = field(default_factory=list)
    referral_titles: dict[int, str] = field(default_factory=dict)


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def year_findings(scheme: AssessmentScheme, unit_ids=None):
    """The issued findings of the audits of the scheme's jurisdiction and year (every unit's, or those of
    ``unit_ids``)."""
    findings = Finding.objects.filter(project__jurisdiction_id=scheme.jurisdiction_id, project__year=scheme.year)
    # The audit office's findings: a unit's own internal audit (source 四(三)), whose auditing body is the
    # unit itself, is not assessed here.
    findings = findings.exclude(state=FindingState.DRAFT).filter(
        project__audit_office__kind=OrganizationKind.AUDIT_OFFICE
    )
    if unit_ids is not None:
        findings = findings.filter(unit_id__in=list(unit_ids))
    return findings.order_by()


def gather(scheme: AssessmentScheme, unit_ids=None) -> dict[int, UnitFacts]:
    """The facts of every unit with findings in the year, in six queries whatever their number."""
    cutoff_end = _end_of(scheme.cutoff)
    findings = year_findings(scheme, unit_ids)
    ids = findings.values("pk")
    facts: dict[int, UnitFacts] = {}
    unit_of: dict[int, int] = {}
    rows = findings.values_list("pk", "unit_id", "ledger_number", "state", "deadline", "closed_at", "amount_involved")
    for pk, unit_id, number, state, deadline, closed_at, involved in rows.order_by("ledger_number"):
        unit = facts.setdefault(unit_id, UnitFacts(unit_id))
        unit_of[pk] = unit_id
        unit.findings.append(pk)
        unit.numbers[pk] = number
        closed = state == FindingState.CLOSED and closed_at is not None and closed_at < cutoff_end
        if closed:
            unit.closed.append(pk)
        if closed or (deadline is not None and deadline <= scheme.cutoff):
            unit.due.append(pk)
        if involved and involved > 0:
            unit.involved[pk] = involved
    latest: dict[int, Decimal] = {}
    for finding_id, amount in (
        Verification.objects.filter(finding__in=ids, verified_at__lt=cutoff_end)
        .order_by("finding_id", "verified_at", "pk")
        .values_list("finding_id", "verified_amount")
    ):
        latest[finding_id] = amount or ZERO
    for finding_id, amount in latest.items():
        if amount > 0 and finding_id in unit_of:
            facts[unit_of[finding_id]].verified[finding_id] = amount
    for pk, finding_id, met_at, met_on_time in (
        Obligation.objects.filter(finding__in=ids, due_date__lte=scheme.cutoff, cancelled_at__isnull=True)
        .order_by("due_date", "pk")
        .values_list("pk", "finding_id", "met_at", "met_on_time")
    ):
        unit = facts[unit_of[finding_id]]
        unit.obligation_findings[pk] = finding_id
        if met_at is not None and met_at < cutoff_end and met_on_time:
            unit.on_time.append(pk)
        else:
            unit.late.append(pk)
    for finding_id, earlier in (
        Finding.repeats.through.objects.filter(from_finding__in=ids)
        .order_by("from_finding_id", "to_finding__ledger_number")
        .values_list("from_finding_id", "to_finding__ledger_number")
    ):
        facts[unit_of[finding_id]].repeats.setdefault(finding_id, []).append(earlier)
    for pk, finding_id in (
        Interview.objects.filter(finding__in=ids, state__in=DECIDED_STATES)
        .order_by("pk")
        .values_list("pk", "finding_id")
    ):
        unit = facts[unit_of[finding_id]]
        unit.interviews.append(pk)
        unit.interview_findings[pk] = finding_id
    cited: dict[int, set[int]] = defaultdict(set)
    titles: dict[int, str] = {}
    for referral_id, finding_id, title in (
        Referral.findings.through.objects.filter(
            finding__in=ids, referral__state__in=SENT_REFERRAL_STATES, referral__deleted_at__isnull=True
        )
        .order_by("referral_id", "finding_id")
        .values_list("referral_id", "finding_id", "referral__title")
    ):
        cited[unit_of[finding_id]].add(referral_id)
        titles[referral_id] = title
    for unit_id, referral_ids in cited.items():
        facts[unit_id].referrals = sorted(referral_ids)
        facts[unit_id].referral_titles = {pk: titles[pk] for pk in facts[unit_id].referrals}
    return facts


@dataclass
class Scored:
    points: Decimal
    explanation: str
    facts: dict


def _names(unit: UnitFacts, finding_ids) -> str:
    numbers = [unit.numbers[pk] for pk in finding_ids]
    text = "、".join(numbers[:NAMED])
    return text + (f"等{len(numbers)}个" if len(numbers) > NAMED else "")


def _ratio(rule: AssessmentRule, numerator: Decimal, denominator: Decimal, what: str, facts: dict) -> Scored:
    """Points of a ratio rule: ``rule.points`` × min(1, ratio ÷ full rate)."""
    head = f"规则「{rule.name}」（比例计分，满分{shown(rule.points)}分"
    full_rate = rule.full_rate
    head += "）" if full_rate == HUNDRED else f"，达到{full_rate}%即得满分）"
    if denominator <= 0:
        full = rule.when_none != "zero"
        score = points(rule.points) if full else ZERO
        note = "按满分计" if full else "按0分计"
        return Scored(score, f"{head}：{what}，{note}，得{shown(score)}分。", facts)
    ratio = Decimal(numerator) / Decimal(denominator)
    scaled = min(Decimal(1), ratio * HUNDRED / full_rate) if full_rate > 0 else Decimal(1)
    score = points(rule.points * scaled)
    facts["figures"]["rate"] = str(percent(numerator, denominator))
    formula = f"{shown(rule.points)} × {percent(numerator, denominator)}%"
    if full_rate != HUNDRED:
        formula = f"{shown(rule.points)} × min(1, {percent(numerator, denominator)}% ÷ {full_rate}%)"
    return Scored(score, f"{head}：{what}，得分 = {formula} = {shown(score)}分。", facts)


def _deduction(rule: AssessmentRule, count: int, what: str, facts: dict) -> Scored:
    cap = rule.cap
    head = f"规则「{rule.name}」（每次扣{shown(rule.points)}分" + (
        f"，最多扣{shown(cap)}分）" if cap is not None else "）"
    )
    raw = points(rule.points * count)
    deducted = min(raw, points(cap)) if cap is not None else raw
    if count == 0:
        text = f"{head}：{what}，不扣分。"
    elif deducted < raw:
        text = f"{head}：{what}，应扣 {count} × {shown(rule.points)} = {shown(raw)}分，按上限扣{shown(deducted)}分。"
    else:
        text = f"{head}：{what}，扣 {count} × {shown(rule.points)} = {shown(deducted)}分。"
    facts["figures"]["count"] = count
    return Scored(-deducted if deducted else ZERO, text, facts)


def score(rule: AssessmentRule, unit: UnitFacts, scheme: AssessmentScheme) -> Scored:
    """The points ``rule`` gives ``unit``, the explanation of every point, and the facts behind them."""
    cutoff = scheme.cutoff.isoformat()
    year = scheme.year
    code = rule.code
    if code == RuleCode.RECTIFICATION_RATE:
        due, closed = unit.due, unit.closed
        open_due = [pk for pk in due if pk not in set(closed)]
        facts = {
            "figures": {"due": len(due), "closed": len(closed)},
            "groups": {"closed": closed, "open_due": open_due},
        }
        if not due:
            what = f"{year}年度审计查出的问题截至{cutoff}无到期应完成整改的问题"
        else:
            what = (
                f"{year}年度审计查出的问题截至{cutoff}应完成整改{len(due)}个（整改期限已到或已销号），"
                f"已销号{len(closed)}个"
            )
            if closed:
                what += f"（{_names(unit, closed)}）"
            if open_due:
                what += f"，到期未销号{len(open_due)}个（{_names(unit, open_due)}）"
            what += f"，整改率 = {len(closed)} ÷ {len(due)}"
        return _ratio(rule, Decimal(len(closed)), Decimal(len(due)), what, facts)
    if code == RuleCode.ON_TIME_REPORTING:
        on_time, late = unit.on_time, unit.late
        total = len(on_time) + len(late)
        facts = {
            "figures": {"due": total, "on_time": len(on_time)},
            "groups": {"obligations_on_time": on_time, "obligations_late": late},
            "obligation_findings": {str(k): v for k, v in sorted(unit.obligation_findings.items())},
        }
        if not total:
            what = f"截至{cutoff}无到期的整改情况报送事项"
        else:
            what = f"截至{cutoff}到期的整改情况报送事项{total}项，按期报送{len(on_time)}项"
            if late:
                late_findings = sorted({unit.obligation_findings[pk] for pk in late}, key=unit.numbers.get)
                what += f"，逾期报送或逾期未报{len(late)}项（涉及问题{_names(unit, late_findings)}）"
            what += f"，按期报送率 = {len(on_time)} ÷ {total}"
        return _ratio(rule, Decimal(len(on_time)), Decimal(total), what, facts)
    if code == RuleCode.AMOUNT_RECTIFIED:
        involved_ids = sorted(unit.involved, key=unit.numbers.get)
        involved = sum(unit.involved.values(), ZERO)
        verified_ids = sorted(unit.verified, key=unit.numbers.get)
        # Recognised beyond what a finding involves counts as what it involves.
        verified = sum((min(amount, unit.involved.get(pk, ZERO)) for pk, amount in unit.verified.items()), ZERO)
        facts = {
            "figures": {"involved": str(involved), "verified": str(verified)},
            "groups": {"amount_findings": involved_ids, "verified_findings": verified_ids},
        }
        if involved <= 0:
            what = f"{year}年度审计查出的问题不涉及金额"
        else:
            what = (
                f"{year}年度审计查出的问题涉及金额{shown(involved)}元（{len(involved_ids)}个问题），"
                f"截至{cutoff}认定整改金额{shown(verified)}元"
            )
            if verified_ids:
                what += f"（{_names(unit, verified_ids)}）"
            what += f"，整改金额比例 = {shown(verified)} ÷ {shown(involved)}"
        return _ratio(rule, verified, involved, what, facts)
    if code == RuleCode.REPEAT_FINDINGS:
        repeat_ids = sorted(unit.repeats, key=unit.numbers.get)
        facts = {"figures": {}, "groups": {"repeats": repeat_ids}}
        if repeat_ids:
            pairs = "；".join(f"{unit.numbers[pk]}重复{'、'.join(unit.repeats[pk])}" for pk in repeat_ids[:NAMED])
            what = f"{year}年度审计查出屡审屡犯的问题{len(repeat_ids)}个（{pairs}）"
        else:
            what = f"{year}年度审计查出的问题中没有屡审屡犯的问题"
        return _deduction(rule, len(repeat_ids), what, facts)
    if code == RuleCode.INTERVIEWS:
        facts = {
            "figures": {},
            "groups": {"interviews": unit.interviews},
            "interview_findings": {str(k): v for k, v in unit.interview_findings.items()},
        }
        if unit.interviews:
            about = sorted({unit.interview_findings[pk] for pk in unit.interviews}, key=unit.numbers.get)
            what = f"因{year}年度审计查出的问题被约谈{len(unit.interviews)}次（涉及问题{_names(unit, about)}）"
        else:
            what = f"未因{year}年度审计查出的问题被约谈"
        return _deduction(rule, len(unit.interviews), what, facts)
    if code == RuleCode.REFERRALS:
        facts = {"figures": {}, "groups": {"referrals": unit.referrals}}
        if unit.referrals:
            titles = "；".join(unit.referral_titles[pk] for pk in unit.referrals[:NAMED])
            what = f"{year}年度审计查出的问题被提请追责（移送）{len(unit.referrals)}件（{titles}）"
        else:
            what = f"{year}年度审计查出的问题未被提请追责"
        return _deduction(rule, len(unit.referrals), what, facts)
    raise ValueError(f"unknown rule {code!r}")


def limit_of(rule: AssessmentRule) -> Decimal:
    """A line's bound: the full points of a ratio, the cap of a deduction (0 when it has none)."""
    if rule.kind == RuleKind.RATIO:
        return points(rule.points)
    return points(rule.cap) if rule.cap is not None else ZERO


def total_of(line_points) -> Decimal:
    return max(ZERO, points(sum(line_points, ZERO)))
