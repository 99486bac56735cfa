"""Findings imported in bulk carry their project's year and jurisdiction (the ledger's scope and order read
them): equal to a recount, as after every other kind of change (rectification/tests/test_denormalized.py)."""

import pytest

from rectify.exchange import services as exchange
from rectify.exchange.tests.helpers import new_row, workbook
from rectify.findings.models import Finding
from rectify.rectification.denormalized import stale_findings

pytestmark = pytest.mark.django_db


def test_imported_findings_carry_their_projects_year_and_jurisdiction(world):
    buffer = workbook([new_row(world, 问题摘要=f"第{n}个导入问题") for n in range(3)])
    result = exchange.import_ledger(buffer, world["auditor"], name="台账.xlsx")
    assert result.ok, result.errors
    imported = Finding.objects.filter(pk__in=[plan.finding_id for plan in result.created])
    assert {(f.year, f.jurisdiction_id) for f in imported} == {(world.project.year, world.project.jurisdiction_id)}
    assert stale_findings() == []
