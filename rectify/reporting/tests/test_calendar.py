"""Counting reporting deadlines: month ends, leap days, working days with a holiday calendar."""

import datetime

import pytest

from rectify.reporting.calendar import WorkCalendar, add_months
from rectify.reporting.choices import DayCounting, HolidayKind

D = datetime.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 8, 31), 6, D(2027, 2, 28)),  # no 31st in February
        (D(2027, 8, 31), 6, D(2028, 2, 29)),  # a leap year
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # a leap day a year on
        (D(2028, 2, 29), 48, D(2032, 2, 29)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 3, 15), 6, D(2026, 9, 15)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),  # across the year end
        (D(2026, 5, 31), -3, D(2026, 2, 28)),
    ],
)
def test_whole_months_keep_the_day_or_fall_on_the_months_last(start, months, expected):
    assert add_months(start, months) == expected


# The National Day holiday of 2025 as the State Council set it: 1-8 October off, Sunday 28 September
# and Saturday 11 October worked instead.
NATIONAL_DAY = [(D(2025, 10, day), HolidayKind.HOLIDAY) for day in range(1, 9)] + [
    (D(2025, 9, 28), HolidayKind.WORKDAY),
    (D(2025, 10, 11), HolidayKind.WORKDAY),
]


def test_calendar_days_count_every_day_and_leave_a_due_date_where_it_falls():
    cal = WorkCalendar.from_days(DayCounting.CALENDAR, NATIONAL_DAY)
    assert cal.add_days(D(2025, 9, 26), 5) == D(2025, 10, 1)
    assert cal.due(D(2025, 10, 1)) == D(2025, 10, 1)


def test_working_days_skip_weekends_and_holidays_and_count_the_days_worked_instead():
    cal = WorkCalendar.from_days(DayCounting.WORKING, NATIONAL_DAY)
    # Friday 26 September: Sunday 28th is worked, 29th and 30th too, then the holiday to the 8th.
    assert cal.add_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert cal.add_days(D(2025, 9, 26), 3) == D(2025, 9, 30)
    assert cal.add_days(D(2025, 9, 26), 4) == D(2025, 10, 9)
    assert cal.add_days(D(2025, 10, 9), 2) == D(2025, 10, 11)  # Saturday the 11th is worked
    assert cal.add_days(D(2025, 10, 11), 1) == D(2025, 10, 13)  # Sunday is not


def test_a_due_date_on_a_rest_day_moves_to_the_next_working_day():
    cal = WorkCalendar.from_days(DayCounting.WORKING, NATIONAL_DAY)
    assert cal.due(D(2025, 10, 3)) == D(2025, 10, 9)
    assert cal.due(D(2025, 10, 12)) == D(2025, 10, 13)  # a Sunday
    assert cal.due(D(2025, 9, 28)) == D(2025, 9, 28)  # a Sunday worked
    assert cal.add_months(D(2025, 4, 3), 6) == D(2025, 10, 9)
