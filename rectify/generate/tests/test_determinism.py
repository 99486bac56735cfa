"""The same seed gives the same province (apart from row ids); another seed another one."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from rectify.findings.models import Finding
from rectify.generate import services

pytestmark = pytest.mark.django_db


def _generate(seed: int) -> list[tuple]:
    with transaction.atomic():
        services.generate(findings=100, districts=2, seed=seed)
        rows = list(
            Finding.objects.order_by("ledger_number").values_list(
                "ledger_number", "title", "description", "state", "deadline", "amount_involved", "unit__name",
                "repeats__ledger_number",
            )
        )  # fmt: skip
        transaction.set_rollback(True)
    return rows


def test_the_same_seed_gives_the_same_province(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        first = _generate(11)
        again = _generate(11)
        other = _generate(12)
    assert len(first) >= 100 and first == again
    assert other != first


def test_too_few_findings_for_the_districts_is_refused():
    with pytest.raises(services.GenerateError):
        services.generate(findings=50, districts=2)


def test_catch_up_gives_the_issued_findings_their_reporting_obligations(tmp_path):
    from rectify.reporting.models import Obligation

    with override_settings(MEDIA_ROOT=tmp_path, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        result = services.generate(findings=80, districts=2, seed=3, catch_up=True)
    issued = Finding.objects.exclude(state="draft").count()
    assert result.counts["obligations synced"] == issued > 0
    assert Obligation.objects.values("finding").distinct().count() == issued
