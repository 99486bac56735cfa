"""Overdue, days left and the warning colour (三色预警), derived from the deadline and the state.

Nothing here is stored: the Python functions serve a single finding, the query expressions serve
lists and filters, and both follow the same rules:

- the unit owes work (issued, rectifying, long-term): red once the deadline has passed, yellow from
  N days before it up to the deadline day itself (N = RECTIFY_WARNING_DAYS, default 7), else green;
- submitted and awaiting verification: green, the unit has done its part for now;
- draft or closed: no colour.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone

from rectify.findings.choices import Colour, FindingState

RUNNING_STATES = (FindingState.ISSUED, FindingState.RECTIFYING, FindingState.LONG_TERM)


def local_today() -> datetime.date:
    """Today in the configured time zone (Asia/Shanghai), not in UTC."""
    return timezone.localdate()


def warning_days() -> int:
    return settings.RECTIFY_WARNING_DAYS


def days_left(state: str, deadline: datetime.date | None, today: datetime.date | None = None) -> int | None:
    if state not in RUNNING_STATES or deadline is None:
        return None
    return (deadline - (today or local_today())).days


def is_overdue(state: str, deadline: datetime.date | None, today: datetime.date | None = None) -> bool:
    left = days_left(state, deadline, today)
    return left is not None and left < 0


def colour_for(state: str, deadline: datetime.date | None, today: datetime.date | None = None) -> str | None:
    if state == FindingState.SUBMITTED:
        return Colour.GREEN
    if state not in RUNNING_STATES:
        return None
    left = days_left(state, deadline, today)
    if left is None:
        return Colour.GREEN
    if left < 0:
        return Colour.RED
    if left <= warning_days():
        return Colour.YELLOW
    return Colour.GREEN


def colour_expression(today: datetime.date | None = None) -> Case:
    today = today or local_today()
    yellow_from = today + datetime.timedelta(days=warning_days())
    running = Q(state__in=RUNNING_STATES)
    return Case(
        When(state=FindingState.SUBMITTED, then=Value(Colour.GREEN.value)),
        When(running & Q(deadline__isnull=True), then=Value(Colour.GREEN.value)),
        When(running & Q(deadline__lt=today), then=Value(Colour.RED.value)),
        When(running & Q(deadline__lte=yellow_from), then=Value(Colour.YELLOW.value)),
        When(running, then=Value(Colour.GREEN.value)),
        default=Value(""),
        output_field=CharField(),
    )


def colour_q(colour: str, today: datetime.date | None = None) -> Q:
    """The findings of one colour, as a filter (the same rules as colour_for and colour_expression)."""
    today = today or local_today()
    yellow_from = today + datetime.timedelta(days=warning_days())
    running = Q(state__in=RUNNING_STATES)
    if colour == Colour.RED:
        return running & Q(deadline__lt=today)
    if colour == Colour.YELLOW:
        return running & Q(deadline__gte=today, deadline__lte=yellow_from)
    if colour == Colour.GREEN:
        return Q(state=FindingState.SUBMITTED) | (running & (Q(deadline__isnull=True) | Q(deadline__gt=yellow_from)))
    raise ValueError(colour)


def overdue_q(today: datetime.date | None = None) -> Q:
    return Q(state__in=RUNNING_STATES, deadline__lt=today or local_today())
