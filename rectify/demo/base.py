"""What every part of the demo builder shares: the limits, the error, the clock of the story, small helpers."""

from __future__ import annotations

import datetime
import functools
import random
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from rectify.audits.choices import AuditType
from rectify.findings.choices import FindingState, Kind
from rectify.findings.models import DeadlineRule
from rectify.findings.services import FindingRules, default_deadline

DEFAULT_SEED = 2021
DEFAULT_FINDINGS = 2000
MIN_FINDINGS = 50
YEARS = 5

S = FindingState
T = AuditType


class DemoError(Exception):
    """The demo cannot be loaded as asked."""


def weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def money_text(cents: int) -> str:
    """186.42万元 or 8650元, the way audit reports write amounts."""
    yuan = Decimal(cents) / 100
    if yuan >= 10000 and cents % 10000 == 0:
        text = f"{yuan / 10000:.2f}".rstrip("0").rstrip(".")
        return f"{text}万元"
    if cents % 100 == 0:
        return f"{int(yuan)}元"
    return f"{yuan:.2f}元"


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


class BuilderBase:
    """The builder's state shared by its parts: the random source, the story's clock and the request id.

    The builder is assembled from one part per concern (organizations, projects, findings, outcomes,
    evidence, writer); each part is a mixin of this base and reads what the parts before it built."""

    def __init__(
        self,
        *,
        seed: int,
        findings: int,
        today: datetime.date | None,
        now: datetime.datetime | None,
        request_id: str,
    ):
        self.rng = random.Random(seed)
        self.n = findings
        self.tz = timezone.get_default_timezone()
        if now is None:
            # A given day (for trying other dates) ends the story at 18:00 that day.
            now = timezone.now() if today is None else datetime.datetime.combine(today, datetime.time(18), self.tz)
        self.now = now
        self.today = today or timezone.localdate(now)
        self.request_id = request_id
        self.years = list(range(self.today.year - YEARS, self.today.year))
        self.history = {"request_id": request_id}
        self.epoch = self._at(datetime.date(self.years[0] + 1, 1, 4), 9, 0)
        # The rules create_finding applies (deadlines by kind, the units of each project), read once.
        self.finding_rules = FindingRules()
        rule = DeadlineRule.objects.filter(kind=Kind.LONG_TERM).first()
        self.interval = (rule.reporting_interval_days if rule else None) or 90

    # --- time -----------------------------------------------------------------------------------------

    def _at(self, day: datetime.date, hour: int, minute: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def _work_time(self, day: datetime.date) -> datetime.datetime:
        if day.weekday() >= 5 and self.rng.random() < 0.85:
            monday = day + datetime.timedelta(days=7 - day.weekday())
            if monday < self.today:
                day = monday
        minutes = self.rng.randint(0, 9 * 60)
        return self._at(day, 8, 30) + datetime.timedelta(minutes=minutes)

    def _workday(self, day: datetime.date) -> datetime.date:
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        return day

    def _place(self, start: datetime.datetime, gaps: Sequence[float]) -> list[datetime.datetime]:
        """Datetimes for steps ``gaps`` days apart after ``start``, squeezed to end before now, in order."""
        room = (self.now - start).total_seconds() / 86400 - 0.05
        total = sum(gaps)
        if total > room * 0.95:
            gaps = [g * room * 0.95 / total for g in gaps]
        placed = []
        nominal = start
        previous = start
        for gap in gaps:
            nominal = nominal + datetime.timedelta(days=gap)
            when = self._work_time(timezone.localtime(nominal, self.tz).date()) if gap >= 1 else nominal
            if when <= previous:
                when = previous + datetime.timedelta(minutes=self.rng.randint(5, 90))
            if when >= self.now:
                when = previous + (self.now - previous) / 2
            placed.append(when)
            previous = when
        return placed

    @functools.cache  # noqa: B019 - one builder per load
    def _deadline(self, kind: str, base: datetime.date) -> datetime.date:
        return default_deadline(kind, base, self.finding_rules)
