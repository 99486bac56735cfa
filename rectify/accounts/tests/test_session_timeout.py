"""Session timeout (等保 2.0 identity): an idle session ends after RECTIFY_SESSION_SECONDS; activity renews it."""

import datetime

import time_machine
from django.conf import settings

from rectify.testing import PASSWORD

START = datetime.datetime(2025, 9, 25, 9, 0, tzinfo=datetime.UTC)


def test_an_idle_session_ends_and_an_active_one_is_renewed(client, world):
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle == datetime.timedelta(minutes=30)
    with time_machine.travel(START, tick=False):
        assert client.login(username="auditor", password=PASSWORD)
        assert client.get("/ledger/").status_code == 200
    with time_machine.travel(START + idle - datetime.timedelta(minutes=1), tick=False):
        assert client.get("/ledger/").status_code == 200  # activity renews the session
    with time_machine.travel(START + 2 * idle - datetime.timedelta(minutes=2), tick=False):
        assert client.get("/ledger/").status_code == 200
    with time_machine.travel(START + 3 * idle, tick=False):
        response = client.get("/ledger/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
