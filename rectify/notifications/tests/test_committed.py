"""The inbox on committed data, without a browser: what the browser test (test_browser.py) walks, here with
Django's test client, so that it runs on every database the suite runs on (CI's PostgreSQL run leaves the
browser tests to the SQLite run). The finding is issued in a transaction that commits; the bus then
notifies through the job queue, and the unit's pages show it. Transactional, so kept apart from the
modules built on the test world (which holds a transaction open for the whole module)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from rectify.findings import services as findings
from rectify.notifications.models import Notification
from rectify.testing import PASSWORD, build_world, make_finding

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_issued_finding_reaches_the_units_inbox_once_committed():
    world = build_world()
    finding = make_finding(world, "draft")
    findings.issue_finding(world["auditor"], finding)  # committed: the bus notifies through the queue

    client = Client()
    assert client.login(username="unit", password=PASSWORD)
    page = client.get("/workbench/").content.decode()
    assert re.search(r'data-testid="unread-count">1<', page)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert inbox.count('data-testid="notification"') == 1
    assert f"新下达整改问题 {finding.ledger_number}" in inbox
    notification = Notification.objects.get(recipient=world["unit"])
    response = client.post(reverse("notifications:open", args=[notification.pk]))  # the inbox's 查看
    assert response.status_code == 302 and response.url == f"/findings/{finding.pk}/"
    assert 'data-testid="unread-count"' not in client.get(response.url).content.decode()

    # The preferences page keeps the person's choice.
    response = client.post(reverse("notifications:preferences"), {"channels": ["sms"]}, follow=True)
    page = response.content.decode()
    assert "通知设置已保存。" in page
    assert re.search(r'value="sms" id="channel-sms" checked', page)
