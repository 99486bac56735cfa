"""The test world is built once per module; each test sees it as built, in instances of its own."""

import pytest

from rectify.findings.models import Finding
from rectify.organizations.models import Organization
from rectify.testing import make_finding

pytestmark = pytest.mark.django_db

RENAMED = "改名后的单位"


def test_a_test_changes_the_world(world):
    world.unit.name = RENAMED
    world.unit.save()
    make_finding(world, state="issued")
    world["auditor"]._visibility_cache = {"stale": True}
    assert Organization.objects.filter(name=RENAMED).exists() and Finding.objects.exists()


def test_the_next_test_sees_the_world_as_built(world):
    assert not Organization.objects.filter(name=RENAMED).exists() and not Finding.objects.exists()
    assert world.unit.name != RENAMED and "_visibility_cache" not in world["auditor"].__dict__


def test_each_test_gets_instances_of_its_own(world, _module_world):
    assert world.unit is not _module_world.unit and world.unit.pk == _module_world.unit.pk
    assert world["auditor"] is not _module_world["auditor"] and world["auditor"].has_role("auditor")
    assert world.project.units.count() == 3
