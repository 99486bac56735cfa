"""The reporting obligations' rules and named actions; the subscribers, the sweep, the pages and the
API all call these.

``sync_obligations`` is the one place that says what a finding owes: it reconciles the rows with the
finding's kind, state, deadline, plan and returns, and may run any number of times. ``meet`` records
the round (or the plan) that answered.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from rectify.core.exceptions import ActionRefused
from rectify.core.locking import lock_for_action
from rectify.core.visibility import restrict
from rectify.findings.choices import FindingState, Kind
from rectify.findings.warning import RUNNING_STATES, local_today
from rectify.rectification.choices import ReportKind
from rectify.reporting.calendar import WorkCalendar
from rectify.reporting.choices import DayCounting, EscalationState, ObligationKind
from rectify.reporting.models import EscalationProposal, Holiday, Obligation, ReportingRules

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.findings.models import Finding
    from rectify.organizations.models import Jurisdiction

BATCH = 500
# States in which a finding still owes reports (submitted: a continued report may still fall due).
OWING_STATES = (*RUNNING_STATES, FindingState.SUBMITTED)


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


# --- rules and calendar ----------------------------------------------------------------------------


def rules_for(jurisdiction: Jurisdiction | None) -> ReportingRules:
    """The rules of the jurisdiction, else of the nearest above it, else the defaults (unsaved)."""
    node = jurisdiction
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        rules = ReportingRules.objects.filter(jurisdiction=node).first()
        if rules is not None:
            return rules
        node = node.parent
    return ReportingRules()


def calendar_for(rules: ReportingRules, jurisdiction: Jurisdiction | None) -> WorkCalendar:
    days = Holiday.objects.filter(Q(jurisdiction__isnull=True) | Q(jurisdiction=jurisdiction)).values_list(
        "date", "kind"
    )
    return WorkCalendar.from_days(rules.day_counting, days if rules.day_counting == DayCounting.WORKING else ())


@dataclass(frozen=True)
class Wanted:
    kind: str
    sequence: int
    due_date: datetime.date
    milestone_id: int | None = None


@dataclass
class History:
    """What a finding's obligations are computed from, read for many findings at once."""

    long_term_moves: list[datetime.date] = field(default_factory=list)
    returns: list[datetime.date] = field(default_factory=list)
    plan_submitted_at: datetime.datetime | None = None
    milestones: list[tuple[int, int, datetime.date]] = field(default_factory=list)  # (pk, number, due)
    reports: list[tuple[int, datetime.datetime, str]] = field(default_factory=list)  # (pk, submitted_at, kind)


def _long_term_since(finding: Finding, history: History) -> datetime.date | None:
    """The day the finding began continued reporting: its issue for a long-term finding, else its
    last move into long-term."""
    if finding.kind == Kind.LONG_TERM:
        return local_date(finding.issued_at)
    return history.long_term_moves[-1] if history.long_term_moves else None


def wanted_obligations(
    finding: Finding, history: History, rules: ReportingRules, cal: WorkCalendar, today: datetime.date
) -> list[Wanted]:
    """What ``finding`` owes (or owed, until it closed) as of ``today``, by its kind, plan and returns."""
    if finding.state == FindingState.DRAFT or finding.issued_at is None:
        return []
    issued = local_date(finding.issued_at)
    closed_on = local_date(finding.closed_at) if finding.state == FindingState.CLOSED else None
    horizon = min(today, closed_on) if closed_on else today
    wanted: list[Wanted] = []

    if finding.kind == Kind.LONG_TERM:
        wanted.append(Wanted(ObligationKind.ROADMAP, 1, cal.add_days(issued, rules.roadmap_days)))
    elif finding.deadline is not None:  # issuing requires one; a finding loaded without one owes nothing dated
        wanted.append(Wanted(ObligationKind.FIRST_REPORT, 1, cal.due(finding.deadline)))
        if finding.kind == Kind.PHASED:
            for pk, number, due in history.milestones:
                if due < finding.deadline:
                    wanted.append(Wanted(ObligationKind.MILESTONE, number, cal.due(due), pk))

    for number, returned_on in enumerate(history.returns, start=1):
        due = cal.add_days(returned_on, rules.resubmission_days)
        if finding.deadline and finding.deadline > due:
            due = cal.due(finding.deadline)
        wanted.append(Wanted(ObligationKind.RESUBMISSION, number, due))

    since = _long_term_since(finding, history)
    reports_continually = finding.kind == Kind.LONG_TERM or finding.state in (
        FindingState.LONG_TERM,
        FindingState.SUBMITTED,
        FindingState.CLOSED,
    )
    if since is not None and reports_continually:
        # Every N months counted from the start (not chained from the previous due date, which would
        # drift at month ends), up to the first one still ahead of the horizon.
        interval = max(rules.continued_interval_months, 1)
        for number in range(1, 241):
            due = cal.add_months(since, interval * number)
            wanted.append(Wanted(ObligationKind.CONTINUED, number, due))
            if due >= horizon:
                break
    return wanted


# --- the named actions ---------------------------------------------------------------------------


def _lock_of_self() -> dict:
    """Lock the findings' rows alone (PostgreSQL); SQLite locks the whole database anyway."""
    return {"of": ("self",)} if connection.features.has_select_for_update_of else {}


class RulesCache:
    """Each jurisdiction's rules and calendar, read once for a run over many findings."""

    def __init__(self) -> None:
        self._cache: dict[int | None, tuple[ReportingRules, WorkCalendar]] = {}

    def get(self, jurisdiction: Jurisdiction) -> tuple[ReportingRules, WorkCalendar]:
        if jurisdiction.pk not in self._cache:
            rules = rules_for(jurisdiction)
            self._cache[jurisdiction.pk] = (rules, calendar_for(rules, jurisdiction))
        return self._cache[jurisdiction.pk]


def _histories(finding_ids: list[int]) -> dict[int, History]:
    from rectify.findings.choices import EventKind
    from rectify.findings.models import FindingEvent
    from rectify.rectification.models import Milestone, Plan, ProgressReport

    histories = {pk: History() for pk in finding_ids}
    moves = (
        FindingEvent.objects.filter(finding_id__in=finding_ids, kind=EventKind.TRANSITION)
        .filter(
            Q(to_state=FindingState.LONG_TERM) | Q(from_state=FindingState.SUBMITTED, to_state=FindingState.RECTIFYING)
        )
        .order_by("at", "pk")
        .values_list("finding_id", "to_state", "at")
    )
    for finding_id, to_state, at in moves:
        target = histories[finding_id].long_term_moves if to_state == FindingState.LONG_TERM else None
        (target if target is not None else histories[finding_id].returns).append(local_date(at))
    for finding_id, submitted_at in Plan.objects.filter(finding_id__in=finding_ids).values_list(
        "finding_id", "submitted_at"
    ):
        histories[finding_id].plan_submitted_at = submitted_at
    for pk, finding_id, number, due in (
        Milestone.objects.filter(plan__finding_id__in=finding_ids)
        .order_by("number", "pk")
        .values_list("pk", "plan__finding_id", "number", "due_date")
    ):
        histories[finding_id].milestones.append((pk, number, due))
    for pk, finding_id, submitted_at, kind in (
        ProgressReport.objects.filter(finding_id__in=finding_ids)
        .order_by("submitted_at", "pk")
        .values_list("pk", "finding_id", "submitted_at", "kind")
    ):
        histories[finding_id].reports.append((pk, submitted_at, kind))
    return histories


def _meet(rows: list[Obligation], history: History) -> set[int]:
    """Meets, in memory, what the plan and the rounds already in answered; the ids of rows changed.

    The plan meets the road map. A round meets every open obligation fallen due by its day (late).
    A continued report (持续报送) meets, when nothing was late, the next one ahead (on time); a round
    put up for verification meets everything else owed too, but the continued reports ahead."""
    changed: set[int] = set()
    open_rows = [row for row in rows if row.met_at is None and row.cancelled_at is None]
    if history.plan_submitted_at is not None:
        for row in [r for r in open_rows if r.kind == ObligationKind.ROADMAP]:
            _mark_met(row, history.plan_submitted_at, None)
            changed.add(id(row))
    used = {row.met_by_id for row in rows if row.met_by_id}
    for report_id, submitted_at, kind in history.reports:
        if report_id in used:
            continue
        day = local_date(submitted_at)
        owed = sorted(
            (r for r in rows if r.met_at is None and r.cancelled_at is None and r.kind != ObligationKind.ROADMAP),
            key=lambda r: (r.due_date, r.kind, r.sequence),
        )
        late = [r for r in owed if r.due_date < day]
        ahead = [r for r in owed if r.due_date >= day]
        if kind != ReportKind.CONTINUED:
            # A round put up for verification answers all the finding owes but the continued
            # reports still ahead, which a long-term finding keeps owing.
            ahead = [r for r in ahead if r.kind != ObligationKind.CONTINUED] or ahead[:1]
        else:
            ahead = [] if late else ahead[:1]
        for row in [*late, *ahead]:
            _mark_met(row, submitted_at, report_id)
            changed.add(id(row))
    return changed


def _mark_met(row: Obligation, at: datetime.datetime, report_id: int | None) -> None:
    row.met_at = at
    row.met_by_id = report_id
    row.met_on_time = local_date(at) <= row.due_date


UPDATED_FIELDS = ["due_date", "milestone", "met_at", "met_by", "met_on_time", "cancelled_at", "cancel_reason"]


@transaction.atomic
def sync_many(finding_ids, today: datetime.date | None = None, rules: RulesCache | None = None) -> int:
    """Brings the obligations of the given findings in line with what each owes: adds the missing,
    moves the due date of those not yet met when the deadline or plan moved, counts the rounds and
    plan already in, and cancels what is no longer owed (nothing after a close-out). Met obligations
    are history and never change. Reads a fixed number of queries for the whole batch; returns how
    many rows it wrote."""
    from rectify.findings.models import Finding

    today = today or local_today()
    rules = rules or RulesCache()
    findings = list(
        Finding.objects.select_for_update(**_lock_of_self())
        .filter(pk__in=list(finding_ids))
        .select_related("project__jurisdiction")
        .order_by("pk")
    )
    ids = [finding.pk for finding in findings]
    histories = _histories(ids)
    existing: dict[int, dict[tuple[str, int], Obligation]] = {pk: {} for pk in ids}
    for row in Obligation.objects.filter(finding_id__in=ids):
        existing[row.finding_id][(row.kind, row.sequence)] = row
    now = timezone.now()
    to_create: list[Obligation] = []
    to_update: dict[int, Obligation] = {}
    for finding in findings:
        history = histories[finding.pk]
        finding_rules, cal = rules.get(finding.project.jurisdiction)
        wanted = {(w.kind, w.sequence): w for w in wanted_obligations(finding, history, finding_rules, cal, today)}
        rows = existing[finding.pk]
        for key, want in wanted.items():
            row = rows.get(key)
            if row is None:
                row = Obligation(
                    finding=finding,
                    kind=want.kind,
                    sequence=want.sequence,
                    due_date=want.due_date,
                    milestone_id=want.milestone_id,
                )
                rows[key] = row
                to_create.append(row)
            elif row.met_at is None and (row.due_date != want.due_date or row.cancelled_at):
                row.due_date, row.milestone_id = want.due_date, want.milestone_id
                row.cancelled_at, row.cancel_reason = None, ""
                to_update[id(row)] = row
        for key, row in rows.items():
            if key not in wanted and row.met_at is None and row.cancelled_at is None:
                row.cancelled_at, row.cancel_reason = now, gettext("不再需要报送")
                to_update[id(row)] = row
        changed = _meet(list(rows.values()), history)
        if finding.state == FindingState.CLOSED:
            for row in rows.values():
                if row.met_at is None and row.cancelled_at is None:
                    row.cancelled_at, row.cancel_reason = now, gettext("问题已销号")
                    changed.add(id(row))
        for row in rows.values():
            if id(row) in changed and row.pk is not None:
                to_update[id(row)] = row
    if to_create:
        bulk_create_with_history(to_create, Obligation, batch_size=BATCH)
    if to_update:
        for row in to_update.values():
            row.last_updated = now
        bulk_update_with_history(
            list(to_update.values()), Obligation, [*UPDATED_FIELDS, "last_updated"], batch_size=BATCH
        )
    return len(to_create) + len(to_update)


def sync_obligations(finding_id: int, today: datetime.date | None = None) -> list[Obligation]:
    """``sync_many`` for one finding; its obligations, earliest first."""
    sync_many([finding_id], today)
    return list(Obligation.objects.filter(finding_id=finding_id).order_by("due_date", "pk"))


@transaction.atomic
def meet_with_report(report_id: int) -> list[Obligation]:
    """Records what a round met (idempotent): the sync counts every round already in."""
    from rectify.rectification.models import ProgressReport

    finding_id = ProgressReport.objects.filter(pk=report_id).values_list("finding_id", flat=True).first()
    if finding_id is None:
        return []
    sync_many([finding_id])
    return list(Obligation.objects.filter(met_by_id=report_id))


# --- escalation ------------------------------------------------------------------------------------


@transaction.atomic
def decide_escalation(actor: User, proposal_id: int, *, take_up: bool, reason: str) -> EscalationProposal:
    """The audit office (for a unit's internal audit, its internal auditors) takes up a proposal (for an
    interview) or dismisses it, with its reason."""
    from rectify.accounts.choices import AUDITING_ROLES

    proposal = lock_for_action(
        EscalationProposal.objects.select_related("finding"),
        actor,
        proposal_id,
        roles=AUDITING_ROLES,
        not_found=_("问责建议不存在。"),
        forbidden=_("只有审计机关可以处理问责建议。"),
    )
    if proposal.state != EscalationState.OPEN:
        raise ActionRefused(
            _("该问责建议已处理（%(state)s）。") % {"state": proposal.get_state_display()}, code="invalid_state"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("请填写处理意见。"))
    proposal.state = EscalationState.TAKEN_UP if take_up else EscalationState.DISMISSED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    proposal._history_user = actor
    proposal.save()
    from rectify.core.events import publish

    publish(
        "escalation.taken_up" if take_up else "escalation.dismissed",
        proposal,
        actor=actor,
        finding_id=proposal.finding_id,
    )
    return proposal


# --- figures ---------------------------------------------------------------------------------------


def on_time_figures(obligations: QuerySet, today: datetime.date | None = None) -> dict:
    """Of the obligations fallen due (met, or past their due date unmet; not cancelled): how many were
    met on time, late, or are missing, and the on-time rate (None when nothing has fallen due)."""
    today = today or local_today()
    live = obligations.filter(cancelled_at__isnull=True)
    counts = live.aggregate(
        on_time=Count("pk", filter=Q(met_at__isnull=False, met_on_time=True)),
        late=Count("pk", filter=Q(met_at__isnull=False, met_on_time=False)),
        missed=Count("pk", filter=Q(met_at__isnull=True, due_date__lt=today)),
        upcoming=Count("pk", filter=Q(met_at__isnull=True, due_date__gte=today)),
    )
    return _with_rate(counts)


def figures_of(obligations: list[Obligation], today: datetime.date) -> dict:
    """``on_time_figures`` of rows already read (a finding's few), counted the same way."""
    live = [o for o in obligations if o.cancelled_at is None]
    counts = {
        "on_time": sum(1 for o in live if o.met_at and o.met_on_time),
        "late": sum(1 for o in live if o.met_at and not o.met_on_time),
        "missed": sum(1 for o in live if not o.met_at and o.due_date < today),
        "upcoming": sum(1 for o in live if not o.met_at and o.due_date >= today),
    }
    return _with_rate(counts)


def _with_rate(counts: dict) -> dict:
    fallen_due = counts["on_time"] + counts["late"] + counts["missed"]
    counts["fallen_due"] = fallen_due
    counts["rate"] = round(100 * counts["on_time"] / fallen_due, 1) if fallen_due else None
    return counts


def obligations_of(user: User, finding: Finding) -> QuerySet:
    return restrict(Obligation.objects.filter(finding=finding), user, "view").select_related("met_by")
