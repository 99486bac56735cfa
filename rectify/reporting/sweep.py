"""The daily sweep (``rectify sweep``, and the same job on the schedule).

For the day it runs for, it (1) brings the obligations of findings that lack them, or whose next
continued report has come due, up to date; (2) sends each obligation the reminder whose time has
come: at the lead times before the due date (7 and 1 days before, and on the day, by default), then
every week while it is overdue; (3) turns an obligation overdue past the grace period, with no
accepted delay explanation, into an escalation proposal for the audit office.

Each reminder has a key (obligation, due date, slot) published once, so a second sweep the same day
sends nothing; a sweep after missed days sends the latest reminder that has come due and not been
sent (the ones it superseded would only say the same thing late), so nothing is sent twice.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.db.models import Exists, Max, OuterRef, Q
from django.utils.translation import gettext as _

from rectify.core.commands import AlreadyRunning, exclusive
from rectify.core.events import publish_once
from rectify.core.models import PublishedEvent
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.findings.warning import RUNNING_STATES, local_today
from rectify.reporting import services
from rectify.reporting.choices import EscalationState, ObligationKind
from rectify.reporting.models import EscalationProposal, Obligation, ReportingRules

logger = logging.getLogger(__name__)
BATCH = 500


@dataclass
class SweepResult:
    day: datetime.date
    synced: int = 0
    reminders: int = 0
    escalations: int = 0
    skipped: bool = False
    by_slot: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        if self.skipped:
            return _("%(day)s：另一次巡查正在运行，本次跳过。") % {"day": self.day.isoformat()}
        return _(
            "%(day)s：更新报送义务 %(synced)d 个问题，发送提醒 %(reminders)d 条，提出问责建议 %(escalations)d 条。"
        ) % {
            "day": self.day.isoformat(),
            "synced": self.synced,
            "reminders": self.reminders,
            "escalations": self.escalations,
        }


def _in_batches(queryset):
    """Rows by ascending id, BATCH at a time, each batch read whole before the next: the sweep writes
    (and queues jobs, which may recycle the connection) between batches, so no cursor stays open."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def reminder_slot(
    due: datetime.date, today: datetime.date, leads: list[int], overdue_every: int
) -> tuple[str, datetime.date] | None:
    """The latest reminder whose day has come for an obligation due on ``due``: ``("lead7", day)``,
    ``("lead0", day)`` (on the day), ``("overdue2", day)`` (the second weekly reminder) … or None."""
    slots = sorted(
        ((f"lead{lead}", due - datetime.timedelta(days=lead)) for lead in set(leads) if lead >= 0),
        key=lambda slot: slot[1],
    )
    if today > due and overdue_every > 0:
        weeks = (today - due).days // overdue_every
        if weeks >= 1:
            return f"overdue{weeks}", due + datetime.timedelta(days=weeks * overdue_every)
    passed = [slot for slot in slots if slot[1] <= today]
    return passed[-1] if passed else None


def reminder_key(obligation_id: int, due: datetime.date, slot: str) -> str:
    return f"obligation.reminder:{obligation_id}:{due.isoformat()}:{slot}"


def sweep(today: datetime.date | None = None) -> SweepResult:
    today = today or local_today()
    result = SweepResult(day=today)
    try:
        with exclusive("reporting.sweep"):
            result.synced = _sync_due(today)
            _remind(today, result)
            result.escalations = _escalate(today)
    except AlreadyRunning:
        result.skipped = True
    logger.info("sweep %s", result)
    return result


def catch_up(today: datetime.date | None = None, *, announce: bool = False) -> SweepResult:
    """Obligations and escalation proposals brought up to date without reminders (data loaded in bulk,
    such as the demo district or an imported ledger); ``announce`` tells the audit office of the
    proposals made."""
    today = today or local_today()
    result = SweepResult(day=today)
    result.synced = _sync_due(today)
    result.escalations = _escalate(today, announce=announce)
    return result


def _sync_due(today: datetime.date) -> int:
    """Findings issued but without obligations (issued while no worker ran, or loaded in bulk), and
    those whose last continued report has come due, synced in batches."""
    obligations = Obligation.objects.filter(finding=OuterRef("pk"))
    lacking = Finding.objects.filter(issued_at__isnull=False).exclude(state=FindingState.DRAFT)
    lacking = lacking.filter(~Exists(obligations))
    latest_continued = (
        Obligation.objects.filter(kind=ObligationKind.CONTINUED, cancelled_at__isnull=True)
        .values("finding")
        .annotate(last=Max("due_date"))
        .filter(last__lt=today)
        .values("finding")
    )
    rolling = Finding.objects.filter(state__in=services.OWING_STATES, pk__in=latest_continued)
    ids = sorted(set(lacking.values_list("pk", flat=True)) | set(rolling.values_list("pk", flat=True)))
    rules = services.RulesCache()
    for start in range(0, len(ids), BATCH):
        services.sync_many(ids[start : start + BATCH], today=today, rules=rules)
    return len(ids)


def _open_obligations(today: datetime.date, horizon_days: int):
    return (
        Obligation.objects.open()
        .filter(finding__state__in=services.OWING_STATES, due_date__lte=today + datetime.timedelta(days=horizon_days))
        .select_related("finding__project__jurisdiction")
    )


def _remind(today: datetime.date, result: SweepResult) -> None:
    cache = services.RulesCache()

    def rules_of(obligation: Obligation) -> ReportingRules:
        return cache.get(obligation.finding.project.jurisdiction)[0]

    horizon = max([*services.rules_for(None).reminder_lead_days, *_all_leads()])
    batch: list[tuple[str, Obligation, str, datetime.date]] = []
    for obligation in _in_batches(_open_obligations(today, horizon)):
        rules = rules_of(obligation)
        slot = reminder_slot(obligation.due_date, today, list(rules.reminder_lead_days), rules.overdue_reminder_days)
        if slot is None:
            continue
        name, day = slot
        batch.append((reminder_key(obligation.pk, obligation.due_date, name), obligation, name, day))
        if len(batch) >= BATCH:
            _publish_reminders(batch, today, result)
            batch = []
    _publish_reminders(batch, today, result)


def _all_leads() -> list[int]:
    leads: list[int] = []
    for values in ReportingRules.objects.values_list("reminder_lead_days", flat=True):
        leads.extend(int(v) for v in values or [])
    return leads


def _publish_reminders(batch, today: datetime.date, result: SweepResult) -> None:
    seen = set(PublishedEvent.objects.filter(key__in=[key for key, *_ in batch]).values_list("key", flat=True))
    for key, obligation, slot, _day in batch:
        if key in seen:
            continue
        overdue = obligation.due_date < today
        days = abs((obligation.due_date - today).days)
        published = publish_once(
            "obligation.overdue" if overdue else "obligation.reminder",
            obligation,
            key=key,
            slot=slot,
            due_date=obligation.due_date.isoformat(),
            days=days,
        )
        if published:
            result.reminders += 1
            result.by_slot[slot] = result.by_slot.get(slot, 0) + 1


def accepted_delay_q(today: datetime.date) -> Q:
    """The finding has a delay explanation the audit office accepted, whose new date has not passed."""
    from rectify.rectification.choices import DelayDecision
    from rectify.rectification.models import DelayExplanation

    return Q(
        Exists(
            DelayExplanation.objects.filter(
                finding=OuterRef("finding"), decision=DelayDecision.ACCEPTED, expected_completion__gte=today
            )
        )
    )


def _escalate(today: datetime.date, *, announce: bool = True) -> int:
    made = 0
    cache = services.RulesCache()
    candidates = (
        Obligation.objects.open()
        .filter(finding__state__in=RUNNING_STATES, due_date__lt=today, escalation__isnull=True)
        .exclude(accepted_delay_q(today))
        .select_related("finding__project__jurisdiction")
    )
    for obligation in _in_batches(candidates):
        jurisdiction = obligation.finding.project.jurisdiction
        grace = cache.get(jurisdiction)[0].escalation_grace_days
        days_overdue = (today - obligation.due_date).days
        if days_overdue <= grace:
            continue
        proposal, created = EscalationProposal.objects.get_or_create(
            obligation=obligation,
            defaults={
                "finding_id": obligation.finding_id,
                "proposed_on": today,
                "days_overdue": days_overdue,
                "state": EscalationState.OPEN,
            },
        )
        if created:
            made += 1
        if created and announce:
            publish_once(
                "obligation.escalated",
                proposal,
                key=f"obligation.escalated:{obligation.pk}",
                days=days_overdue,
                finding_id=obligation.finding_id,
            )
    return made
