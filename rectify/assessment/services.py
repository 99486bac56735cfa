"""The assessment's named actions; the pages, the API, the job and the demo call these.

Scheme: ``create_scheme`` (with the default rules, 100 points), ``update_scheme`` (the audit office,
until frozen), ``freeze_scheme`` (the audit leader). Computation: ``request_computation`` queues
``compute_scheme`` (the job) for the whole year; ``recompute`` redoes one unit at once. Review:
``adjust_line`` (the audit leader, with a written reason), ``review`` (computed → reviewed), ``confirm``
(reviewed → confirmed, which freezes the assessment and its scheme). Every action runs in one
transaction on the row it locks through the scope, checks the version it was read at when given one,
and publishes its event.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from rectify.accounts.choices import AUDIT_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor
from rectify.assessment import scoring
from rectify.assessment.choices import (
    RULE_KINDS,
    AssessmentState,
    ComputationStatus,
    RuleCode,
    RuleKind,
    SchemeState,
)
from rectify.assessment.models import Assessment, AssessmentLine, AssessmentRule, AssessmentScheme, LineAdjustment
from rectify.core import jobs
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import bump_version, check_version, lock_for_action

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.organizations.models import Jurisdiction

LEADER = frozenset({RoleCode.AUDIT_LEADER})
SCHEME_NOT_FOUND = _("考核方案不存在，或不在您的职责范围内。")
NOT_FOUND = _("考核结果不存在，或不在您的职责范围内。")
FULL_MARKS = Decimal("100.00")

# The default scheme (code, name, points, cap, parameters): 100 points of ratios, and deductions.
DEFAULT_RULES: list[tuple[str, str, str, str | None, dict]] = [
    (RuleCode.RECTIFICATION_RATE, "整改率", "50.00", None, {"full_rate": 100, "when_none": "full"}),
    (RuleCode.ON_TIME_REPORTING, "按期报送整改情况", "25.00", None, {"full_rate": 100, "when_none": "full"}),
    (RuleCode.AMOUNT_RECTIFIED, "整改金额到位", "25.00", None, {"full_rate": 100, "when_none": "full"}),
    (RuleCode.REPEAT_FINDINGS, "屡审屡犯扣分", "2.00", "10.00", {}),
    (RuleCode.INTERVIEWS, "被约谈扣分", "3.00", "9.00", {}),
    (RuleCode.REFERRALS, "被提请追责扣分", "5.00", "10.00", {}),
]


def default_cutoff(year: int) -> datetime.date:
    """An audit year's findings are issued and rectified the year after it: counted to its end."""
    return datetime.date(year + 1, 12, 31)


# --- who may -----------------------------------------------------------------------------------------


def may_manage(user: User) -> bool:
    """Whether the user works on schemes and assessments at all (an audit office's auditor or leader)."""
    return is_audit_office_auditor(user)


def may_lead(user: User) -> bool:
    return is_audit_office_auditor(user, LEADER)


def scheme_steps_for(user: User, scheme: AssessmentScheme) -> set[str]:
    if not AssessmentScheme.objects.restrict(user, "act").filter(pk=scheme.pk).exists():
        return set()
    steps = {"compute"}
    if not scheme.is_frozen:
        steps.add("edit")
        if may_lead(user):
            steps.add("freeze")
    return steps


def steps_for(user: User, assessment: Assessment) -> set[str]:
    if assessment.is_frozen or not Assessment.objects.restrict(user, "act").filter(pk=assessment.pk).exists():
        return set()
    steps = {"recompute"}
    if may_lead(user):
        steps.add("adjust")
        if assessment.state == AssessmentState.COMPUTED:
            steps.add("review")
        if assessment.state == AssessmentState.REVIEWED:
            steps.add("confirm")
    return steps


# --- schemes -------------------------------------------------------------------------------------------


def _rules_of(scheme: AssessmentScheme) -> list[AssessmentRule]:
    return [
        AssessmentRule(
            scheme=scheme,
            sequence=index,
            code=code,
            name=name,
            kind=RULE_KINDS[code],
            points=Decimal(value),
            cap=Decimal(cap) if cap is not None else None,
            parameters=dict(parameters),
        )
        for index, (code, name, value, cap, parameters) in enumerate(DEFAULT_RULES, start=1)
    ]


@transaction.atomic
def create_scheme(actor: User, year: int, *, cutoff: datetime.date | None = None, title: str = "") -> AssessmentScheme:
    """A scheme for ``year`` in the actor's jurisdiction, with the default rules (100 points)."""
    if not may_manage(actor):
        raise ActionRefused(_("只有审计机关可以制定考核方案。"), code="forbidden")
    jurisdiction: Jurisdiction = actor.organization.jurisdiction
    if not 2000 <= int(year) <= 2100:
        raise ActionRefused({"year": [_("考核年度应在2000至2100之间。")]})
    if AssessmentScheme.all_objects.filter(jurisdiction=jurisdiction, year=year).exists():
        raise ActionRefused({"year": [_("%(year)s年度的考核方案已经存在。") % {"year": year}]})
    scheme = AssessmentScheme(
        jurisdiction=jurisdiction,
        year=year,
        title=(title or "").strip()
        or _("%(place)s%(year)s年度审计整改目标管理绩效考核方案") % {"place": jurisdiction.name, "year": year},
        cutoff=cutoff or default_cutoff(year),
    )
    scheme._history_user = actor
    scheme.save()
    for rule in _rules_of(scheme):
        rule._history_user = actor
        rule.save()
    publish("assessment_scheme.created", scheme, actor=actor, year=year)
    return scheme


def _lock_scheme(actor: User, pk, roles=AUDIT_ROLES, forbidden: str | None = None) -> AssessmentScheme:
    return lock_for_action(
        AssessmentScheme.objects.select_related("jurisdiction"),
        actor,
        pk,
        roles=roles,
        not_found=SCHEME_NOT_FOUND,
        forbidden=forbidden or _("只有审计机关可以办理考核方案。"),
    )


def _require_draft(scheme: AssessmentScheme) -> None:
    if scheme.is_frozen:
        raise ActionRefused(_("考核方案已定稿，不能再修改。"), code="invalid_state")


def _decimal(value: Any, field: str, label: str, errors: dict) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("%(label)s不是有效的数值。") % {"label": label})
        return None
    if not number.is_finite() or number < 0 or number > 1000:
        errors.setdefault(field, []).append(_("%(label)s应在0至1000之间。") % {"label": label})
        return None
    return scoring.points(number)


@transaction.atomic
def update_scheme(
    actor: User,
    pk,
    *,
    title: str,
    cutoff: datetime.date,
    rules: dict[str, dict[str, Any]],
    version=None,
) -> AssessmentScheme:
    """Edits the scheme and its rule lines (``rules``: code → name, points, cap, full_rate, when_none).
    The ratios' full points must add up to 100; a deduction needs its points per occurrence."""
    scheme = _lock_scheme(actor, pk)
    _require_draft(scheme)
    check_version(scheme, version)
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("请填写考核方案名称。")]
    if cutoff is None:
        errors["cutoff"] = [_("请填写统计截止日。")]
    current = {rule.code: rule for rule in scheme.rules.order_by("sequence")}
    changed: list[AssessmentRule] = []
    total = Decimal("0")
    for code, rule in current.items():
        data = rules.get(code, {})
        name = (data.get("name") or rule.name).strip()[:100]
        value = _decimal(data.get("points", rule.points), f"points_{code}", rule.name, errors)
        cap = _decimal(data.get("cap", rule.cap), f"cap_{code}", rule.name, errors)
        parameters = dict(rule.parameters)
        if rule.kind == RuleKind.RATIO:
            full_rate = _decimal(data.get("full_rate", rule.full_rate), f"full_rate_{code}", rule.name, errors)
            if full_rate is not None and not (0 < full_rate <= 100):
                errors.setdefault(f"full_rate_{code}", []).append(
                    _("%(label)s的满分比例应大于0、不超过100。") % {"label": rule.name}
                )
            elif full_rate is not None:
                parameters["full_rate"] = int(full_rate) if full_rate == full_rate.to_integral() else str(full_rate)
            when_none = data.get("when_none", rule.when_none)
            if when_none not in ("full", "zero"):
                errors.setdefault(f"when_none_{code}", []).append(_("请选择无可计量事项时的计分方式。"))
            else:
                parameters["when_none"] = when_none
            cap = None
            total += value or 0
        if value is None and f"points_{code}" not in errors:
            errors[f"points_{code}"] = [_("请填写%(label)s的分值。") % {"label": rule.name}]
        if value is not None and (
            value != rule.points or cap != rule.cap or name != rule.name or parameters != rule.parameters
        ):
            rule.name, rule.points, rule.cap, rule.parameters = name, value, cap, parameters
            changed.append(rule)
    if not errors and scoring.points(total) != FULL_MARKS:
        errors["__all__"] = [
            _("比例计分规则的满分合计应为100分（现为%(total)s分）。") % {"total": scoring.shown(total)}
        ]
    if errors:
        raise ActionRefused(errors)
    for rule in changed:
        rule._history_user = actor
        rule.save()
    scheme.title = title.strip()[:200]
    scheme.cutoff = cutoff
    bump_version(scheme)
    scheme._history_user = actor
    scheme.save()
    publish("assessment_scheme.updated", scheme, actor=actor, rules=[rule.code for rule in changed])
    return scheme


@transaction.atomic
def freeze_scheme(actor: User, pk, *, version=None) -> AssessmentScheme:
    """定稿: the rules can no longer change (the audit leader; confirming a result does it too)."""
    scheme = _lock_scheme(actor, pk, LEADER, _("只有审计机关领导可以将考核方案定稿。"))
    _require_draft(scheme)
    check_version(scheme, version)
    _freeze(scheme, actor)
    return scheme


def _freeze(scheme: AssessmentScheme, actor: User) -> None:
    scheme.state = SchemeState.FROZEN
    scheme.frozen_by, scheme.frozen_at = actor, timezone.now()
    bump_version(scheme)
    scheme._history_user = actor
    scheme.save()
    publish("assessment_scheme.frozen", scheme, actor=actor)


# --- computation ---------------------------------------------------------------------------------------


def request_computation(actor: User, pk) -> AssessmentScheme:
    """Queues the computation of the whole year (every unit with findings); confirmed results stay."""
    with transaction.atomic():
        scheme = _lock_scheme(actor, pk)
        scheme.computation_status = ComputationStatus.PENDING
        scheme.computation_error = ""
        scheme.save(update_fields=["computation_status", "computation_error", "last_updated"])
        transaction.on_commit(
            lambda: jobs.enqueue("rectify.assessment.jobs.compute_scheme", scheme.pk, actor.pk, group="assessment")
        )
    return scheme


def compute_scheme(scheme_id: int, actor_id: int | None = None) -> dict[str, int]:
    """The job: every unit with findings in the scheme's year computed (confirmed ones left as they are).
    A failure is recorded on the scheme and leaves the results as they were."""
    from rectify.accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        with transaction.atomic():
            scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme_id)
            counts = _compute(scheme, actor)
            scheme.computation_status = ComputationStatus.DONE
            scheme.computation_error = ""
            scheme.computed_at = timezone.now()
            scheme.save(update_fields=["computation_status", "computation_error", "computed_at", "last_updated"])
            publish("assessment_scheme.computed", scheme, actor=actor, **counts)
        return counts
    except AssessmentScheme.DoesNotExist:
        return {}
    except Exception as error:
        AssessmentScheme.all_objects.filter(pk=scheme_id).update(
            computation_status=ComputationStatus.FAILED, computation_error=str(error)[:2000]
        )
        raise


@transaction.atomic
def recompute(actor: User, pk, *, version=None) -> Assessment:
    """Computes one unit's assessment again at once (the audit office); refused once confirmed."""
    assessment = lock_for_action(
        Assessment.objects.select_related("scheme"),
        actor,
        pk,
        roles=AUDIT_ROLES,
        not_found=NOT_FOUND,
        forbidden=_("只有审计机关可以计算考核结果。"),
    )
    _require_not_frozen(assessment, _("重新计算"))
    check_version(assessment, version)
    _compute(assessment.scheme, actor, unit_ids=[assessment.unit_id])
    return Assessment.all_objects.get(pk=assessment.pk)


def _require_not_frozen(assessment: Assessment, action: str) -> None:
    if assessment.is_frozen:
        raise ActionRefused(
            _("考核结果已确认，不能%(action)s。") % {"action": action},
            code="invalid_state",
        )


def _compute(scheme: AssessmentScheme, actor: User | None, unit_ids=None) -> dict[str, int]:
    """Writes the assessments of ``scheme`` (of ``unit_ids`` only, when given) in a bounded number of
    queries: the facts (six), the rules, the assessments and lines there are, then bulk writes."""
    now = timezone.now()
    facts = scoring.gather(scheme, unit_ids)
    rules = list(scheme.rules.order_by("sequence"))
    existing_qs = Assessment.all_objects.filter(scheme=scheme)
    if unit_ids is not None:
        existing_qs = existing_qs.filter(unit_id__in=list(unit_ids))
    existing = {a.unit_id: a for a in existing_qs.select_for_update()}
    lines = {
        (line.assessment_id, line.rule_id): line
        for line in AssessmentLine.all_objects.filter(assessment__in=[a.pk for a in existing.values()])
    }
    new_assessments: list[Assessment] = []
    changed_assessments: list[Assessment] = []
    new_lines: list[tuple[Assessment, AssessmentLine]] = []
    changed_lines: list[AssessmentLine] = []
    superseded: list[int] = []
    counts = {"computed": 0, "changed": 0, "unchanged": 0, "skipped": 0, "removed": 0}
    for unit_id in sorted(facts):
        unit = facts[unit_id]
        assessment = existing.get(unit_id)
        if assessment is not None and assessment.is_frozen and assessment.deleted_at is None:
            counts["skipped"] += 1
            continue
        counts["computed"] += 1
        scored = [(rule, scoring.score(rule, unit, scheme)) for rule in rules]
        if assessment is None:
            assessment = Assessment(
                scheme=scheme, year=scheme.year, unit_id=unit_id, computed_at=now, computed_by=actor
            )
            new_assessments.append(assessment)
            for rule, result in scored:
                new_lines.append((assessment, _line(assessment, rule, result)))
            continue
        changed = assessment.deleted_at is not None
        final = []
        for rule, result in scored:
            line = lines.get((assessment.pk, rule.pk))
            if line is None:
                new_lines.append((assessment, _line(assessment, rule, result)))
                final.append(result.points)
                changed = True
                continue
            limit = scoring.limit_of(rule)
            same = (
                line.computed_points == result.points
                and line.explanation == result.explanation
                and line.facts == result.facts
                and line.limit == limit
                and line.name == rule.name
                and line.deleted_at is None
            )
            if same:
                final.append(line.points)
                continue
            changed = True
            if line.points != line.computed_points:
                superseded.append(line.pk)
            line.sequence, line.code, line.name, line.kind, line.limit = (
                rule.sequence, rule.code, rule.name, rule.kind, limit,
            )  # fmt: skip
            line.computed_points = line.points = result.points
            line.explanation, line.facts, line.adjustment_reason = result.explanation, result.facts, ""
            line.deleted_at = None
            changed_lines.append(line)
            final.append(result.points)
        if not changed:
            counts["unchanged"] += 1
            continue
        counts["changed"] += 1
        assessment.computed_total = scoring.total_of(result.points for _rule, result in scored)
        assessment.total = scoring.total_of(final)
        assessment.state = AssessmentState.COMPUTED
        assessment.reviewed_by = assessment.reviewed_at = None
        assessment.review_comment = ""
        assessment.computed_at, assessment.computed_by = now, actor
        assessment.deleted_at = None
        bump_version(assessment)
        changed_assessments.append(assessment)
    for assessment in new_assessments:
        points_ = [line.computed_points for owner, line in new_lines if owner is assessment]
        assessment.computed_total = assessment.total = scoring.total_of(points_)
    # Units whose findings are gone (deleted): their unconfirmed results go too (kept in history).
    gone = [a for unit_id, a in existing.items() if unit_id not in facts and not a.is_frozen and a.deleted_at is None]
    for assessment in gone:
        assessment.deleted_at = now
        bump_version(assessment)
    counts["removed"] = len(gone)
    history = {"default_user": actor, "default_date": now}
    if new_assessments:
        bulk_create_with_history(new_assessments, Assessment, batch_size=500, **history)
    if changed_assessments or gone:
        bulk_update_with_history(
            changed_assessments + gone,
            Assessment,
            [
                "computed_total", "total", "state", "reviewed_by", "reviewed_at", "review_comment", "computed_at",
                "computed_by", "deleted_at", "version", "last_updated",
            ],
            batch_size=500,
            manager=Assessment.all_objects,
            **history,
        )  # fmt: skip
    for owner, line in new_lines:
        line.assessment_id = owner.pk
    if new_lines:
        bulk_create_with_history([line for _owner, line in new_lines], AssessmentLine, batch_size=500, **history)
    if changed_lines:
        for line in changed_lines:
            line.last_updated = now
        bulk_update_with_history(
            changed_lines,
            AssessmentLine,
            [
                "sequence", "code", "name", "kind", "limit", "computed_points", "points", "explanation", "facts",
                "adjustment_reason", "deleted_at", "last_updated",
            ],
            batch_size=500,
            manager=AssessmentLine.all_objects,
            **history,
        )  # fmt: skip
    if superseded:
        LineAdjustment.objects.filter(line_id__in=superseded, superseded=False).update(superseded=True)
    for assessment in changed_assessments + gone:
        assessment.last_updated = now
    return counts


def _line(assessment: Assessment, rule: AssessmentRule, result: scoring.Scored) -> AssessmentLine:
    return AssessmentLine(
        assessment=assessment,
        rule=rule,
        sequence=rule.sequence,
        code=rule.code,
        name=rule.name,
        kind=rule.kind,
        limit=scoring.limit_of(rule),
        computed_points=result.points,
        points=result.points,
        explanation=result.explanation,
        facts=result.facts,
    )


# --- review --------------------------------------------------------------------------------------------


def _lock(actor: User, pk, forbidden: str) -> Assessment:
    return lock_for_action(
        Assessment.objects.select_related("scheme", "unit"),
        actor,
        pk,
        roles=LEADER,
        not_found=NOT_FOUND,
        forbidden=forbidden,
    )


def _save(assessment: Assessment, actor: User, event: str, reason: str = "", **data) -> Assessment:
    bump_version(assessment)
    assessment._history_user = actor
    if reason:
        assessment._change_reason = reason[:100]
    assessment.save()
    publish(event, assessment, actor=actor, unit_id=assessment.unit_id, year=assessment.year, **data)
    return assessment


@transaction.atomic
def adjust_line(actor: User, pk, *, points, reason: str, version=None) -> AssessmentLine:
    """The audit leader sets a line's points, within the rule's bounds, with a written reason; the
    adjustment (before, after, reason) is kept, and the total follows."""
    line = AssessmentLine.objects.filter(pk=pk).select_related("assessment").first()
    if line is None or not AssessmentLine.objects.restrict(actor).filter(pk=pk).exists():
        raise ActionRefused(NOT_FOUND, code="not_found")
    assessment = _lock(actor, line.assessment_id, _("只有审计机关领导可以调整考核得分。"))
    _require_not_frozen(assessment, _("调整得分"))
    check_version(assessment, version)
    line = AssessmentLine.objects.select_for_update().get(pk=pk)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("调整得分须写明理由。")]
    try:
        value = scoring.points(Decimal(str(points)))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["points"] = [_("得分不是有效的数值。")]
        value = None
    if value is not None:
        if line.kind == RuleKind.RATIO and not (0 <= value <= line.limit):
            errors["points"] = [_("该项得分应在0至%(limit)s分之间。") % {"limit": line.limit}]
        if line.kind == RuleKind.DEDUCTION:
            floor = -line.limit if line.limit else None
            if value > 0 or (floor is not None and value < floor):
                errors["points"] = [
                    _("扣分项的得分应在-%(limit)s至0分之间。") % {"limit": line.limit}
                    if floor is not None
                    else _("扣分项的得分不能大于0。")
                ]
        if value == line.points and "points" not in errors:
            errors["points"] = [_("调整后的得分与现在相同。")]
    if errors:
        raise ActionRefused(errors)
    before = line.points
    LineAdjustment.objects.create(
        line=line, before=before, after=value, reason=reason, adjusted_by=actor, adjusted_at=timezone.now()
    )
    line.points = value
    line.adjustment_reason = reason
    line._history_user = actor
    line._change_reason = reason[:100]
    line.save()
    assessment.total = scoring.total_of(assessment.lines.values_list("points", flat=True))
    _save(assessment, actor, "assessment.adjusted", reason, line=line.code, before=str(before), after=str(value))
    return line


@transaction.atomic
def review(actor: User, pk, *, comment: str = "", version=None) -> Assessment:
    """审核 (computed → reviewed): the audit leader; the unit and its department see it from now on."""
    assessment = _lock(actor, pk, _("只有审计机关领导可以审核考核结果。"))
    if assessment.state != AssessmentState.COMPUTED:
        raise ActionRefused(
            _("考核结果当前为「%(state)s」，不能审核。") % {"state": assessment.get_state_display()},
            code="invalid_state",
        )
    check_version(assessment, version)
    assessment.state = AssessmentState.REVIEWED
    assessment.reviewed_by, assessment.reviewed_at = actor, timezone.now()
    assessment.review_comment = (comment or "").strip()
    return _save(assessment, actor, "assessment.reviewed", comment=assessment.review_comment)


@transaction.atomic
def confirm(actor: User, pk, *, version=None) -> Assessment:
    """确认 (reviewed → confirmed): frozen from now on, never computed again; its scheme is frozen too."""
    assessment = _lock(actor, pk, _("只有审计机关领导可以确认考核结果。"))
    if assessment.state != AssessmentState.REVIEWED:
        raise ActionRefused(
            _("考核结果当前为「%(state)s」，审核后才能确认。") % {"state": assessment.get_state_display()},
            code="invalid_state",
        )
    check_version(assessment, version)
    scheme = AssessmentScheme.objects.select_for_update().get(pk=assessment.scheme_id)
    if not scheme.is_frozen:
        _freeze(scheme, actor)
    assessment.state = AssessmentState.CONFIRMED
    assessment.confirmed_by, assessment.confirmed_at = actor, timezone.now()
    return _save(assessment, actor, "assessment.confirmed")
