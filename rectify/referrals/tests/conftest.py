import datetime
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def on(django_capture_on_commit_callbacks):
    """``with on(day):`` — the clock at 09:00 that day in Asia/Shanghai, and what is published after
    the commit delivered (the subscribers' jobs run inline in tests)."""

    @contextmanager
    def clock(day: datetime.date, hour: int = 9):
        moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            yield

    return clock
