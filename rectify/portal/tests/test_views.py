"""The internal pages: drafting and every step through the web, refusals (403 for a role that may not,
404 outside the scope, with nothing changed), forms that keep what was typed, the workbench panels and
the readers of a circulation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rectify.portal import services
from rectify.portal.choices import AnnouncementState, Audience
from rectify.portal.models import Announcement, Reading
from rectify.portal.tests.helpers import closed, draft, published

pytestmark = pytest.mark.django_db


def login(client, world, name):
    client.force_login(world[name])
    return client


def state(announcement) -> str:
    return Announcement.objects.get(pk=announcement.pk).state


def test_the_whole_way_through_the_pages(world, client):
    closed(world, title="网页上公告的问题")
    login(client, world, "auditor")
    response = client.post(
        reverse("portal:announcement-create"),
        {"audience": "public", "title": "网页起草的公告", "introduction": "导语", "project": world.project.pk},
    )
    announcement = Announcement.objects.get(title="网页起草的公告")
    assert response.status_code == 302 and response["Location"] == announcement.get_absolute_url()
    page = client.get(announcement.get_absolute_url()).content.decode()
    assert "网页上公告的问题" in page and reverse("portal:submit", args=[announcement.pk]) in page

    item = announcement.items.get()
    client.post(
        reverse("portal:item-edit", args=[item.pk]),
        {"title": "公开的标题", "summary": "概要", "requirements_summary": "要求", "result": "结果", "version": 1},
    )
    assert announcement.items.get().title == "公开的标题"
    client.post(reverse("portal:submit", args=[announcement.pk]), {"version": 2})
    assert state(announcement) == AnnouncementState.SUBMITTED

    login(client, world, "auditlead")
    client.post(reverse("portal:approve", args=[announcement.pk]), {"comment": "同意"})
    assert state(announcement) == AnnouncementState.APPROVED
    login(client, world, "auditor")
    response = client.post(reverse("portal:publish", args=[announcement.pk]), {})
    assert response.status_code == 302 and state(announcement) == AnnouncementState.PUBLISHED
    assert "已发布" in client.get(response["Location"]).content.decode()
    assert "公开的标题" in client.get(announcement.get_public_url()).content.decode()

    response = client.post(reverse("portal:correct", args=[announcement.pk]), {"note": "更正导语"})
    correction = Announcement.objects.get(corrects=announcement)
    assert response["Location"] == correction.get_absolute_url()

    login(client, world, "auditlead")
    client.post(reverse("portal:withdraw", args=[announcement.pk]), {"reason": "撤回的原因"})
    assert state(announcement) == AnnouncementState.WITHDRAWN


def test_the_drafting_form_keeps_what_was_typed_on_a_refusal(world, client):
    closed(world, disclosure="confidential")
    login(client, world, "auditor")
    response = client.post(
        reverse("portal:announcement-create"),
        {"audience": "public", "title": "我输入的标题", "introduction": "我输入的导语", "year": "2025"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "没有可以" in body
    assert 'value="我输入的标题"' in body and "我输入的导语" in body and 'value="2025"' in body
    assert not Announcement.objects.exists()
    # A circulation without recipients: the message is on the field.
    closed(world, disclosure="limited")
    response = client.post(reverse("portal:announcement-create"), {"audience": "limited", "title": "通报标题"})
    body = response.content.decode()
    assert "请至少选择一个通报单位" in body and 'value="通报标题"' in body


def test_an_edit_from_a_stale_page_keeps_what_was_typed(world, client):
    closed(world)
    announcement = draft(world)
    item = announcement.items.get()
    login(client, world, "auditor")
    services.update_announcement(world["auditor2"], announcement, title="别人改过的标题")
    response = client.post(
        reverse("portal:item-edit", args=[item.pk]),
        {"title": "我的新标题", "summary": "我写的概要", "version": 1},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in body
    assert 'value="我的新标题"' in body and "我写的概要" in body
    assert announcement.items.get().title != "我的新标题"


@pytest.mark.parametrize(
    "user, step, expected",
    [
        ("auditor", "approve", 403),  # sees it, may not approve
        ("auditor2", "withdraw", 403),
        ("unit", "publish", 404),  # a unit does not see the office's draft
        ("auditor_b", "approve", 404),  # another district
        ("dept", "submit", 404),
        ("sysadmin", "approve", 404),  # the administrators see no business data
    ],
)
def test_refusals_change_nothing(world, client, user, step, expected):
    closed(world)
    announcement = draft(world)
    services.submit_announcement(world["auditor"], announcement)
    before = (state(announcement), Announcement.objects.get(pk=announcement.pk).version)
    login(client, world, user)
    url = reverse(f"portal:{step}", args=[announcement.pk])
    if user != "sysadmin":
        assert client.get(url).status_code == expected
    client.post(url, {"comment": "x", "reason": "x"})
    after = Announcement.objects.get(pk=announcement.pk)
    assert (after.state, after.version) == before


def test_the_drafting_page_is_refused_to_roles_that_cannot_draft(world, client):
    for name in ("dept", "committee", "orgdept"):
        login(client, world, name)
        assert client.get(reverse("portal:announcement-create")).status_code == 403
        client.post(reverse("portal:announcement-create"), {"audience": "public", "title": "x"})
    assert not Announcement.objects.exists()
    assert client.get(reverse("portal:announcement-create")).status_code == 403


def test_a_step_in_the_wrong_state_says_why_and_keeps_the_form(world, client):
    closed(world)
    announcement = draft(world)
    login(client, world, "auditor")
    response = client.post(reverse("portal:publish", args=[announcement.pk]), {"comment": "我的说明"})
    body = response.content.decode()
    assert response.status_code == 200 and "不能办理此操作" in body and "我的说明" in body
    assert state(announcement) == AnnouncementState.DRAFT


def test_a_circulation_reaches_its_recipients_workbench_and_records_who_read_it(world, client):
    closed(world, title="限定范围的问题", disclosure="limited")
    circulation = published(world, title="有限范围的通报", audience=Audience.LIMITED, recipients=[world.dept])
    login(client, world, "dept")
    bench = client.get("/workbench/").content.decode()
    assert 'data-testid="portal-circulations"' in bench and "有限范围的通报" in bench and "未读" in bench
    page = client.get(circulation.get_absolute_url()).content.decode()
    assert "限定范围的问题" in page
    reading = Reading.objects.get()
    assert reading.reader == world["dept"] and reading.organization == world.dept
    assert "未读" not in client.get("/workbench/").content.decode().split('data-testid="portal-circulations"')[1][:2000]

    # Not a recipient: not seen at all.
    login(client, world, "unit")
    assert client.get(circulation.get_absolute_url()).status_code == 404
    assert 'data-testid="portal-circulations"' not in client.get("/workbench/").content.decode()
    # The audit office sees who read it and when.
    login(client, world, "auditor")
    page = client.get(circulation.get_absolute_url()).content.decode()
    assert 'data-testid="readings"' in page and world["dept"].display_name in page and world.dept.name in page
    assert Reading.objects.count() == 1


def test_the_publishers_workbench_shows_what_awaits_approval(world, client):
    closed(world)
    announcement = draft(world, title="等待审批的公告")
    services.submit_announcement(world["auditor"], announcement)
    login(client, world, "auditlead")
    bench = client.get("/workbench/").content.decode()
    assert 'data-testid="portal-publishing"' in bench and "等待审批的公告" in bench
    assert 'data-testid="awaiting-count"' in bench
    login(client, world, "unit")
    assert "等待审批的公告" not in client.get("/workbench/").content.decode()


def test_a_withdrawn_announcement_shows_only_its_withdrawal_to_readers(world, client):
    closed(world, title="撤回公告里的问题")
    announcement = published(world)
    services.withdraw_announcement(world["auditlead"], announcement, "撤回原因")
    login(client, world, "unit")
    page = client.get(announcement.get_absolute_url()).content.decode()
    assert "撤回原因" in page and "撤回公告里的问题" not in page
    login(client, world, "auditor")
    assert "撤回公告里的问题" in client.get(announcement.get_absolute_url()).content.decode()


def test_the_list_is_scoped_and_its_queries_do_not_grow(world, client, django_assert_max_num_queries):
    closed(world)
    mine = draft(world, title="本局草稿")
    login(client, world, "unit")
    assert "本局草稿" not in client.get(reverse("portal:announcements")).content.decode()
    login(client, world, "auditor")
    assert "本局草稿" in client.get(reverse("portal:announcements")).content.decode()
    for n in range(4):
        draft(world, title=f"草稿{n}")
    closed(world, title="另一个问题")
    more = draft(world, title="两个问题的草稿")
    assert more.items.count() == 2
    with django_assert_max_num_queries(12):
        client.get(reverse("portal:announcements"))
    with django_assert_max_num_queries(16):
        client.get(mine.get_absolute_url())
    with django_assert_max_num_queries(16):
        client.get(more.get_absolute_url())


def test_a_findings_page_lists_the_announcements_that_carry_it(world, client):
    finding = closed(world, title="上了公告的问题")
    published(world, title="载有该问题的公告")
    login(client, world, "auditor")
    page = client.get(finding.get_absolute_url()).content.decode()
    assert 'data-testid="portal-finding"' in page and "载有该问题的公告" in page
    other = closed(world, title="没有公告的问题")
    assert 'data-testid="portal-finding"' not in client.get(other.get_absolute_url()).content.decode()
