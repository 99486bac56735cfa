"""Named actions on findings. The web, the API, the commands and the demo all call these."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Case, F, IntegerField, Max, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accounts.choices import AUDITING_ROLES, UNIT_ROLES, RoleCode
from rectify.accounts.scopes import is_audit_office_auditor
from rectify.audits.scopes import can_work_on_project, is_unit_internal_audit
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import bump_version, check_version
from rectify.core.money import parse_amount
from rectify.findings.choices import Disclosure, EventKind, FindingState, Kind
from rectify.findings.models import Category, DeadlineRule, Finding, FindingEvent, Requirement
from rectify.findings.warning import local_today
from rectify.findings.workflow import lock_finding, new_event, perform_transition, record_event

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.audits.models import AuditProject
    from rectify.organizations.models import Organization

# Used when no DeadlineRule row exists for a kind; the admin can change the rules.
DEFAULT_DEADLINE_DAYS = {Kind.IMMEDIATE: 30, Kind.PHASED: 90, Kind.LONG_TERM: 365}


def default_deadline(kind: str, base: datetime.date, rules: FindingRules | None = None) -> datetime.date:
    """The deadline the rule for ``kind`` gives, counted from ``base`` (the report date)."""
    return base + datetime.timedelta(days=(rules or FindingRules()).deadline_days(kind))


class FindingRules:
    """What the rules for a new finding read from the database, read once: the deadline rules and, per
    project, the units that may answer for its findings. ``create_finding`` makes one per call; a bulk
    import one for the whole file, so that checking a row costs no query."""

    def __init__(self) -> None:
        self._days: dict[str, int] | None = None
        self._units: dict[int, set[int]] = {}

    def deadline_days(self, kind: str) -> int:
        if self._days is None:
            self._days = dict(DeadlineRule.objects.values_list("kind", "days"))
        return self._days.get(kind, DEFAULT_DEADLINE_DAYS[Kind(kind)])

    def units_of(self, project: AuditProject) -> set[int]:
        """The project's audited units and every unit under them."""
        from rectify.organizations.models import subtree_ids_of

        if project.pk not in self._units:
            self._units[project.pk] = subtree_ids_of(set(project.units.values_list("pk", flat=True)))
        return self._units[project.pk]

    def load_units(self, project_ids: Iterable[int]) -> None:
        """``units_of`` of many projects read at once (a bulk import's): their audited units in one query, the
        units under them one query per level of the tree, however many projects."""
        from collections import defaultdict

        from rectify.audits.models import AuditProject
        from rectify.organizations.models import Organization

        missing = set(project_ids) - self._units.keys()
        if not missing:
            return
        roots: dict[int, set[int]] = {project_id: set() for project_id in missing}
        audited = AuditProject.units.through.objects.filter(
            auditproject_id__in=missing, organization__deleted_at__isnull=True
        ).values_list("auditproject_id", "organization_id")
        for project_id, unit_id in audited:
            roots[project_id].add(unit_id)
        children: dict[int, set[int]] = defaultdict(set)
        frontier = set().union(*roots.values())
        seen = set(frontier)
        while frontier:  # the tree below every project's audited units together, a level a query
            below = Organization.objects.filter(competent_department__in=frontier)
            frontier = set()
            for unit_id, parent_id in below.values_list("pk", "competent_department_id"):
                children[parent_id].add(unit_id)
                if unit_id not in seen:
                    seen.add(unit_id)
                    frontier.add(unit_id)
        for project_id, found in roots.items():
            found = set(found)
            stack = list(found)
            while stack:
                for child in children.get(stack.pop(), ()):
                    if child not in found:
                        found.add(child)
                        stack.append(child)
            self._units[project_id] = found


# Read once per row by bulk writers: kept out of the per-row path.
AMOUNT_LABEL = gettext_lazy("涉及金额")
KINDS = frozenset(Kind.values)
DISCLOSURES = frozenset(Disclosure.values)

RECORDING_REFUSED = gettext_lazy("只有本项目所属审计机关的审计人员可以登记或修改问题。")


def can_record_findings(actor: User) -> bool:
    """Auditors of an audit office record findings (each in a project of their own office); a unit's
    internal auditors record them in its own internal audits."""
    return is_audit_office_auditor(actor) or actor.has_role(RoleCode.INTERNAL_AUDITOR)


def may_correct(actor: User, finding: Finding) -> bool:
    """Whether the actor's roles let them correct this finding at all (its state aside): an auditor of
    the office whose project it is."""
    from rectify.findings.scopes import acting_roles

    return bool(acting_roles(actor, finding) & AUDITING_ROLES)


ISSUING_REFUSED = gettext_lazy("只有本项目所属审计机关的审计人员可以出具审计报告并下达问题。")


def may_issue_project(actor: User, project: AuditProject) -> bool:
    """Whether the actor may issue the project's report (the rule ``issue_project_findings`` applies)."""
    return can_work_on_project(actor, project)


TRANSITION_REFUSED = gettext_lazy("您的角色不能对该问题执行「%(action)s」。")


def may_transition(actor: User, finding: Finding, name: str) -> bool:
    """Whether the actor's roles let them take the named transition on this finding at all (its state
    aside): the roles of the transition table that the actor may act in on it."""
    from rectify.findings.scopes import acting_roles
    from rectify.findings.workflow import TRANSITIONS

    return bool(acting_roles(actor, finding) & TRANSITIONS[name].roles)


def _require_auditor_of(actor: User, project: AuditProject) -> None:
    if not can_work_on_project(actor, project):
        raise ActionRefused(RECORDING_REFUSED, code="forbidden")


def _check_deadline(
    deadline: datetime.date | None, project: AuditProject, *, allow_past: bool = False, given: bool = True
) -> None:
    """The rules of a finding's deadline, each refusal located on the deadline field.

    Not before the audit's start nor before its report; and, unless ``allow_past`` (historical data:
    the ledger import, the demo, the test factories), not before today (Asia/Shanghai). ``given`` says
    whether the auditor typed the deadline or the rule for its kind computed it from the report date.
    Refused when the finding is recorded or corrected, not only when the project is issued."""
    if deadline is None:
        return
    if project.started_on and deadline < project.started_on:
        message = _("整改期限 %(deadline)s 早于审计项目开始日期 %(start)s。") % {
            "deadline": deadline.isoformat(),
            "start": project.started_on.isoformat(),
        }
    elif project.report_date and deadline < project.report_date:
        message = _("整改期限 %(deadline)s 早于审计报告出具日期 %(report)s。") % {
            "deadline": deadline.isoformat(),
            "report": project.report_date.isoformat(),
        }
    elif not allow_past and deadline < local_today():
        values = {"deadline": deadline.isoformat(), "today": local_today().isoformat()}
        if given:
            message = _("整改期限 %(deadline)s 早于今天（%(today)s），请填写今天或以后的日期。") % values
        else:
            message = _("按整改类型规则计算的整改期限 %(deadline)s 早于今天（%(today)s），请填写整改期限。") % values
    else:
        return
    raise ActionRefused({"deadline": [message]})


# Numbering typed before a requirement: "1." "1．" "1、" "1)" "（1）" "(一)" "（一）" "一、" "①". The rows
# are numbered by the system (and shown and printed "1. …"), so the typed number is left out. A number
# followed by a digit is part of the text ("1.5万元…"), not numbering.
_CN_DIGITS = "一二三四五六七八九十百"
TYPED_NUMBERING = re.compile(
    rf"^\s*(?:[（(]\s*(?:\d+|[{_CN_DIGITS}]+)\s*[)）]|\d+\s*(?:[.．](?!\d)|[、)）])|[{_CN_DIGITS}]+\s*[、.．]|[①-⑳])\s*"
)


def requirement_texts(requirements: Iterable[str]) -> list[str]:
    """The requirements as they are stored: trimmed, blank ones dropped, typed numbering left out."""
    texts = (TYPED_NUMBERING.sub("", r.strip(), count=1).strip() for r in requirements if r and r.strip())
    return [text for text in texts if text]


def _clean_requirements(requirements: Iterable[str]) -> list[str]:
    cleaned = requirement_texts(requirements)
    if not cleaned:
        raise ActionRefused(_("至少须列明一条整改要求。"))
    return cleaned


def _check_unit(project: AuditProject, unit: Organization, rules: FindingRules | None = None) -> None:
    if unit.pk not in (rules or FindingRules()).units_of(project):
        raise ActionRefused(_("整改责任单位「%(unit)s」不是本项目的被审计单位或其下属单位。") % {"unit": unit})


def _check_category(category: Category) -> None:
    if category.parent_id is None:
        raise ActionRefused(_("请选择二级问题类别（「%(name)s」是一级类别）。") % {"name": category.name})


def _check_repeats(actor: User, finding_project: AuditProject, repeats: Sequence[Finding]) -> None:
    visible = Finding.objects.restrict(actor)
    for earlier in repeats:
        if not visible.filter(pk=earlier.pk).exists():
            raise ActionRefused({"repeats": [_("关联的以往问题不存在，或不在您的职责范围内。")]})
        if earlier.project_id == finding_project.pk or earlier.project.year > finding_project.year:
            message = _("问题 %(number)s 不是以往审计查出的问题，不能作为屡审屡犯关联。") % {
                "number": earlier.ledger_number
            }
            raise ActionRefused({"repeats": [message]})


# How many earlier findings one search for a repeat answers: the answer does not grow with the ledger.
REPEAT_SEARCH_LIMIT = 20


def repeat_candidates(
    actor: User,
    *,
    project: AuditProject | None = None,
    text: str = "",
    exclude: Iterable[int] = (),
    limit: int | None = None,
) -> list[Finding]:
    """The earlier findings ``actor`` may see that a finding of ``project`` could repeat (屡审屡犯), matching
    every word of ``text`` in the ledger number or the title: those of the project's own units (and the
    units under them) first, then the latest audits first; at most ``limit``. Drafts are not offered,
    nor the project's own findings or those of later years (``_check_repeats`` refuses them)."""
    found = Finding.objects.restrict(actor).exclude(state=FindingState.DRAFT)
    for word in (text or "").split()[:5]:
        found = found.filter(Q(ledger_number__icontains=word) | Q(title__icontains=word))
    excluded = [int(pk) for pk in exclude]
    if excluded:
        found = found.exclude(pk__in=excluded)
    order = ["-project__year", "ledger_number"]
    if project is not None:
        found = found.exclude(project=project).filter(project__year__lte=project.year)
        own = FindingRules().units_of(project)
        found = found.annotate(
            own=Case(When(unit_id__in=own, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        order = ["own", *order]
    return list(found.select_related("unit", "project").order_by(*order)[: limit or REPEAT_SEARCH_LIMIT])


def ledger_number(project: AuditProject, sequence: int) -> str:
    """The ledger number of the ``sequence``-th finding of ``project``: QJ-2025-003-012; a unit's internal
    audit numbers its own, after its code: NB-<unit code>-2025-001-004 (source 四(三))."""
    if is_unit_internal_audit(project):
        return f"NB-{project.audit_office.code}-{project.year}-{project.sequence:03d}-{sequence:03d}"
    return f"{project.jurisdiction.code}-{project.year}-{project.sequence:03d}-{sequence:03d}"


def last_sequences(project_ids: Iterable[int]) -> dict[int, int]:
    """The highest sequence used so far in each project (0 for none), deleted findings included: a
    number once given is never given again. Read under the lock on the projects when allocating."""
    found = dict(
        Finding.all_objects.filter(project_id__in=list(project_ids))
        .values("project_id")
        .annotate(m=Max("sequence"))
        .values_list("project_id", "m")
    )
    return {pk: found.get(pk) or 0 for pk in project_ids}


def next_ledger_number(project: AuditProject) -> tuple[int, str]:
    sequence = last_sequences([project.pk])[project.pk] + 1
    return sequence, ledger_number(project, sequence)


@dataclass
class NewFinding:
    """A finding checked and built but not saved: the row, its requirements and its creation event.

    Save the finding first, then the rest (they point at it); ``sequence`` and ``ledger_number`` are
    left for the caller to allocate, under the lock on the project."""

    finding: Finding
    requirements: list[Requirement]
    event: FindingEvent


# Checked on the built row; the references are objects the caller read (the jurisdiction: the project's) and
# the ledger number is allocated under the project's lock, so neither needs a query here.
_UNCHECKED_ON_BUILD = ["project", "unit", "category", "created_by", "ledger_number", "sequence", "jurisdiction"]


def build_finding(
    actor: User,
    *,
    project: AuditProject,
    unit: Organization,
    title: str,
    description: str,
    category: Category,
    requirements: Iterable[str],
    amount_involved=None,
    kind: str = Kind.IMMEDIATE,
    deadline: datetime.date | None = None,
    legal_basis: str = "",
    disclosure: str = Disclosure.PUBLIC,
    rectified_during_audit: bool = False,
    involves_fiscal_funds: bool | None = None,
    repeats: Sequence[Finding] = (),
    rules: FindingRules | None = None,
    allow_past_deadline: bool = False,
) -> NewFinding:
    """Every rule for recording a finding, applied to one row without writing anything: who may
    record it, its unit, category, requirements, amount, kind, deadline and disclosure. Raises
    ActionRefused (or a ValidationError keyed by field) for the first rule the row breaks.

    ``create_finding`` saves what this builds; the Excel import builds many and saves them in bulk.
    ``project`` should be the row read under the lock when the finding is to be saved.
    ``allow_past_deadline``: only for historical data (the ledger import, the demo, the test factories);
    a finding recorded through the web or the API gets no deadline before today.
    """
    rules = rules or FindingRules()
    _require_auditor_of(actor, project)
    _check_unit(project, unit, rules)
    _check_category(category)
    cleaned_requirements = _clean_requirements(requirements)
    amount = parse_amount(amount_involved, AMOUNT_LABEL)
    if kind not in KINDS:
        raise ActionRefused(_("未知的整改类型「%(kind)s」。") % {"kind": kind})
    if disclosure not in DISCLOSURES:
        raise ActionRefused(_("未知的公开范围「%(value)s」。") % {"value": disclosure})
    given = deadline is not None
    if deadline is None and project.report_date:
        deadline = default_deadline(kind, project.report_date, rules)
    _check_deadline(deadline, project, allow_past=allow_past_deadline, given=given)
    if repeats:
        _check_repeats(actor, project, repeats)
    if not (title or "").strip() or not (description or "").strip():
        raise ActionRefused(_("问题摘要和问题描述不能为空。"))
    finding = Finding(
        project=project,
        year=project.year,
        jurisdiction_id=project.jurisdiction_id,
        unit=unit,
        title=title.strip(),
        description=description.strip(),
        category=category,
        legal_basis=legal_basis.strip(),
        amount_involved=amount,
        kind=kind,
        deadline=deadline,
        disclosure=disclosure,
        rectified_during_audit=rectified_during_audit,
        involves_fiscal_funds=category.involves_fiscal_funds
        if involves_fiscal_funds is None
        else involves_fiscal_funds,
        created_by=actor,
    )
    finding._history_user = actor
    finding.clean_fields(exclude=_UNCHECKED_ON_BUILD)
    finding.clean()
    rows = []
    for number, text in enumerate(cleaned_requirements, start=1):
        requirement = Requirement(finding=finding, number=number, text=text)
        requirement._history_user = actor
        rows.append(requirement)
    event = new_event(finding, actor, EventKind.CREATED, to_state=finding.state)
    return NewFinding(finding=finding, requirements=rows, event=event)


@transaction.atomic
def create_finding(
    actor: User,
    *,
    project: AuditProject,
    unit: Organization,
    title: str,
    description: str,
    category: Category,
    requirements: Iterable[str],
    amount_involved=None,
    kind: str = Kind.IMMEDIATE,
    deadline: datetime.date | None = None,
    legal_basis: str = "",
    disclosure: str = Disclosure.PUBLIC,
    rectified_during_audit: bool = False,
    involves_fiscal_funds: bool | None = None,
    repeats: Sequence[Finding] = (),
    allow_past_deadline: bool = False,
) -> Finding:
    """An auditor records a finding (during fieldwork it stays a draft until the report is issued).
    ``allow_past_deadline``: see ``build_finding``."""
    from rectify.audits.models import AuditProject

    _require_auditor_of(actor, project)
    project = AuditProject.objects.select_for_update().get(pk=project.pk)
    new = build_finding(
        actor,
        project=project,
        unit=unit,
        title=title,
        description=description,
        category=category,
        requirements=requirements,
        amount_involved=amount_involved,
        kind=kind,
        deadline=deadline,
        legal_basis=legal_basis,
        disclosure=disclosure,
        rectified_during_audit=rectified_during_audit,
        involves_fiscal_funds=involves_fiscal_funds,
        repeats=repeats,
        allow_past_deadline=allow_past_deadline,
    )
    finding = new.finding
    finding.sequence, finding.ledger_number = next_ledger_number(project)
    finding.full_clean()
    finding.save()
    for requirement in new.requirements:
        requirement.finding = finding
        requirement.save()
    if repeats:
        finding.repeats.set(repeats)
    new.event.finding = finding
    new.event.save()
    return finding


EDITABLE_FIELDS = {
    "title",
    "description",
    "category",
    "legal_basis",
    "amount_involved",
    "kind",
    "deadline",
    "disclosure",
    "rectified_during_audit",
    "involves_fiscal_funds",
    "unit",
}


def _checked_changes(
    actor: User, finding: Finding, reason: str, changes: dict, *, allow_past_deadline: bool = False
) -> dict:
    """The rules of correcting ``finding`` as it stands; returns the changes as they are to be saved.

    A deadline is held to today only when it changes: an old finding whose deadline has passed can
    still be corrected in its other fields (or sent again with the same deadline)."""
    _require_auditor_of(actor, finding.project)
    if finding.state == FindingState.CLOSED:
        raise ActionRefused(_("已销号的问题不能修改。"))
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ActionRefused(_("以下字段不能修改：%(fields)s。") % {"fields": "、".join(sorted(unknown))})
    if finding.state != FindingState.DRAFT and not reason.strip():
        raise ActionRefused(_("问题下达后修改须说明理由。"))
    changes = dict(changes)
    if "amount_involved" in changes:
        changes["amount_involved"] = parse_amount(changes["amount_involved"], AMOUNT_LABEL)
    if "category" in changes:
        _check_category(changes["category"])
        if "involves_fiscal_funds" not in changes and changes["category"].pk != finding.category_id:
            # The flag follows the category unless the auditor sets it; it decides what the finance bureau sees.
            changes["involves_fiscal_funds"] = changes["category"].involves_fiscal_funds
    if "unit" in changes:
        _check_unit(finding.project, changes["unit"])
    if "deadline" in changes:
        unchanged = changes["deadline"] == finding.deadline
        _check_deadline(changes["deadline"], finding.project, allow_past=allow_past_deadline or unchanged)
    return changes


def _checked_requirements(actor: User, finding: Finding, requirements: Iterable[str]) -> list[str]:
    _require_auditor_of(actor, finding.project)
    if finding.state != FindingState.DRAFT:
        raise ActionRefused(_("问题下达后不能更改整改要求。"), code="invalid_state")
    return _clean_requirements(requirements)


@transaction.atomic
def update_finding(
    actor: User, finding: Finding, *, reason: str = "", version=None, allow_past_deadline: bool = False, **changes
) -> Finding:
    """An auditor corrects a finding. After issue, changes need a reason and are kept in the history.
    ``version``: the version the auditor's page showed; an edit from an older one is refused.
    ``allow_past_deadline``: see ``build_finding``."""
    finding = lock_finding(actor, finding, AUDITING_ROLES, RECORDING_REFUSED)
    check_version(finding, version)
    changes = _checked_changes(actor, finding, reason, changes, allow_past_deadline=allow_past_deadline)
    for field, value in changes.items():
        setattr(finding, field, value)
    finding.full_clean()
    bump_version(finding)
    finding._history_user = actor
    finding._change_reason = reason.strip()
    finding.save()
    if finding.state != FindingState.DRAFT and {"deadline", "kind"} & set(changes):
        # What the unit owes and by when follows the deadline and the kind.
        publish("finding.updated", finding, actor=actor, fields=",".join(sorted(changes)))
    return finding


@transaction.atomic
def correct_finding(
    actor: User,
    finding: Finding,
    *,
    reason: str = "",
    requirements: Iterable[str] | None = None,
    version=None,
    allow_past_deadline: bool = False,
    **changes,
) -> Finding:
    """Corrects a finding's fields and, when given and different, its requirements: both or neither.
    ``version`` is checked once, on the locked row, before either is written."""
    check_version(lock_finding(actor, finding, AUDITING_ROLES, RECORDING_REFUSED), version)
    if changes or requirements is None:
        update_finding(actor, finding, reason=reason, allow_past_deadline=allow_past_deadline, **changes)
    if requirements is not None:
        wanted = requirement_texts(requirements)
        if wanted != [r.text for r in finding.requirements.all()]:
            set_requirements(actor, finding, wanted)
    finding.refresh_from_db()
    return finding


def check_correction(
    actor: User,
    finding: Finding,
    *,
    reason: str = "",
    requirements: Iterable[str] | None = None,
    allow_past_deadline: bool = False,
    **changes,
) -> None:
    """Raises what ``correct_finding`` would refuse, without writing or locking anything: for a preview.

    ``finding`` comes from the actor's ``act`` scope as an auditor (the caller reads it there, unlocked)
    and is changed in memory, never saved. The correction itself checks again on the locked row.
    """
    if changes or requirements is None:
        changes = _checked_changes(actor, finding, reason, changes, allow_past_deadline=allow_past_deadline)
        for field, value in changes.items():
            setattr(finding, field, value)
        finding.full_clean()
    if requirements is not None:
        wanted = requirement_texts(requirements)
        if wanted != [r.text for r in finding.requirements.all()]:
            _checked_requirements(actor, finding, wanted)


@transaction.atomic
def set_requirements(actor: User, finding: Finding, requirements: Iterable[str], *, version=None) -> None:
    """Replaces a draft finding's requirements (old rows are kept, marked deleted).

    The state is checked on the locked row: an issue running at the same time either finishes first
    (and this is refused) or waits until this has committed (and issues the new requirements)."""
    finding = lock_finding(actor, finding, AUDITING_ROLES, RECORDING_REFUSED)
    check_version(finding, version)
    cleaned = _checked_requirements(actor, finding, requirements)
    for old in finding.requirements.all():
        old._history_user = actor
        old.delete()
    for number, text in enumerate(cleaned, start=1):
        row = Requirement(finding=finding, number=number, text=text)
        row._history_user = actor
        row.save()
    Finding.objects.filter(pk=finding.pk).update(version=F("version") + 1)


@transaction.atomic
def issue_finding(actor: User, finding: Finding, *, comment: str = "") -> Finding:
    return perform_transition(actor, finding, "issue", comment=comment)


@transaction.atomic
def issue_project_findings(
    actor: User, project: AuditProject, *, report_number: str, report_date: datetime.date
) -> list[Finding]:
    """Issues the audit report: records its number and date and issues every draft finding of it.

    All or nothing: one finding that cannot be issued leaves the project and all its findings as they were.
    """
    from rectify.audits.models import AuditProject

    if not may_issue_project(actor, project):
        raise ActionRefused(ISSUING_REFUSED, code="forbidden")
    if not (report_number or "").strip():
        raise ActionRefused(_("请填写审计报告文号。"))
    if report_date is None:
        raise ActionRefused(_("请填写报告出具日期。"))
    project = AuditProject.objects.select_for_update().get(pk=project.pk)
    if project.started_on and report_date < project.started_on:
        raise ActionRefused(_("报告出具日期不能早于进点日期。"))
    project.report_number = report_number.strip()
    project.report_date = report_date
    project._history_user = actor
    project.save()
    issued = []
    for finding in project.findings.filter(state=FindingState.DRAFT).order_by("sequence"):
        if finding.deadline is None:
            # Derived from the report's date by the rule for its kind, not typed: a report issued some
            # time ago may give a deadline already past, as the rule says.
            update_finding(
                actor, finding, deadline=default_deadline(finding.kind, report_date), allow_past_deadline=True
            )
            finding.refresh_from_db()
        try:
            _check_deadline(finding.deadline, project, allow_past=True)
            issued.append(perform_transition(actor, finding, "issue", comment=report_number))
        except ActionRefused as refusal:
            raise ActionRefused(
                _("问题 %(number)s：%(message)s") % {"number": finding.ledger_number, "message": refusal.messages[0]},
                code=refusal.code,
            ) from refusal
    if not issued:
        raise ActionRefused(_("本项目没有待下达的问题。"))
    return issued


@transaction.atomic
def start_rectification(actor: User, finding: Finding, *, comment: str = "") -> Finding:
    return perform_transition(actor, finding, "start", comment=comment)


@transaction.atomic
def move_to_long_term(actor: User, finding: Finding, *, comment: str) -> Finding:
    """An auditor accepts that a problem needs continued rectification, with a road map in the comment."""
    return perform_transition(actor, finding, "to_long_term", comment=comment)


@transaction.atomic
def resume_rectification(actor: User, finding: Finding, *, comment: str = "") -> Finding:
    return perform_transition(actor, finding, "resume", comment=comment)


@transaction.atomic
def link_repeats(actor: User, finding: Finding, earlier: Sequence[Finding]) -> None:
    """Marks ``finding`` as a repeat (屡审屡犯) of earlier findings."""
    finding = lock_finding(actor, finding, AUDITING_ROLES, RECORDING_REFUSED)
    _require_auditor_of(actor, finding.project)
    _check_repeats(actor, finding.project, earlier)
    finding.repeats.add(*earlier)
    record_event(
        finding,
        actor,
        EventKind.LINK,
        action="link_repeats",
        comment=_("关联以往问题：%(numbers)s") % {"numbers": "、".join(f.ledger_number for f in earlier)},
    )


def save_ledger_view(actor: User, *, name: str, query: str, columns: list[str]):
    """Saves (or replaces) the user's named ledger view."""
    from rectify.findings.models import SavedView

    saved = SavedView.objects.filter(user=actor, name=name).first() or SavedView(user=actor, name=name)
    saved.query = query
    saved.columns = list(columns)
    saved._history_user = actor
    saved.save()
    return saved


# The transitions a user asks for by name (the web's buttons, the API's actions); the rectification
# services dispatch them (``transition_by_name``), since returning for rework is theirs.
NAMED_TRANSITIONS = ("issue", "start", "return", "to_long_term", "resume")


def steps_open_to(actor: User, finding: Finding) -> list[str]:
    """The steps the actor may take on the finding now, for offering them (the actions still decide):
    "edit", "plan", "report", "delay", "decide_delay", "verify" and the named transitions."""
    from rectify.findings.scopes import acting_roles
    from rectify.findings.warning import RUNNING_STATES, warning_days
    from rectify.findings.workflow import available_transitions

    steps = []
    roles = acting_roles(actor, finding)
    is_auditor = bool(roles & AUDITING_ROLES)
    is_unit = bool(roles & UNIT_ROLES)
    if is_auditor and finding.state != FindingState.CLOSED:
        steps.append("edit")
    if is_unit and finding.state in RUNNING_STATES:
        steps += ["plan", "report"]
        if finding.days_left is not None and finding.days_left <= warning_days():
            steps.append("delay")
    # The reverse relation names rectification's records without importing them (findings is below).
    if (
        is_auditor
        and finding.state in RUNNING_STATES
        and finding.delay_explanations.filter(decision="pending").exists()
    ):
        steps.append("decide_delay")
    if is_auditor and finding.state in (FindingState.SUBMITTED, FindingState.LONG_TERM):
        latest = finding.reports.select_related("verification").order_by("-round").first()
        if latest is not None and not hasattr(latest, "verification"):
            steps.append("verify")
    for transition in available_transitions(actor, finding, roles):
        # Submitting is a report and starting comes with the plan or the first report.
        if transition.name in NAMED_TRANSITIONS and not (transition.name == "start" and is_unit):
            steps.append(transition.name)
    return steps
