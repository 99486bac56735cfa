"""The pages and the API of supervised matters and circulars: each flow via the web and via the API, a
refusal shown on the form with what was typed kept, 403 for a role that sees but may not act."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from rectify.findings.warning import local_today
from rectify.supervision.choices import AssignmentState, CircularState, MatterState
from rectify.supervision.models import Assignment, Circular, SupervisedMatter
from rectify.supervision.tests.helpers import days, make_circular, make_matter
from rectify.testing import PASSWORD, make_finding, upload

pytestmark = pytest.mark.django_db


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_matter_flow_on_the_web(client, world):
    finding = make_finding(world, "rectifying")
    login(client, "committee")
    assert client.get("/supervision/new/").status_code == 200
    response = client.post("/supervision/new/", {
        "kind": "instruction", "title": "落实区委书记批示", "content": "请抓紧整改。", "instructed_by": "李明",
        "instructor_position": "区委书记", "instructed_on": local_today().isoformat(),
        "assignees": [world.unit.pk], "due_date": days(20).isoformat(), "finding_numbers": finding.ledger_number,
    })  # fmt: skip
    matter = SupervisedMatter.objects.get()
    assert response.status_code == 302 and response["Location"] == matter.get_absolute_url()
    assert list(matter.findings.all()) == [finding]
    response = client.post(
        f"/supervision/{matter.pk}/assign/", {"organization": world.dept.pk, "due_date": days(40).isoformat()}
    )
    assert response.status_code == 302 and matter.assignments.count() == 2
    part = matter.assignments.get(organization=world.unit)
    client.logout()
    login(client, "unit")
    page = client.get(matter.get_absolute_url()).content.decode()
    assert 'data-testid="step-progress"' in page and 'data-testid="step-accept"' not in page
    assert client.get(f"/supervision/assignments/{part.pk}/accept/").status_code == 403
    response = client.post(
        f"/supervision/assignments/{part.pk}/progress/", {"text": "已整改", "attachment": upload()}, follow=True
    )
    assert "已报告办理进展" in response.content.decode()
    progress = part.progress.get()
    assert client.get(f"/supervision/progress/{progress.pk}/attachment/").status_code == 200
    client.post(f"/supervision/assignments/{part.pk}/request/", {"comment": "完成"})
    client.logout()
    login(client, "committee")
    response = client.post(f"/supervision/assignments/{part.pk}/accept/", {"comment": ""}, follow=True)
    assert "已同意办结" in response.content.decode()
    part.refresh_from_db()
    assert part.state == AssignmentState.DONE
    assert client.get("/workbench/").content.decode().count('data-testid="supervised-part"') == 1  # the dept's part
    client.logout()
    login(client, "sibling")
    assert client.get(f"/supervision/progress/{progress.pk}/attachment/").status_code == 404


def test_a_refused_matter_keeps_what_was_typed(client, world):
    login(client, "committee")
    response = client.post("/supervision/new/", {
        "kind": "decision", "title": "我的事项", "content": "内容", "meeting": "",
        "assignees": [world.unit.pk], "due_date": days(20).isoformat(), "finding_numbers": "NO-SUCH-1",
    })  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "NO-SUCH-1" in body and 'value="我的事项"' in body
    assert "不存在" in body
    assert SupervisedMatter.objects.count() == 0


@pytest.mark.parametrize("username", ["auditor", "unit", "gov", "congress"])
def test_forms_of_the_committee_office_are_refused_to_others(client, world, username):
    login(client, username)
    assert client.get("/supervision/new/").status_code == 403
    assert client.get("/circulars/new/").status_code == 403


def test_the_circular_flow_on_the_web(client, world):
    login(client, "committee")
    response = client.post("/circulars/new/", {
        "kind": "commendation", "title": "关于整改成效显著单位的通报", "body": "第一中学整改成效显著。",
        "recipients": [world.unit.pk, world.dept.pk],
    })  # fmt: skip
    circular = Circular.objects.get()
    assert response.status_code == 302
    page = client.get(circular.get_absolute_url()).content.decode()
    assert 'data-testid="awaits-other-approver"' in page and 'data-testid="step-approve"' not in page
    refused = client.post(f"/circulars/{circular.pk}/approve/", {"comment": ""})
    assert "起草人（含修改人）以外" in refused.content.decode()  # four eyes: the drafter does not approve
    circular.refresh_from_db()
    assert circular.state == CircularState.DRAFT
    client.logout()
    login(client, "committee2")
    assert 'data-testid="step-approve"' in client.get(circular.get_absolute_url()).content.decode()
    client.post(f"/circulars/{circular.pk}/approve/", {"comment": ""})
    client.logout()
    login(client, "committee")
    response = client.post(f"/circulars/{circular.pk}/issue/", {"comment": ""}, follow=True)
    assert "已印发" in response.content.decode()
    circular.refresh_from_db()
    assert circular.state == CircularState.ISSUED and circular.number in response.content.decode()
    page = response.content.decode()
    for who in (world["committee"], world["committee2"]):  # who drafted, approved and issued, and when
        assert who.display_name in page
    assert timezone.localtime(circular.approved_at).strftime("%Y-%m-%d %H:%M") in page
    download = client.get(f"/circulars/{circular.pk}/document.docx")
    assert download.status_code == 200 and download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    client.logout()
    login(client, "unit")
    assert client.get(circular.get_absolute_url()).status_code == 200
    assert client.get(f"/circulars/{circular.pk}/issue/").status_code == 403


def test_the_matter_flow_over_the_api(world):
    committee, unit = APIClient(), APIClient()
    committee.force_authenticate(world["committee"])
    unit.force_authenticate(world["unit"])
    answer = committee.post("/api/supervised-matters/", {
        "kind": "decision", "title": "会议议定事项", "content": "限期整改", "meeting": "第三次会议",
        "meeting_date": local_today().isoformat(),
        "assignees": [{"organization": world.unit.pk, "due_date": days(10).isoformat()}],
    }, format="json")  # fmt: skip
    assert answer.status_code == 201, answer.json()
    matter_id = answer.json()["id"]
    part_id = answer.json()["assignments"][0]["id"]
    assert unit.post(f"/api/supervision-assignments/{part_id}/accept/", {}, format="json").status_code == 403
    assert unit.post(f"/api/supervision-assignments/{part_id}/request-closure/", {}, format="json").status_code == 409
    answer = unit.post(f"/api/supervision-assignments/{part_id}/progress/", {"text": "进展"}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "in_progress"
    unit.post(f"/api/supervision-assignments/{part_id}/request-closure/", {"comment": "完成"}, format="json")
    answer = committee.post(f"/api/supervision-assignments/{part_id}/return/", {"reason": "补充"}, format="json")
    assert answer.json()["state"] == "in_progress"
    unit.post(f"/api/supervision-assignments/{part_id}/request-closure/", {}, format="json")
    committee.post(f"/api/supervision-assignments/{part_id}/accept/", {}, format="json")
    assert committee.get(f"/api/supervised-matters/{matter_id}/").json()["state"] == MatterState.CLOSED
    other = APIClient()
    other.force_authenticate(world["sibling"])
    assert (
        other.post(f"/api/supervision-assignments/{part_id}/progress/", {"text": "x"}, format="json").status_code == 404
    )
    assert Assignment.objects.get(pk=part_id).progress.count() == 1


def test_the_circular_flow_over_the_api(world):
    committee = APIClient()
    committee.force_authenticate(world["committee"])
    matter = make_matter(world)
    answer = committee.post("/api/circulars/", {
        "kind": "criticism", "title": "通报", "body": "正文", "recipients": [world.unit.pk], "matters": [matter.pk],
    }, format="json")  # fmt: skip
    assert answer.status_code == 201, answer.json()
    pk = answer.json()["id"]
    assert committee.post(f"/api/circulars/{pk}/issue/", {}, format="json").status_code == 409
    refused = committee.post(f"/api/circulars/{pk}/approve/", {}, format="json")
    assert refused.status_code == 403 and "起草人（含修改人）以外" in str(refused.json())
    second = APIClient()
    second.force_authenticate(world["committee2"])
    answer = second.post(f"/api/circulars/{pk}/approve/", {}, format="json")
    assert answer.json()["state"] == "approved" and answer.json()["approved_by"] == world["committee2"].pk
    answer = committee.post(f"/api/circulars/{pk}/issue/", {}, format="json")
    assert answer.json()["state"] == "issued" and answer.json()["number"].endswith("1号")
    unit = APIClient()
    unit.force_authenticate(world["unit"])
    assert unit.get(f"/api/circulars/{pk}/").status_code == 200
    assert unit.get(f"/api/circulars/{pk}/document/").status_code == 200
    assert unit.post(f"/api/circulars/{pk}/approve/", {}, format="json").status_code == 403
    draft = make_circular(world)
    assert unit.get(f"/api/circulars/{draft.pk}/").status_code == 404
