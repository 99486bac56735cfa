"""The ledger's searchable pickers (project, unit, competent department): they offer only what the ledger's
scope shows, whatever is typed or forged as the chosen id; they stop at a bound; and the ledger page lists no
project or unit beyond the one chosen, so its size does not grow with the data."""

import pytest

from rectify.ledger.views import PICKER_LIMIT
from rectify.testing import build_world, make_finding, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    make_finding(world, "issued", title="甲区的问题")
    make_finding(world, "issued", unit=world.sibling_unit, title="二中的问题")
    make_finding(
        world, "issued", project=world.project_b, unit=world.unit_b, title="乙区的问题", actor=world["auditor_b"]
    )
    return world


def named_projects(world, count: int) -> list:
    projects = []
    for number in range(count):
        project = make_project(world, world.office_a, [world.unit], "budget_execution", year=2024)
        project.name = f"专项审计{number:02d}"
        project.save()
        projects.append(project)
    return projects


def options(client, kind: str, **params) -> str:
    response = client.get(f"/ledger/choices/{kind}/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_unit_is_offered_only_itself_whatever_it_types_or_forges(client, world):
    client.force_login(world["unit"])
    assert world.unit.name in options(client, "unit")
    for typed in ("二中", "乙区", "局"):
        found = options(client, "unit", q=typed)
        assert world.sibling_unit.name not in found and world.unit_b.name not in found
    forged = options(client, "unit", unit=str(world.unit_b.pk))
    assert world.unit_b.name not in forged and f'value="{world.unit_b.pk}"' not in forged
    assert world.project_b.name not in options(client, "project", project=str(world.project_b.pk))


def test_an_auditor_is_offered_its_districts_units_and_projects_not_another_districts(client, world):
    client.force_login(world["auditor"])
    units = options(client, "unit")
    assert world.unit.name in units and world.sibling_unit.name in units and world.unit_b.name not in units
    assert world.unit_b.name not in options(client, "unit", q="乙区", unit=str(world.unit_b.pk))
    assert world.project.name in options(client, "project")
    assert world.project_b.name not in options(client, "project", q=world.project_b.name)
    assert world.dept.name in options(client, "department")
    client.force_login(world["auditor_b"])
    assert world.unit.name not in options(client, "unit", q=world.unit.name[:2])


def test_a_picker_stops_at_its_bound_and_says_so(client, world):
    named_projects(world, PICKER_LIMIT + 5)
    client.force_login(world["auditor"])
    found = options(client, "project", q="专项审计")
    assert found.count("专项审计") == PICKER_LIMIT and "请输入更多文字缩小范围" in found
    assert "请输入更多文字缩小范围" not in options(client, "project", q="专项审计07")


def test_the_ledger_page_lists_no_project_or_unit_but_the_chosen_one(client, world):
    projects = named_projects(world, 30)
    client.force_login(world["auditor"])
    page = client.get("/ledger/").content.decode()
    assert not [project.name for project in projects if project.name in page]
    chosen = client.get("/ledger/", {"project": projects[7].pk}).content.decode()
    assert projects[7].name in chosen and projects[8].name not in chosen
    # Another district's project, forged as the filter, is neither named nor offered.
    forged = client.get("/ledger/", {"project": world.project_b.pk}).content.decode()
    assert world.project_b.name not in forged
