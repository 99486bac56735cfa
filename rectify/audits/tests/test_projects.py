import pytest
from rest_framework.test import APIClient

from rectify.audits import services
from rectify.audits.models import AuditProject
from rectify.core.exceptions import ActionRefused
from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_auditor_opens_a_project_in_the_offices_jurisdiction_with_the_next_sequence(world):
    project = services.create_project(
        world["auditor"],
        name="2025年度甲区第一中学预算执行审计",
        year=2025,
        type="budget_execution",
        units=[world.unit],
    )
    assert project.audit_office == world.office_a and project.jurisdiction == world.district_a
    assert project.sequence == 3  # the test world already holds two 2025 projects in district A
    assert project.leader == world["auditor"] and world["auditor"] in project.team.all()
    assert project.history.count() == 1


@pytest.mark.parametrize(
    ("username", "overrides", "message"),
    [
        ("unit", {}, "只有审计机关的审计人员"),
        ("sysadmin", {}, "只有审计机关的审计人员"),
        ("auditor", {"units": "unit_b"}, "不在本审计机关的管辖范围内"),
        ("auditor", {"units": "orgdept"}, "不是被审计单位或主管部门"),
        ("auditor", {"team": "auditor_b"}, "须为本审计机关的审计人员"),
        ("auditor", {"audited_official": "王某某"}, "只有经济责任审计和自然资源资产审计"),
        ("auditor", {"year": 1990}, "不在合理范围内"),
        ("auditor", {"name": " "}, "请填写项目名称"),
    ],
)
def test_bad_projects_are_refused_and_nothing_is_saved(world, username, overrides, message):
    organizations = {"unit_b": world.unit_b, "orgdept": world.orgdept}
    data = {"name": "测试项目", "year": 2025, "type": "budget_execution", "units": [world.unit]}
    for key, value in overrides.items():
        if key == "units":
            data["units"] = [organizations[value]]
        elif key == "team":
            data["team"] = [world[value]]
        else:
            data[key] = value
    before = AuditProject.all_objects.count()
    with pytest.raises(ActionRefused, match=message):
        services.create_project(world[username], **data)
    assert AuditProject.all_objects.count() == before


def test_the_web_form_opens_a_project(client, world):
    client.login(username="auditor", password=PASSWORD)
    assert 'data-testid="create-project"' in client.get("/projects/").content.decode()
    response = client.post(
        "/projects/new/",
        {"name": "2025年度甲区交通局经济责任审计", "year": "2025", "type": "economic_responsibility",
         "units": [world.other_unit.pk], "audited_official": "原局长李某某", "started_on": "2026-03-02"},
    )  # fmt: skip
    project = AuditProject.objects.get(name="2025年度甲区交通局经济责任审计")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    client.logout()
    client.login(username="unit", password=PASSWORD)
    assert 'data-testid="create-project"' not in client.get("/projects/").content.decode()


def test_the_api_opens_a_project_and_refuses_a_unit(world):
    api = APIClient()
    api.force_authenticate(world["auditor"])
    response = api.post(
        "/api/audit-projects/",
        {"name": "专项资金审计", "year": 2025, "type": "special_fund", "units": [world.unit.pk]},
        format="json",
    )
    assert response.status_code == 201 and response.json()["audit_office"] == world.office_a.pk
    api.force_authenticate(world["unit"])
    response = api.post(
        "/api/audit-projects/",
        {"name": "x", "year": 2025, "type": "special_fund", "units": [world.unit.pk]},
        format="json",
    )
    assert response.status_code == 403 and "审计人员" in response.json()["detail"]
