"""Counting reporting deadlines: calendar days or working days, whole months with month ends.

Calendar days are the default. A jurisdiction may count working days instead: weekends and public
holidays are skipped, weekend days worked instead (调休) count, and a due date that falls on a rest
day moves to the next working day. Months keep the day of the month where it exists and otherwise
fall on the month's last day: six months after 31 August is 28 February, or 29 in a leap year.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from rectify.reporting.choices import DayCounting, HolidayKind


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole months, clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def days_between(start: datetime.date, end: datetime.date) -> int:
    return (end - start).days


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked: Monday to Friday, less the holidays, plus the weekend days worked instead."""

    counting: str = DayCounting.CALENDAR
    holidays: frozenset[datetime.date] = field(default_factory=frozenset)
    workdays: frozenset[datetime.date] = field(default_factory=frozenset)

    @classmethod
    def from_days(cls, counting: str, days: Iterable[tuple[datetime.date, str]]) -> WorkCalendar:
        holidays, workdays = set(), set()
        for day, kind in days:
            (workdays if kind == HolidayKind.WORKDAY else holidays).add(day)
        return cls(counting, frozenset(holidays), frozenset(workdays))

    @property
    def counts_working_days(self) -> bool:
        return self.counting == DayCounting.WORKING

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """``day`` itself when worked, else the first working day after it."""
        for _ in range(60):  # the longest run of rest days is far shorter
            if self.is_working_day(day):
                return day
            day += datetime.timedelta(days=1)
        return day

    def add_days(self, day: datetime.date, days: int) -> datetime.date:
        """``days`` after ``day``: calendar days, or working days (the day itself not counted)."""
        if not self.counts_working_days:
            return day + datetime.timedelta(days=days)
        counted = 0
        while counted < days:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def due(self, day: datetime.date) -> datetime.date:
        """A due date as the calendar keeps it: moved off a rest day when working days are counted."""
        return self.next_working_day(day) if self.counts_working_days else day

    def add_months(self, day: datetime.date, months: int) -> datetime.date:
        return self.due(add_months(day, months))
