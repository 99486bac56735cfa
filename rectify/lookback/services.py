"""Looking back (整改回头看): rules, a deterministic stratified draw, re-checks, and re-occurrence after close-out.

draw_sample (an audit office's auditor): the closed findings of the office's jurisdiction matching each rule
    form one stratum per rule; the size is shared out evenly among the rules chosen (in the order of
    ``LookbackRule``), a stratum short of findings passes its share on; each stratum is drawn with its own
    generator seeded by (seed, rule), so the same seed, rules and ledger give the same sample. Each item keeps
    the rule that chose it and the reason in words.
assign_auditor, record_recheck (the office's auditors; optimistic locking on the item).
A relapsed re-check flags the finding (``relapses``); a confirmed repeat link from a later finding to an
earlier closed one marks re-occurrence after close-out (``reoccurrences``), on both findings.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accounts.choices import AUDIT_ROLES
from rectify.accounts.scopes import holders_of, is_audit_office_auditor
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import bump_version, check_version
from rectify.findings.choices import FindingState
from rectify.findings.models import Category, Finding
from rectify.findings.scopes import INTERNAL
from rectify.findings.warning import local_today
from rectify.lookback.choices import LookbackRule, RecheckResult
from rectify.lookback.models import LookbackSample, SampleItem
from rectify.rectification.choices import Verdict
from rectify.rectification.models import Verification

if TYPE_CHECKING:
    from rectify.accounts.models import User

NOT_FOUND = gettext_lazy("回头看抽样不存在，或不在您的职责范围内。")
REFUSED = gettext_lazy("只有审计机关人员可以开展整改回头看。")
MAX_SIZE = 500

Repeat = Finding.repeats.through


@dataclass(frozen=True)
class Rules:
    min_amount: Decimal | None = None
    categories: tuple[Category, ...] = ()
    repeat_history: bool = False
    false_history: bool = False

    def enabled(self) -> list[str]:
        chosen = []
        if self.min_amount is not None:
            chosen.append(LookbackRule.AMOUNT)
        if self.categories:
            chosen.append(LookbackRule.CATEGORY)
        if self.repeat_history:
            chosen.append(LookbackRule.REPEAT_HISTORY)
        if self.false_history:
            chosen.append(LookbackRule.FALSE_RECTIFICATION)
        return chosen


def may_draw(user: User) -> bool:
    return bool(user.is_authenticated) and is_audit_office_auditor(user)


def closed_findings(office) -> QuerySet:
    """The population: closed findings of the office's own jurisdiction (units' internal audits left out)."""
    return Finding.objects.filter(state=FindingState.CLOSED, project__jurisdiction_id=office.jurisdiction_id).exclude(
        INTERNAL
    )


def repeat_units() -> QuerySet:
    """Units with a repeat history: one of their findings is confirmed to repeat an earlier one."""
    return Repeat.objects.values("from_finding__unit_id")


def false_rectification_units() -> QuerySet:
    return Verification.objects.filter(verdict=Verdict.FALSE_RECTIFICATION).values("finding__unit_id")


def stratum(office, rule: str, rules: Rules) -> QuerySet:
    base = closed_findings(office)
    if rule == LookbackRule.AMOUNT:
        return base.filter(amount_involved__gte=rules.min_amount)
    if rule == LookbackRule.CATEGORY:
        ids = [c.pk for c in rules.categories]
        return base.filter(Q(category_id__in=ids) | Q(category__parent_id__in=ids))
    if rule == LookbackRule.REPEAT_HISTORY:
        return base.filter(unit_id__in=repeat_units())
    return base.filter(unit_id__in=false_rectification_units())


def _reason(rule: str, finding: Finding, rules: Rules) -> str:
    if rule == LookbackRule.AMOUNT:
        return _("涉及金额 %(amount)s 元，不低于 %(min)s 元") % {
            "amount": finding.amount_involved,
            "min": rules.min_amount,
        }
    if rule == LookbackRule.CATEGORY:
        return _("问题类别「%(category)s」属于重点复查类别") % {"category": finding.category}
    if rule == LookbackRule.REPEAT_HISTORY:
        return _("责任单位「%(unit)s」有屡审屡犯记录") % {"unit": finding.unit.name}
    return _("责任单位「%(unit)s」曾被认定虚假整改") % {"unit": finding.unit.name}


def plan_draw(office, rules: Rules, *, seed: int, size: int) -> tuple[list[tuple[int, str]], int]:
    """The draw, without writing: ``[(finding id, rule)]`` in draw order, and the population size.
    Deterministic: the same seed, rules and ledger give the same list."""
    enabled = rules.enabled()
    pools = {rule: sorted(stratum(office, rule, rules).values_list("pk", flat=True)) for rule in enabled}
    population = len(set().union(*pools.values())) if pools else 0
    quotas = {rule: size // len(enabled) + (1 if i < size % len(enabled) else 0) for i, rule in enumerate(enabled)}
    chosen: dict[int, str] = {}
    carry = 0
    for passes in (0, 1):
        for rule in enabled:
            want = (quotas[rule] + carry) if passes == 0 else carry
            if want <= 0:
                continue
            available = [pk for pk in pools[rule] if pk not in chosen]
            rng = random.Random(f"{seed}:{rule}:{passes}")
            taken = rng.sample(available, min(want, len(available)))
            for pk in taken:
                chosen[pk] = rule
            carry = want - len(taken)
    return list(chosen.items()), population


def draw_sample(actor: User, *, title: str, seed: int | None, size: int | None, rules: Rules) -> LookbackSample:
    """Draws a sample of closed findings for re-checking and records it with each item's rule and reason."""
    if not may_draw(actor):
        raise ActionRefused(REFUSED, code="forbidden")
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("请填写名称。")]
    if size is None or not 1 <= size <= MAX_SIZE:
        errors["size"] = [_("抽样数量须在 1 到 %(max)s 之间。") % {"max": MAX_SIZE}]
    if seed is None or seed < 0:
        errors["seed"] = [_("请填写随机种子（非负整数）。")]
    if rules.min_amount is not None and rules.min_amount < 0:
        errors["min_amount"] = [_("金额不能为负数。")]
    if not rules.enabled():
        errors["__all__"] = [_("请至少设置一条复查规则。")]
    if errors:
        raise ActionRefused(errors)
    office = actor.organization
    planned, population = plan_draw(office, rules, seed=seed, size=size)
    if not planned:
        raise ActionRefused(_("没有符合规则的已销号问题。"))
    findings = Finding.objects.select_related("unit", "category__parent").in_bulk([pk for pk, _rule in planned])
    with transaction.atomic():
        sample = LookbackSample(
            office=office, title=title[:200], seed=seed, size=size, min_amount=rules.min_amount,
            repeat_history=rules.repeat_history, false_history=rules.false_history, population=population,
            drawn_by=actor,
        )  # fmt: skip
        sample._history_user = actor
        sample.save()
        sample.categories.set(rules.categories)
        SampleItem.objects.bulk_create(
            SampleItem(
                sample=sample, finding_id=pk, position=i, rule=rule, reason=_reason(rule, findings[pk], rules)[:300]
            )
            for i, (pk, rule) in enumerate(planned, start=1)
        )
    return sample


def _lock_item(actor: User, item: SampleItem | int) -> SampleItem:
    pk = item.pk if isinstance(item, SampleItem) else item
    sample_ids = LookbackSample.objects.restrict(actor, "act").values("pk")
    found = SampleItem.objects.filter(sample_id__in=sample_ids, pk=pk).select_for_update().first()
    if found is None:
        if SampleItem.objects.filter(sample__in=LookbackSample.objects.restrict(actor), pk=pk).exists():
            raise ActionRefused(REFUSED, code="forbidden")
        raise ActionRefused(NOT_FOUND, code="not_found")
    return found


def auditor_choices(office) -> QuerySet:
    return holders_of(AUDIT_ROLES, organization_id=office.pk).order_by("full_name")


def assign_auditor(actor: User, item: SampleItem | int, auditor: User, *, version: object = None) -> SampleItem:
    with transaction.atomic():
        item = _lock_item(actor, item)
        check_version(item, version)
        if not auditor_choices(actor.organization).filter(pk=auditor.pk).exists():
            raise ActionRefused({"auditor": [_("复查人员须为本机关审计人员。")]})
        item.auditor = auditor
        bump_version(item)
        item._history_user = actor
        item.save()
    return item


def record_recheck(
    actor: User,
    item: SampleItem | int,
    *,
    result: str,
    note: str,
    checked_on: datetime.date | None = None,
    auditor: User | None = None,
    version: object = None,
) -> SampleItem:
    """Records the re-check of a sampled finding: holds, relapsed (flags the finding) or not checked."""
    note = (note or "").strip()
    with transaction.atomic():
        item = _lock_item(actor, item)
        check_version(item, version)
        errors = {}
        if result not in RecheckResult.values:
            errors["result"] = [_("复查结果「%(value)s」无效。") % {"value": result}]
        if result == RecheckResult.RELAPSED and not note:
            errors["note"] = [_("问题反弹的，请说明复查发现的情况。")]
        if checked_on is not None and checked_on > local_today():
            errors["checked_on"] = [_("复查日期不能晚于今天。")]
        if auditor is not None and not auditor_choices(actor.organization).filter(pk=auditor.pk).exists():
            errors["auditor"] = [_("复查人员须为本机关审计人员。")]
        if errors:
            raise ActionRefused(errors)
        if auditor is not None:
            item.auditor = auditor
        item.result = result
        item.note = note
        if result == RecheckResult.NOT_CHECKED:
            item.checked_on, item.checked_by = None, None
        else:
            item.checked_on = checked_on or local_today()
            item.checked_by = actor
            item.auditor = item.auditor or actor
        bump_version(item)
        item._history_user = actor
        item.save()
    return item


# --- derived flags ------------------------------------------------------------------------------


def relapses(finding: Finding) -> QuerySet:
    """The relapsed re-checks of a finding (its derived relapse flag)."""
    return SampleItem.objects.filter(finding=finding, result=RecheckResult.RELAPSED).select_related("sample")


AFTER_CLOSE_OUT = Q(to_finding__state=FindingState.CLOSED, to_finding__closed_at__isnull=False) & Q(
    to_finding__closed_at__lte=F("from_finding__created")
)


def reoccurrences(findings: QuerySet | None = None) -> QuerySet:
    """Confirmed repeat links whose earlier finding had been closed out before the later one was recorded:
    the problem re-occurred after close-out. ``findings`` narrows to links whose later finding is among them."""
    links = Repeat.objects.filter(AFTER_CLOSE_OUT)
    if findings is not None:
        links = links.filter(from_finding__in=findings.values("pk"))
    return links.select_related(
        "from_finding__unit", "from_finding__project", "to_finding__unit", "to_finding__project"
    ).order_by("-from_finding__created", "-pk")


def is_flagged(finding: Finding) -> bool:
    """Whether a finding carries a looking-back flag (a relapsed re-check, or re-occurrence after close-out
    either way), in one query."""
    links = Repeat.objects.filter(AFTER_CLOSE_OUT)
    return (
        SampleItem.objects.filter(finding=finding, result=RecheckResult.RELAPSED)
        .values("pk")
        .union(links.filter(Q(from_finding=finding) | Q(to_finding=finding)).values("pk"))
        .exists()
    )


def reoccurrence_of(finding: Finding) -> dict[str, list[Finding]]:
    """For a finding's page: the earlier closed findings it re-occurs, and the later findings re-occurring it."""
    links = Repeat.objects.filter(AFTER_CLOSE_OUT).filter(Q(from_finding=finding) | Q(to_finding=finding))
    links = links.select_related("from_finding", "to_finding")
    return {
        "earlier": [link.to_finding for link in links if link.from_finding_id == finding.pk],
        "later": [link.from_finding for link in links if link.to_finding_id == finding.pk],
    }


def progress(sample: LookbackSample) -> dict[str, int]:
    counts = {value: 0 for value in RecheckResult.values}
    for row in sample.items.values("result"):
        counts[row["result"]] += 1
    return counts


def samples_with_progress(user: User) -> list[LookbackSample]:
    """The samples the user sees with their re-check counts (one aggregate query)."""
    from django.db.models import Count

    return list(
        LookbackSample.objects.restrict(user)
        .select_related("office", "drawn_by")
        .annotate(
            total=Count("items"),
            checked=Count("items", filter=~Q(items__result=RecheckResult.NOT_CHECKED)),
            relapsed=Count("items", filter=Q(items__result=RecheckResult.RELAPSED)),
        )
        .order_by("-created", "-pk")[:50]
    )
