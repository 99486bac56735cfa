import datetime
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import time_machine

from rectify.accounts.choices import RoleCode
from rectify.organizations.choices import OrganizationKind
from rectify.testing import OrganizationFactory, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def on(django_capture_on_commit_callbacks):
    """``with on(day):`` — the clock at 09:00 that day in Asia/Shanghai, and what is published after the
    commit delivered (the subscribers' jobs run inline in tests)."""

    @contextmanager
    def clock(day: datetime.date, hour: int = 9):
        moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            yield

    return clock


@pytest.fixture
def sharing(world):
    """The world with a supervising body (区委巡察办) and its inspector, a second body, and an internal
    auditor in the world's unit and in its sibling."""
    inspection = OrganizationFactory(
        name="甲区委巡察办", kind=OrganizationKind.OTHER_SUPERVISOR, jurisdiction=world.district_a
    )
    other_body = OrganizationFactory(
        name="甲区国资办", kind=OrganizationKind.OTHER_SUPERVISOR, jurisdiction=world.district_a
    )
    world.inspection = inspection
    world.other_body = other_body
    world.users["inspector"] = make_user("inspector", inspection, RoleCode.SUPERVISOR_OFFICER)
    world.users["sasac"] = make_user("sasac", other_body, RoleCode.SUPERVISOR_OFFICER)
    world.users["internal"] = make_user("internal", world.unit, RoleCode.INTERNAL_AUDITOR)
    world.users["internal_sibling"] = make_user("internal_sibling", world.sibling_unit, RoleCode.INTERNAL_AUDITOR)
    return world
