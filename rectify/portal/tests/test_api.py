"""``/api/announcements/``: the same actions as the pages, scoped, with optimistic locking."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rectify.portal import services
from rectify.portal.choices import AnnouncementState, Audience
from rectify.portal.models import Announcement, Reading
from rectify.portal.tests.helpers import closed, draft, published

pytestmark = pytest.mark.django_db


def api(world, name) -> APIClient:
    client = APIClient()
    client.force_authenticate(world[name])
    return client


def test_drafting_and_every_step_over_the_api(world):
    finding = closed(world, title="接口公告的问题")
    auditor = api(world, "auditor")
    response = auditor.post(
        "/api/announcements/",
        {"title": "接口起草的公告", "project": world.project.pk, "findings": [finding.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    pk = data["id"]
    assert data["state"] == "draft" and data["items"][0]["ledger_number"] == finding.ledger_number
    assert set(data["steps"]) == {"edit", "submit"} and response["ETag"] == 'W/"1"'

    item = data["items"][0]["id"]
    assert auditor.post(f"/api/announcements/{pk}/edit-item/", {"item": item, "title": "公开标题"}).status_code == 200
    assert auditor.post(f"/api/announcements/{pk}/submit/", {}, HTTP_IF_MATCH='W/"2"').status_code == 200
    assert api(world, "auditor").post(f"/api/announcements/{pk}/approve/", {}).status_code == 403
    assert api(world, "auditlead").post(f"/api/announcements/{pk}/approve/", {}).status_code == 200
    response = auditor.post(f"/api/announcements/{pk}/publish/", {})
    assert response.status_code == 200 and response.json()["public_url"] == f"/public/announcements/{pk}/"
    response = auditor.post(f"/api/announcements/{pk}/correct/", {"note": "更正"})
    assert response.status_code == 201 and response.json()["corrects"] == pk and response.json()["revision"] == 2
    response = api(world, "auditlead").post(f"/api/announcements/{pk}/withdraw/", {"reason": "撤回"})
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"


def test_refusals_answer_with_the_right_status_and_change_nothing(world):
    closed(world)
    announcement = draft(world)
    pk = announcement.pk
    assert api(world, "unit").get(f"/api/announcements/{pk}/").status_code == 404
    assert api(world, "auditor_b").post(f"/api/announcements/{pk}/submit/", {}).status_code == 404
    assert api(world, "sysadmin").get("/api/announcements/").status_code == 404  # no business data
    assert api(world, "auditlead").post(f"/api/announcements/{pk}/approve/", {}).status_code == 409  # a draft
    stale = api(world, "auditor").post(f"/api/announcements/{pk}/submit/", {}, HTTP_IF_MATCH='W/"7"')
    assert stale.status_code == 412
    refused = api(world, "dept").post("/api/announcements/", {"title": "x"}, format="json")
    assert refused.status_code == 403 and "detail" in refused.json()
    fresh = Announcement.objects.get(pk=pk)
    assert (fresh.state, fresh.version) == (AnnouncementState.DRAFT, 1)
    assert Announcement.objects.count() == 1


def test_the_collection_is_scoped(world):
    closed(world)
    closed(world, title="限定的问题", disclosure="limited")
    public = published(world, title="公开公告")
    circulation = published(world, title="通报", audience=Audience.LIMITED, recipients=[world.dept])
    own_draft = draft(world, title="草稿")

    def titles(name):
        return {a["title"] for a in api(world, name).get("/api/announcements/").json()["results"]}

    assert titles("auditor") == {"公开公告", "通报", "草稿"}
    assert titles("dept") == {"公开公告", "通报"}
    assert titles("unit") == {"公开公告"}
    # Opening a circulation records the reading; only the publisher sees who read.
    assert api(world, "dept").get(f"/api/announcements/{circulation.pk}/").json()["readings"] == []
    assert Reading.objects.filter(reader=world["dept"]).count() == 1
    readings = api(world, "auditor").get(f"/api/announcements/{circulation.pk}/").json()["readings"]
    assert [r["reader_name"] for r in readings] == [world["dept"].display_name]
    assert api(world, "unit").get(f"/api/announcements/{own_draft.pk}/").status_code == 404
    assert api(world, "auditor").get("/api/announcements/", {"audience": "limited"}).json()["count"] == 1
    assert public.pk in [
        a["id"] for a in api(world, "auditor").get("/api/announcements/", {"q": "公开"}).json()["results"]
    ]


def test_a_unit_head_approves_the_units_own_over_the_api(world):
    closed(world)
    created = api(world, "unit").post("/api/announcements/", {"title": "单位公告"}, format="json")
    assert created.status_code == 201 and created.json()["kind"] == "unit"
    pk = created.json()["id"]
    api(world, "unit").post(f"/api/announcements/{pk}/submit/", {})
    assert api(world, "auditlead").post(f"/api/announcements/{pk}/approve/", {}).status_code in (403, 404)
    assert api(world, "unithead").post(f"/api/announcements/{pk}/approve/", {}).status_code == 200
    assert services.publish_announcement(world["unit"], pk).state == AnnouncementState.PUBLISHED


def test_another_offices_project_is_answered_as_unknown(world):
    """The project is looked up through the caller's scope: one outside it does not exist for the caller
    (no refusal that would tell it exists), and nothing is drafted."""
    before = Announcement.objects.count()
    response = api(world, "auditor").post(
        "/api/announcements/",
        {"audience": Audience.PUBLIC, "title": "越权起草", "project": world.project_b.pk},
        format="json",
    )
    assert response.status_code == 400 and response.json()["project"] == ["unknown audit project"]
    assert Announcement.objects.count() == before
