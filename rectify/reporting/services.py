"""The reporting obligations' rules and named actions; the subscribers, the sweep, the pages and the
API all call these.

``sync_obligations`` is the one place that says what a finding owes: it reconciles the rows with the
finding's kind, state, deadline, plan and returns, and may run any number of times. ``meet`` records
the round (or the plan) that answered.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.exceptions import ActionRefused
from rectify.core.locking import lock_for_action
from rectify.core.visibility import restrict
from rectify.findings.choices import FindingState, Kind
from rectify.findings.warning import RUNNING_STATES, local_today
from rectify.reporting.calendar import WorkCalendar
from rectify.reporting.choices import DayCounting, EscalationState, ObligationKind
from rectify.reporting.models import EscalationProposal, Holiday, Obligation, ReportingRules

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.findings.models import Finding
    from rectify.organizations.models import Jurisdiction
    from rectify.rectification.models import Plan, ProgressReport

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


def _long_term_since(finding: Finding) -> datetime.date | None:
    """The day the finding became long-term: its issue for a long-term finding, else its last move
    into long-term reporting."""
    from rectify.findings.choices import EventKind

    moved = finding.events.filter(kind=EventKind.TRANSITION, to_state=FindingState.LONG_TERM).order_by("-at").first()
    if moved is not None and (finding.kind != Kind.LONG_TERM or finding.state == FindingState.LONG_TERM):
        return local_date(moved.at)
    if finding.kind == Kind.LONG_TERM:
        return local_date(finding.issued_at)
    return None


def _returns(finding: Finding) -> list[datetime.date]:
    from rectify.findings.choices import EventKind

    return [
        local_date(at)
        for at in finding.events.filter(
            kind=EventKind.TRANSITION, from_state=FindingState.SUBMITTED, to_state=FindingState.RECTIFYING
        )
        .order_by("at")
        .values_list("at", flat=True)
    ]


def wanted_obligations(
    finding: Finding, rules: ReportingRules, cal: WorkCalendar, today: datetime.date
) -> list[Wanted]:
    """What ``finding`` owes as of ``today``, by its kind, plan, returns and state."""
    if finding.state in (FindingState.DRAFT, FindingState.CLOSED) or finding.issued_at is None:
        return []
    issued = local_date(finding.issued_at)
    wanted: list[Wanted] = []
    long_term_since = _long_term_since(finding)
    from rectify.rectification.models import Plan

    plan = Plan.objects.filter(finding=finding).prefetch_related("milestones").first()

    if finding.kind == Kind.LONG_TERM:
        wanted.append(Wanted(ObligationKind.ROADMAP, 1, cal.add_days(issued, rules.roadmap_days)))
    else:
        first_due = finding.deadline or cal.add_days(issued, rules.first_report_days)
        wanted.append(Wanted(ObligationKind.FIRST_REPORT, 1, cal.due(first_due)))
        if finding.kind == Kind.PHASED and plan is not None:
            for milestone in plan.milestones.all():
                if finding.deadline is None or milestone.due_date < finding.deadline:
                    wanted.append(
                        Wanted(ObligationKind.MILESTONE, milestone.number, cal.due(milestone.due_date), milestone.pk)
                    )

    for number, returned_on in enumerate(_returns(finding), start=1):
        due = cal.add_days(returned_on, rules.resubmission_days)
        if finding.deadline and finding.deadline > due:
            due = cal.due(finding.deadline)
        wanted.append(Wanted(ObligationKind.RESUBMISSION, number, due))

    reports_continually = finding.kind == Kind.LONG_TERM or finding.state in (
        FindingState.LONG_TERM,
        FindingState.SUBMITTED,
    )
    if long_term_since is not None and reports_continually:
        # Every N months from the day it became long-term, counted from that day (not chained from the
        # previous due date, which would drift at month ends); up to the first one still ahead.
        interval = max(rules.continued_interval_months, 1)
        number = 1
        while True:
            due = cal.add_months(long_term_since, interval * number)
            wanted.append(Wanted(ObligationKind.CONTINUED, number, due))
            if due >= today or number >= 240:
                break
            number += 1
    return wanted


# --- the named actions ---------------------------------------------------------------------------


def _lock_of_self() -> dict:
    """Lock the finding's row alone (PostgreSQL); SQLite locks the whole database anyway."""
    return {"of": ("self",)} if connection.features.has_select_for_update_of else {}


@transaction.atomic
def sync_obligations(finding_id: int, today: datetime.date | None = None) -> list[Obligation]:
    """Brings the finding's obligations in line with what it owes: adds the missing, moves the due
    date of those not yet met when the deadline or plan moved, and cancels those no longer owed
    (a closed finding owes nothing more). Met obligations are history and never change."""
    from rectify.findings.models import Finding

    today = today or local_today()
    finding = (
        Finding.objects.select_for_update(**_lock_of_self())
        .select_related("project__jurisdiction")
        .filter(pk=finding_id)
        .first()
    )
    if finding is None:
        return []
    jurisdiction = finding.project.jurisdiction
    rules = rules_for(jurisdiction)
    cal = calendar_for(rules, jurisdiction)
    wanted = {(w.kind, w.sequence): w for w in wanted_obligations(finding, rules, cal, today)}
    existing = {(o.kind, o.sequence): o for o in Obligation.objects.filter(finding=finding)}
    now = timezone.now()
    for key, want in wanted.items():
        row = existing.get(key)
        if row is None:
            Obligation.objects.create(
                finding=finding,
                kind=want.kind,
                sequence=want.sequence,
                due_date=want.due_date,
                milestone_id=want.milestone_id,
            )
        elif row.met_at is None and (row.due_date != want.due_date or row.cancelled_at):
            row.due_date = want.due_date
            row.milestone_id = want.milestone_id
            row.cancelled_at = None
            row.cancel_reason = ""
            row.save(update_fields=["due_date", "milestone", "cancelled_at", "cancel_reason", "last_updated"])
    reason = _("问题已销号") if finding.state == FindingState.CLOSED else _("不再需要报送")
    for key, row in existing.items():
        if key not in wanted and row.met_at is None and row.cancelled_at is None:
            row.cancelled_at = now
            row.cancel_reason = reason
            row.save(update_fields=["cancelled_at", "cancel_reason", "last_updated"])
    if finding.state not in (FindingState.DRAFT, FindingState.CLOSED):
        _meet_from_history(finding)
    return list(Obligation.objects.filter(finding=finding).order_by("due_date", "pk"))


def _meet_from_history(finding: Finding) -> None:
    """Meets open obligations from rounds and the plan already in (a sync after a missed event)."""
    from rectify.rectification.models import Plan, ProgressReport

    open_rows = Obligation.objects.filter(finding=finding).open()
    if not open_rows.exists():
        return
    plan = Plan.objects.filter(finding=finding).first()
    if plan is not None:
        _meet_roadmap(finding, plan)
    met_report_ids = set(
        Obligation.objects.filter(finding=finding, met_by__isnull=False).values_list("met_by_id", flat=True)
    )
    for report in ProgressReport.objects.filter(finding=finding).order_by("submitted_at", "pk"):
        if report.pk not in met_report_ids:
            _meet_with_report(finding, report)


def _meet_roadmap(finding: Finding, plan: Plan) -> None:
    for row in Obligation.objects.filter(finding=finding, kind=ObligationKind.ROADMAP).open():
        _mark_met(row, plan.submitted_at, None)


def _meet_with_report(finding: Finding, report: ProgressReport) -> list[Obligation]:
    """A round meets every open obligation fallen due by its day (late), or else the next one (on time)."""
    day = local_date(report.submitted_at)
    rows = Obligation.objects.filter(finding=finding).open().exclude(kind=ObligationKind.ROADMAP)
    overdue = list(rows.filter(due_date__lt=day).order_by("due_date", "pk"))
    chosen = overdue or list(rows.filter(due_date__gte=day).order_by("due_date", "pk")[:1])
    for row in chosen:
        _mark_met(row, report.submitted_at, report)
    return chosen


def _mark_met(row: Obligation, at: datetime.datetime, report: ProgressReport | None) -> None:
    row.met_at = at
    row.met_by = report
    row.met_on_time = local_date(at) <= row.due_date
    row.save(update_fields=["met_at", "met_by", "met_on_time", "last_updated"])


@transaction.atomic
def meet_with_report(report_id: int) -> list[Obligation]:
    """Records that a round met what its finding owed (idempotent)."""
    from rectify.rectification.models import ProgressReport

    report = ProgressReport.objects.select_related("finding").filter(pk=report_id).first()
    if report is None or Obligation.objects.filter(met_by=report).exists():
        return []
    sync_obligations(report.finding_id)  # the rows exist before they are met
    return _meet_with_report(report.finding, report)


# --- escalation ------------------------------------------------------------------------------------


@transaction.atomic
def decide_escalation(actor: User, proposal_id: int, *, take_up: bool, reason: str) -> EscalationProposal:
    """The audit office takes up a proposal (for an interview) or dismisses it, with its reason."""
    from rectify.accounts.choices import AUDIT_ROLES

    proposal = lock_for_action(
        EscalationProposal.objects.select_related("finding"),
        actor,
        proposal_id,
        roles=AUDIT_ROLES,
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
