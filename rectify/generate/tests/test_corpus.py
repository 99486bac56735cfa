"""The texts produced without a province in the database are those `rectify generate` writes."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import override_settings

from rectify.findings.models import Finding
from rectify.generate import corpus, services

pytestmark = pytest.mark.django_db


def test_the_texts_are_those_generate_writes(tmp_path):
    # On PostgreSQL the second district is copied from the first; elsewhere both are built.
    templates = 1 if connection.vendor == "postgresql" else 2
    with override_settings(MEDIA_ROOT=tmp_path, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        produced = [
            (t.ledger_number, t.title, t.description, t.requirements)
            for t in corpus.finding_texts(100, districts=2, seed=5, templates=templates)
        ]
        assert not Finding.objects.exists()  # nothing kept
        with transaction.atomic():
            services.generate(findings=100, districts=2, seed=5, templates=templates)
            written = [
                (f.ledger_number, f.title, f.description, [r.text for r in f.requirements.order_by("number")])
                for f in Finding.objects.order_by("ledger_number").prefetch_related("requirements")
            ]
            transaction.set_rollback(True)
    assert len(produced) == 100
    assert sorted(produced) == written
    if templates == 1:  # the copied district's texts are varied, not the first district's renamed
        first = {number.split("-", 1)[1]: title for number, title, *_ in produced[:50]}
        assert sum(first[number.split("-", 1)[1]] != title for number, title, *_ in produced[50:]) > 5
