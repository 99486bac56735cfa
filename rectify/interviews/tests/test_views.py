"""Each step through the pages and through the API, the workbench panels of each role, the finding's panel."""

import datetime

import pytest

from rectify.interviews.choices import InterviewState, ItemState
from rectify.interviews.models import FollowUpItem, Interview
from rectify.interviews.tests.helpers import SHANGHAI, approved, held, proposed, scheduled
from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db
D = datetime.date


def login(client, world, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_steps_through_the_pages(client, world, on):
    interview = proposed(world, on)
    url = f"/interviews/{interview.pk}/"
    with on(D(2025, 7, 2)):
        login(client, world, "auditor")
        assert client.get(f"{url}decide/").status_code == 403  # sees it, may not decide
        login(client, world, "unit")
        assert client.get(f"{url}decide/").status_code == 404  # a proposal is not the unit's to see
        login(client, world, "auditlead")
        page = client.get(url).content.decode()
        assert 'data-testid="decide"' in page
        answer = client.post(f"{url}decide/", {"approve": "1", "reason": "  "})
        assert answer.status_code == 200 and "reason" in answer.context["form"].errors
        answer = client.post(f"{url}decide/", {"approve": "1", "reason": "屡审屡犯"}, follow=True)
        assert answer.redirect_chain[-1][0] == url
        assert "已决定" in answer.content.decode()
    interview.refresh_from_db()
    assert interview.state == InterviewState.APPROVED
    with on(D(2025, 7, 3)):
        login(client, world, "auditor")
        data = {
            "scheduled_at": "2025-07-01T10:00",
            "place": "会议室",
            "interviewee": "张三 校长",
            "attendees": "王五 副局长",
        }
        answer = client.post(f"{url}schedule/", data)
        assert answer.status_code == 200 and "约谈时间不能早于现在" in answer.content.decode()
        assert "王五 副局长" in answer.content.decode()  # what was typed is kept
        data["scheduled_at"] = "2025-07-10T15:00"
        assert client.post(f"{url}schedule/", data).status_code == 302
    interview.refresh_from_db()
    assert interview.state == InterviewState.SCHEDULED
    assert interview.scheduled_at == datetime.datetime(2025, 7, 10, 15, tzinfo=SHANGHAI)
    with on(D(2025, 7, 10), hour=17):
        login(client, world, "auditor")  # the session timed out meanwhile
        bad = {"record": "已约谈", "commitments": "", "items": "清理往来款｜八月底｜李会计"}
        answer = client.post(f"{url}hold/", bad)
        assert answer.status_code == 200 and "第1行" in answer.content.decode()
        good = {"record": "已约谈", "commitments": "按期整改", "items": "清理往来款｜2025-08-31｜李会计"}
        assert client.post(f"{url}hold/", good).status_code == 302
    item = FollowUpItem.objects.get(interview=interview)
    with on(D(2025, 8, 1)):
        login(client, world, "unit")
        assert 'data-testid="item"' in client.get(url).content.decode()
        assert client.post(f"/interviews/items/{item.pk}/report/", {"text": "已清理"}).status_code == 302
        login(client, world, "auditor")
        answer = client.post(f"/interviews/items/{item.pk}/verify/", {"accepted": "1", "comment": "核实无误"})
        assert answer.status_code == 302
    interview.refresh_from_db()
    assert interview.state == InterviewState.CLOSED


def test_the_steps_through_the_api(client, world, on):
    interview = proposed(world, on)
    api = f"/api/interviews/{interview.pk}"
    with on(D(2025, 7, 2)):
        login(client, world, "auditor")
        assert (
            client.post(f"{api}/decide/", {"approve": True, "reason": "x"}, content_type="application/json").status_code
            == 403
        )
        login(client, world, "unit")
        assert (
            client.post(f"{api}/decide/", {"approve": True, "reason": "x"}, content_type="application/json").status_code
            == 404
        )
        login(client, world, "auditlead")
        answer = client.post(f"{api}/decide/", {"approve": True, "reason": "屡审屡犯"}, content_type="application/json")
        assert answer.status_code == 200 and answer.json()["state"] == "approved"
        again = client.post(f"{api}/decide/", {"approve": True, "reason": "x"}, content_type="application/json")
        assert again.status_code == 409 and "detail" in again.json()
    with on(D(2025, 7, 3)):
        login(client, world, "auditor")
        body = {
            "scheduled_at": "2025-07-10T15:00:00+08:00",
            "place": "会议室",
            "attendees": "王五 副局长",
            "interviewee": "张三",
        }
        answer = client.post(f"{api}/schedule/", body, content_type="application/json")
        assert answer.status_code == 200 and answer.json()["state"] == "scheduled"
    with on(D(2025, 7, 10), hour=17):
        login(client, world, "auditor")
        body = {"record": "已约谈", "items": [{"title": "清理", "due_date": "2025-06-01", "responsible": "李"}]}
        answer = client.post(f"{api}/hold/", body, content_type="application/json")
        assert answer.status_code == 400 and "items" in answer.json()
        body["items"][0]["due_date"] = "2025-08-31"
        answer = client.post(f"{api}/hold/", body, content_type="application/json")
        assert answer.status_code == 200 and answer.json()["items"][0]["state"] == "open"
        added = client.post(
            f"{api}/items/",
            {"title": "建制度", "due_date": "2025-09-30", "responsible": "张三"},
            content_type="application/json",
        )
        assert added.status_code == 201 and added.json()["sequence"] == 2
    for item in FollowUpItem.objects.filter(interview=interview):
        with on(D(2025, 8, 1)):
            login(client, world, "unithead")
            answer = client.post(
                f"/api/interview-items/{item.pk}/report/", {"text": "完成"}, content_type="application/json"
            )
            assert answer.status_code == 200 and answer.json()["state"] == ItemState.REPORTED
            login(client, world, "auditor")
            answer = client.post(
                f"/api/interview-items/{item.pk}/verify/",
                {"accepted": True, "comment": "无误"},
                content_type="application/json",
            )
            assert answer.status_code == 200 and answer.json()["state"] == ItemState.VERIFIED
        with on(D(2025, 8, 1)):
            closed = client.get(f"{api}/").json()["state"]
    assert closed == "closed"
    with on(D(2025, 8, 1)):
        assert client.get("/api/interviews/?state=closed").json()["count"] == 1


def test_the_workbench_of_each_role(client, world, on):
    proposal = proposed(world, on)
    waiting = scheduled(world, on, unit=world.sibling_unit, title="食堂收入未入账（再次发现）")
    cadre = held(world, on, project=world.cadre_project, title="公务接待超标准（再次发现）")
    item = cadre.items.get(sequence=1)
    with on(D(2025, 8, 1)):
        from rectify.interviews import services

        services.report_item(world["unit"], item.pk, text="已清理")
        pages = {}
        for username in ("auditlead", "auditor", "unit", "sibling", "orgdept", "dept", "discipline"):
            login(client, world, username)
            pages[username] = client.get("/workbench/").content.decode()
    assert pages["auditlead"].count('data-testid="interview-proposal"') == 1
    assert f"/interviews/{proposal.pk}/decide/" in pages["auditlead"]
    assert pages["auditor"].count('data-testid="interview-scheduled"') == 1
    assert pages["auditor"].count('data-testid="item-to-verify"') == 1
    assert pages["unit"].count('data-testid="unit-interview"') == 1  # the held one; not the proposal
    assert pages["unit"].count('data-testid="unit-item"') == 1  # the open one (the other is reported)
    assert f"/interviews/{waiting.pk}/" in pages["sibling"]
    assert pages["orgdept"].count('data-testid="cadre-interview"') == 1
    for username in ("auditor", "unit", "sibling", "orgdept", "dept", "discipline"):
        assert 'data-testid="interview-proposals"' not in pages[username]
    assert 'data-panel="interviews' not in pages["discipline"]


def test_the_finding_page_shows_its_interviews_to_those_who_see_them(client, world, on):
    interview = proposed(world, on)
    login(client, world, "auditor")
    assert 'data-testid="finding-interviews"' in client.get(interview.finding.get_absolute_url()).content.decode()
    login(client, world, "unit")
    assert 'data-testid="finding-interviews"' not in client.get(interview.finding.get_absolute_url()).content.decode()


def test_the_list_filters(client, world, on):
    approved(world, on)
    login(client, world, "auditor")
    assert client.get("/interviews/?state=approved").content.decode().count('data-testid="interview-row"') == 1
    assert client.get("/interviews/?state=closed").content.decode().count('data-testid="interview-row"') == 0
    assert Interview.objects.count() == 1
    assert client.get("/api/interviews/?year=2025").json()["count"] == 1
    assert client.get("/api/interviews/?year=10727160577304536").status_code == 400
