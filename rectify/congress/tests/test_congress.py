"""People's Congress matters: recording with the questions put to each department, the answers, closing;
refusals change nothing; visibility for every role; each flow via the web and the API."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from rectify.congress import services
from rectify.congress.choices import CongressState, QuestionState
from rectify.congress.models import CongressMatter, Question, Response
from rectify.congress.tests.helpers import days, make_congress_matter
from rectify.core.exceptions import ActionRefused
from rectify.findings.warning import local_today
from rectify.testing import ADMINISTRATORS, PASSWORD

pytestmark = pytest.mark.django_db

EVERY_ROLE = (
    "auditor", "auditor2", "auditlead", "auditor_b", "city_auditor", "unit", "unithead", "sibling", "other",
    "unit_b", "dept", "orgdept", "finance", "discipline", "committee", "gov", "congress", "sysadmin", "secadmin",
    "logaudit",
)  # fmt: skip
SEES_ALL = {"auditor", "auditor2", "auditlead", "city_auditor", "gov", "congress"}
ASKED = {"dept", "other"}  # the department and the transport bureau's contact


def snapshot():
    return (
        list(CongressMatter.objects.values_list("pk", "state")),
        list(Question.objects.values_list("pk", "state")),
        Response.objects.count(),
    )


def test_a_special_inquiry_is_answered_by_each_department_and_closed(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        matter = make_congress_matter(world)
    assert world["dept"].notifications.filter(title__contains="待答复").exists()
    dept_q = matter.questions.get(organization=world.dept)
    other_q = matter.questions.get(organization=world.other_unit)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_question(world["dept"], dept_q, text="已整改到位，制定制度两项。")
    assert world["congress"].notifications.filter(title__contains="部门已答复").exists()
    before = snapshot()
    with pytest.raises(ActionRefused, match="尚有部门未答复"):
        services.close_matter(world["congress"], matter)
    assert snapshot() == before
    services.answer_question(world["other"], other_q, text="正在整改。", responded_on=local_today())
    services.answer_question(world["other"], other_q, text="补充答复：已完成。")
    other_q.refresh_from_db()
    assert other_q.state == QuestionState.ANSWERED and other_q.responses.count() == 2
    response = other_q.responses.first()
    assert response.responded_by == world["other"] and response.responder_name
    services.close_matter(world["congress"], matter, "答复满意")
    matter.refresh_from_db()
    assert matter.state == CongressState.CLOSED and matter.closed_by == world["congress"]
    before = snapshot()
    with pytest.raises(ActionRefused, match="已办结"):
        services.answer_question(world["dept"], dept_q, text="再答")
    assert snapshot() == before


@pytest.mark.parametrize("username", ["auditor", "gov", "dept", "committee", "sysadmin"])
def test_only_the_congress_records_and_closes(world, username):
    matter = make_congress_matter(world)
    before = snapshot()
    with pytest.raises(ActionRefused):
        services.record_matter(
            world[username], kind="interpellation", title="质询", session="会议", held_on=local_today(), content="内容",
            questions=[services.QuestionSpec(world.dept, "问", days(5))],
        )  # fmt: skip
    with pytest.raises(ActionRefused):
        services.close_matter(world[username], matter)
    with pytest.raises(ActionRefused):
        services.add_question(world[username], matter, services.QuestionSpec(world.unit, "问", days(5)))
    assert snapshot() == before


def test_bad_questions_and_answers_by_others_are_refused(world):
    before = snapshot()
    with pytest.raises(ActionRefused, match="早于今天"):
        services.record_matter(
            world["congress"], kind="audit_report", title="审议意见", session="会议", held_on=local_today(),
            content="内容", questions=[services.QuestionSpec(world.dept, "问", days(-1))],
        )  # fmt: skip
    with pytest.raises(ActionRefused, match="不在本区域"):
        make_congress_matter(world, to=[world.unit_b])
    with pytest.raises(ActionRefused, match="至少向一个部门"):
        make_congress_matter(world, to=[])
    assert snapshot() == before
    matter = make_congress_matter(world)
    question = matter.questions.get(organization=world.dept)
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        services.answer_question(world["congress"], question.pk, text="代答")
    assert refused.value.code == "forbidden"
    with pytest.raises(ActionRefused) as refused:
        services.answer_question(world["other"], question.pk, text="他人代答")
    assert refused.value.code == "not_found"
    with pytest.raises(ActionRefused, match="答复内容"):
        services.answer_question(world["dept"], question, text=" ")
    assert snapshot() == before


def test_overdue_is_derived(world):
    question = make_congress_matter(world).questions.get(organization=world.dept)
    assert not question.is_overdue()
    later = datetime.datetime.combine(days(31), datetime.time(9), tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(later, tick=False):
        assert question.is_overdue()
        services.answer_question(world["dept"], question, text="答复")
        question.refresh_from_db()
        assert not question.is_overdue()


@pytest.mark.parametrize("username", EVERY_ROLE)
def test_visibility_for_every_role(world, username, client):
    matter = make_congress_matter(world)
    user = world[username]
    sees = username in SEES_ALL or username in ASKED
    assert CongressMatter.objects.restrict(user).filter(pk=matter.pk).exists() == sees
    questions = set(Question.objects.restrict(user).values_list("organization_id", flat=True))
    if username in SEES_ALL:
        assert questions == {world.dept.pk, world.other_unit.pk}
    elif username in ASKED:
        assert questions == {user.organization_id}
    else:
        assert questions == set()
    assert client.login(username=username, password=PASSWORD)
    assert client.get(matter.get_absolute_url()).status_code == (200 if sees else 404)
    api = APIClient()
    api.force_authenticate(user)
    listed = api.get("/api/congress-matters/")
    if username in ADMINISTRATORS:  # no business endpoint at all
        assert listed.status_code == 404
    else:
        assert listed.json()["count"] == (1 if sees else 0)
    assert api.get(f"/api/congress-matters/{matter.pk}/").status_code == (200 if sees else 404)


def test_the_flow_on_the_web(client, world):
    assert client.login(username="congress", password=PASSWORD)
    response = client.post("/congress/new/", {
        "kind": "rectification_report", "title": "关于审计整改情况报告的审议意见", "session": "第十次会议",
        "held_on": local_today().isoformat(), "content": "要求加大整改力度。", "organization": world.dept.pk,
        "question": "请报告教育领域问题整改情况。", "due_date": days(30).isoformat(),
    })  # fmt: skip
    matter = CongressMatter.objects.get()
    assert response.status_code == 302 and response["Location"] == matter.get_absolute_url()
    client.post(f"/congress/{matter.pk}/questions/new/", {"organization": world.other_unit.pk, "text": "请说明",
                                                           "due_date": days(20).isoformat()})  # fmt: skip
    assert matter.questions.count() == 2
    assert 'data-testid="congress-question"' in client.get("/workbench/").content.decode()
    response = client.post(f"/congress/{matter.pk}/close/", {"comment": ""})
    assert response.status_code == 200 and "尚有部门未答复" in response.content.decode()
    client.logout()
    for username, org in (("dept", world.dept), ("other", world.other_unit)):
        assert client.login(username=username, password=PASSWORD)
        assert 'data-testid="owed-question"' in client.get("/workbench/").content.decode()
        question = matter.questions.get(organization=org)
        assert client.get(f"/congress/{matter.pk}/close/").status_code == 403
        response = client.post(f"/congress/questions/{question.pk}/answer/", {"text": "已整改"}, follow=True)
        assert "已答复" in response.content.decode()
        client.logout()
    assert client.login(username="congress", password=PASSWORD)
    client.post(f"/congress/{matter.pk}/close/", {"comment": "满意"})
    matter.refresh_from_db()
    assert matter.state == CongressState.CLOSED


def test_a_refused_record_keeps_what_was_typed(client, world):
    assert client.login(username="congress", password=PASSWORD)
    response = client.post("/congress/new/", {
        "kind": "interpellation", "title": "我的质询", "session": "第十次会议", "held_on": local_today().isoformat(),
        "content": "内容", "organization": world.dept.pk, "question": "问题", "due_date": days(-3).isoformat(),
    })  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "早于今天" in body and 'value="我的质询"' in body
    assert not CongressMatter.objects.exists()
    client.logout()
    assert client.login(username="gov", password=PASSWORD)
    assert client.get("/congress/new/").status_code == 403


def test_the_flow_over_the_api(world):
    congress, dept = APIClient(), APIClient()
    congress.force_authenticate(world["congress"])
    dept.force_authenticate(world["dept"])
    answer = congress.post("/api/congress-matters/", {
        "kind": "interpellation", "title": "质询案", "session": "第十一次会议", "held_on": local_today().isoformat(),
        "content": "质询内容", "questions": [{"organization": world.dept.pk, "text": "请答复",
                                          "due_date": days(9).isoformat()}],
    }, format="json")  # fmt: skip
    assert answer.status_code == 201, answer.json()
    matter_id, question_id = answer.json()["id"], answer.json()["questions"][0]["id"]
    assert dept.post(f"/api/congress-matters/{matter_id}/close/", {}, format="json").status_code == 403
    assert congress.post(f"/api/congress-matters/{matter_id}/close/", {}, format="json").status_code == 409
    assert (
        congress.post(f"/api/congress-questions/{question_id}/answer/", {"text": "x"}, format="json").status_code == 403
    )
    answer = dept.post(f"/api/congress-questions/{question_id}/answer/", {"text": "已答复"}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "answered"
    answer = congress.post(f"/api/congress-matters/{matter_id}/close/", {"comment": "满意"}, format="json")
    assert answer.json()["state"] == "closed"
    gov = APIClient()
    gov.force_authenticate(world["gov"])
    assert gov.get(f"/api/congress-matters/{matter_id}/").json()["questions"][0]["responses"][0]["text"] == "已答复"


def test_every_step_is_recorded_and_a_department_sees_those_of_its_own_questions(world):
    matter = make_congress_matter(world)
    dept_q = matter.questions.get(organization=world.dept)
    services.answer_question(world["dept"], dept_q, text="已整改到位。")
    services.update_matter(
        world["congress"], matter, kind="special_inquiry", title="修改后的标题", session=matter.session,
        held_on=matter.held_on, content=matter.content, version=matter.version,
    )  # fmt: skip
    spec = services.QuestionSpec(world.sibling_unit, "请说明", days(9))
    added = services.add_question(world["congress"], matter, spec)
    services.answer_question(world["other"], matter.questions.get(organization=world.other_unit), text="已完成。")
    services.answer_question(world["sibling"], added, text="已说明。")
    services.close_matter(world["congress"], matter, "答复满意")
    steps = list(matter.steps.order_by("at", "pk"))
    assert [s.kind for s in steps] == [
        "recorded", "question_added", "question_added", "answered", "edited", "question_added", "answered",
        "answered", "closed",
    ]  # fmt: skip
    by_kind = {s.kind: s for s in reversed(steps)}  # the first of each kind
    assert by_kind["recorded"].actor == world["congress"] and by_kind["recorded"].organization_name == "甲区人大常委会"
    assert by_kind["answered"].actor == world["dept"] and by_kind["answered"].question == dept_q
    assert "标题" in by_kind["edited"].comment and by_kind["closed"].comment == "答复满意"
    client = APIClient()
    client.force_authenticate(world["dept"])
    shown = client.get(f"/api/congress-matters/{matter.pk}/").json()["steps"]
    # The department: the matter's own steps and those of its question, not the other departments'.
    assert {s["question"] for s in shown} == {None, dept_q.pk}
    assert [s["kind"] for s in shown if s["question"]] == ["question_added", "answered"]
    client.force_authenticate(world["gov"])
    assert len(client.get(f"/api/congress-matters/{matter.pk}/").json()["steps"]) == len(steps)


def test_the_congress_edits_a_matter_from_the_version_it_read(world):
    matter = make_congress_matter(world)
    seen = matter.version
    services.update_matter(
        world["congress"], matter, kind="interpellation", title="改为质询", session="第十三次会议",
        held_on=matter.held_on, content="质询内容", version=seen,
    )  # fmt: skip
    matter.refresh_from_db()
    edited = (matter.kind, matter.title, matter.session, matter.version)
    assert edited == ("interpellation", "改为质询", "第十三次会议", 2)
    assert matter.history.first().history_user == world["congress"] and matter.history.count() == 2
    before = (snapshot(), matter.steps.count())
    with pytest.raises(ActionRefused, match="已被他人修改") as stale:
        services.update_matter(
            world["congress"], matter, kind="special_inquiry", title="过期的修改", session="x",
            held_on=matter.held_on, content="x", version=seen,
        )  # fmt: skip
    assert stale.value.code == "stale"
    with pytest.raises(ActionRefused, match="请填写标题"):
        services.update_matter(
            world["congress"], matter, kind="special_inquiry", title=" ", session="x", held_on=matter.held_on,
            content="x", version=matter.version,
        )  # fmt: skip
    for username in ("dept", "gov", "auditor"):
        with pytest.raises(ActionRefused):
            services.update_matter(
                world[username], matter, kind="special_inquiry", title="越权", session="x", held_on=matter.held_on,
                content="x", version=matter.version,
            )  # fmt: skip
    matter.refresh_from_db()
    assert matter.title == "改为质询" and (snapshot(), matter.steps.count()) == before
    for question in matter.questions.all():
        services.answer_question(world["dept" if question.organization == world.dept else "other"], question, text="答")
    services.close_matter(world["congress"], matter)
    with pytest.raises(ActionRefused, match="已办结"):
        services.update_matter(
            world["congress"], matter, kind="special_inquiry", title="办结后修改", session="x",
            held_on=matter.held_on, content="x", version=matter.version + 1,
        )  # fmt: skip


def test_editing_on_the_web_and_over_the_api(client, world):
    matter = make_congress_matter(world)
    assert client.login(username="congress", password=PASSWORD)
    page = client.get(matter.get_absolute_url()).content.decode()
    assert 'data-testid="edit-matter"' in page and 'data-testid="step-recorded"' in page
    form = {
        "kind": "special_inquiry", "title": "网页修改的标题", "session": matter.session,
        "held_on": matter.held_on.isoformat(), "content": matter.content, "version": matter.version,
    }  # fmt: skip
    response = client.post(f"/congress/{matter.pk}/edit/", form, follow=True)
    body = response.content.decode()
    assert "网页修改的标题" in body and 'data-testid="step-edited"' in body
    stale = client.post(f"/congress/{matter.pk}/edit/", {**form, "title": "过期"})  # the version read before
    body = stale.content.decode()
    assert stale.status_code == 200 and "已被他人修改" in body and 'value="过期"' in body
    client.logout()
    assert client.login(username="dept", password=PASSWORD)
    assert 'data-testid="edit-matter"' not in client.get(matter.get_absolute_url()).content.decode()
    assert client.get(f"/congress/{matter.pk}/edit/").status_code == 403
    api = APIClient()
    api.force_authenticate(world["congress"])
    matter.refresh_from_db()
    data = {**form, "title": "接口修改的标题", "version": matter.version}
    answer = api.post(f"/api/congress-matters/{matter.pk}/edit/", data, format="json")
    assert answer.status_code == 200 and answer.json()["title"] == "接口修改的标题"
    assert answer.json()["version"] == matter.version + 1 and answer.json()["steps"][-1]["kind"] == "edited"
    assert api.post(f"/api/congress-matters/{matter.pk}/edit/", data, format="json").status_code == 412
    api.force_authenticate(world["dept"])
    assert api.post(f"/api/congress-matters/{matter.pk}/edit/", data, format="json").status_code == 403
    api.force_authenticate(world["unit_b"])
    assert api.post(f"/api/congress-matters/{matter.pk}/edit/", data, format="json").status_code == 404
