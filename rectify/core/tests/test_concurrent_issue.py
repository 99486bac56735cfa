"""A requirement change cannot slip past a concurrent issue (PostgreSQL: row locks between two connections).

Transactional (two threads commit on connections of their own), so kept apart from the modules built on the
test world, which hold a transaction open for the whole module (the test would run inside it)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from rectify.core.exceptions import ActionRefused
from rectify.findings import services as findings
from rectify.findings.models import Finding
from rectify.testing import finding_data


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_a_requirement_change_cannot_slip_past_a_concurrent_issue():
    from rectify.testing import build_world

    world = build_world()
    finding = findings.create_finding(world["auditor"], allow_past_deadline=True, **finding_data(world, deadline=None))
    stale_copy = Finding.objects.get(pk=finding.pk)  # what the second person's page read: a draft
    issued = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def issue_and_hold():
        try:
            with transaction.atomic():
                findings.update_finding(
                    world["auditor"], finding, deadline=finding_data(world)["deadline"], allow_past_deadline=True
                )
                findings.issue_finding(world["auditor"], finding)
                issued.set()
                release.wait(10)
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    holder = threading.Thread(target=issue_and_hold)
    holder.start()
    assert issued.wait(10)
    outcome: list[object] = []

    def change_requirements():
        try:
            findings.set_requirements(world["auditor2"], stale_copy, ["改过的要求"])
            outcome.append("changed")
        except ActionRefused as refusal:
            outcome.append(refusal.code)
        finally:
            connection.close()

    changer = threading.Thread(target=change_requirements)
    changer.start()
    changer.join(1)
    assert changer.is_alive()  # waits for the row lock the issue holds
    release.set()
    holder.join(10)
    changer.join(10)
    assert errors == []
    assert outcome == ["invalid_state"]
    finding.refresh_from_db()
    assert finding.state == "issued"
    assert [r.text for r in finding.requirements.all()] == finding_data(world)["requirements"]
