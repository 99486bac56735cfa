"""The public portal: what it shows, how (accessible, printable, care mode), and that it is fast and
cacheable without a session: no cookie, no session touched, public caching, a rate limit per address."""

from __future__ import annotations

import html

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from rectify.findings.models import Finding
from rectify.portal import services
from rectify.portal.choices import Audience
from rectify.portal.tests.helpers import closed, draft, published, unit_published

pytestmark = pytest.mark.django_db

PUBLIC_URLS = ["/public/", "/public/feed.atom", "/public/api/announcements/"]


@pytest.fixture
def announcement(world):
    closed(world, title="公开的往来款问题")
    return published(world)


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return html.unescape(response.content.decode())


def test_the_list_shows_current_public_announcements_only(world, client, announcement):
    closed(world, title="限定范围的问题", disclosure="limited")
    circulation = published(world, title="有限范围通报标题", audience=Audience.LIMITED, recipients=[world.dept])
    waiting = draft(world, title="尚未发布的公告", project=world.project, findings=[announcement.items.get().finding])
    body = page(client, "/public/")
    assert announcement.title in body and reverse("portal:public-detail", args=[announcement.pk]) in body
    assert circulation.title not in body and waiting.title not in body
    assert client.get(f"/public/announcements/{circulation.pk}/").status_code == 404
    assert client.get(f"/public/announcements/{waiting.pk}/").status_code == 404
    assert client.get(f"/public/api/announcements/{circulation.pk}/").status_code == 404


def test_the_detail_shows_the_chosen_fields_only(world, client, announcement):
    item = announcement.items.get()
    finding = item.finding
    body = page(client, f"/public/announcements/{announcement.pk}/")
    for shown in (item.ledger_number, item.unit_name, item.category_name, item.title, "125,000.00"):
        assert shown in body
    assert finding.description not in body
    for hidden in ("核实无误", world["auditor"].display_name, world["auditlead"].display_name, "凭证"):
        assert hidden not in body


def test_the_published_page_stays_as_published_after_the_finding_changes(world, client, announcement):
    finding = announcement.items.get().finding
    Finding.objects.filter(pk=finding.pk).update(title="后来改过的摘要", disclosure="confidential")
    body = page(client, f"/public/announcements/{announcement.pk}/")
    assert "公开的往来款问题" in body and "后来改过的摘要" not in body
    data = client.get(f"/public/api/announcements/{announcement.pk}/").json()
    assert data["items"][0]["title"] == "公开的往来款问题"


def test_a_correction_and_a_withdrawal_show_as_such(world, client, announcement):
    correction = services.correct_announcement(world["auditor"], announcement, "更正整改结果")
    services.update_item(world["auditor"], correction.items.get(), services.ItemText("更正后的标题"))
    published(world, correction)
    old = page(client, f"/public/announcements/{announcement.pk}/")
    assert "已于" in old and "更正" in old and reverse("portal:public-detail", args=[correction.pk]) in old
    new = page(client, f"/public/announcements/{correction.pk}/")
    assert "更正后的标题" in new and "更正整改结果" in new
    assert reverse("portal:public-detail", args=[announcement.pk]) in new
    listed = page(client, "/public/")
    assert reverse("portal:public-detail", args=[correction.pk]) in listed
    assert reverse("portal:public-detail", args=[announcement.pk]) not in listed
    assert client.get(f"/public/api/announcements/{announcement.pk}/").json()["corrected_by"] == correction.pk

    services.withdraw_announcement(world["auditlead"], correction, "数据有误，予以撤回")
    gone = page(client, f"/public/announcements/{correction.pk}/")
    assert "已撤回" in gone and "数据有误，予以撤回" in gone
    assert "更正后的标题" not in gone and correction.title not in gone.split("<main", 1)[1]
    assert reverse("portal:public-detail", args=[correction.pk]) not in page(client, "/public/")
    assert correction.title not in page(client, "/public/feed.atom")


def test_search_and_filters(world, client, announcement):
    closed(world, title="交通局公务用车问题", unit=world.other_unit, category=world.fiscal_category)
    other = published(world, title="交通局整改情况公告", unit=world.other_unit)
    first_url = reverse("portal:public-detail", args=[announcement.pk])
    other_url = reverse("portal:public-detail", args=[other.pk])
    by_unit = page(client, "/public/", unit=world.other_unit.pk)
    assert other_url in by_unit and first_url not in by_unit
    by_category = page(client, "/public/", category=world.fiscal_category.pk)
    assert other_url in by_category and first_url not in by_category
    by_parent = page(client, "/public/", category=world.fiscal_category.parent_id)
    assert other_url in by_parent
    by_words = page(client, "/public/", q="公务用车")
    assert other_url in by_words and first_url not in by_words
    assert "没有符合条件的公告" in page(client, "/public/", year=2019)
    assert first_url in page(client, "/public/", year=2025)
    unit_one = unit_published(world, title="第一中学整改结果公告")
    by_kind = page(client, "/public/", kind="unit")
    assert reverse("portal:public-detail", args=[unit_one.pk]) in by_kind and other_url not in by_kind
    assert client.get("/public/api/announcements/", {"unit": world.other_unit.pk}).json()["count"] == 1
    assert client.get("/public/api/announcements/", {"year": "x"}).status_code == 400
    assert client.get("/public/", {"year": "x", "unit": "-1"}).status_code == 200


def test_the_public_json_has_the_publication_fields_only(world, client, announcement):
    data = client.get("/public/api/announcements/").json()
    assert data["count"] == 1 and set(data) == {"count", "next", "previous", "results"}
    detail = client.get(f"/public/api/announcements/{announcement.pk}/").json()
    assert set(detail["items"][0]) == {
        "number", "ledger_number", "year", "unit_name", "category_name", "title", "summary",
        "requirements_summary", "result", "amount_rectified",
    }  # fmt: skip
    assert detail["items"][0]["amount_rectified"] == "125000.00"
    assert "drafted_by" not in detail and "approved_by" not in detail


def test_the_feed_is_atom_with_an_entry_per_current_announcement(world, client, announcement):
    response = client.get("/public/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert 'xmlns="http://www.w3.org/2005/Atom"' in body and body.count("<entry>") == 1
    assert announcement.title in body and f"/public/announcements/{announcement.pk}/" in body


def test_the_pages_are_accessible_printable_and_offer_the_care_mode(client, announcement):
    body = client.get("/public/").content.decode()
    assert '<a class="skip-link" href="#main">' in body and '<main id="main"' in body
    assert '<label for="q">' in body and '<label for="year">' in body and 'role="search"' in body
    assert '<html lang="zh-Hans">' in body and "/static/portal/public.css" in body
    assert '<body class="">' in body and 'href="/public/?care=1"' in body
    care = client.get("/public/", {"care": "1"}).content.decode()
    assert '<body class="care">' in care
    assert f'href="/public/announcements/{announcement.pk}/?care=1"' in care  # the mode follows the links
    assert 'href="/public/"' in care  # and can be left
    detail = client.get(f"/public/announcements/{announcement.pk}/", {"care": "1"}).content.decode()
    assert '<body class="care">' in detail and '<th scope="col">' in detail and "<caption>" in detail
    assert "bootstrap" not in body and "http://" not in body.replace("http://www.w3.org", "")
    from django.contrib.staticfiles import finders

    css = open(finders.find("portal/public.css"), encoding="utf-8").read()
    assert "@media print" in css and "body.care" in css


@pytest.mark.parametrize("url", [*PUBLIC_URLS, "detail"])
def test_no_cookie_no_session_and_public_caching(world, client, announcement, url):
    if url == "detail":
        url = f"/public/announcements/{announcement.pk}/"
    client.force_login(world["auditor"])
    key = client.cookies["sessionid"].value
    expiry = Session.objects.get(session_key=key).expire_date
    # An internal page prolongs the session (and would set its cookie): the test can tell.
    assert "sessionid" in client.get("/workbench/").cookies
    expiry = Session.objects.get(session_key=key).expire_date

    response = client.get(url)
    assert response.status_code == 200
    assert not response.cookies, response.cookies
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.get("Vary", "").lower()
    assert "accept-language" not in response.get("Vary", "").lower()
    assert sorted(v.strip() for v in response["Cache-Control"].split(",")) == ["max-age=300", "public"]
    assert Session.objects.get(session_key=key).expire_date == expiry
    # Signed in or not, the visitor is anonymous there: the same answer as for anyone.
    assert world["auditor"].display_name not in response.content.decode()


def test_a_missing_announcement_is_a_public_404_without_cookie(client):
    response = client.get("/public/announcements/999999/")
    assert response.status_code == 404 and not response.cookies
    assert "未找到" in response.content.decode()


def test_the_portal_is_rate_limited_per_address(settings, client, announcement):
    settings.RECTIFY_RATE_LIMITS = {**settings.RECTIFY_RATE_LIMITS, "public_address": "3/min"}
    for _ in range(3):
        assert client.get("/public/").status_code == 200
    refused = client.get(f"/public/announcements/{announcement.pk}/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "请求过于频繁" in refused.content.decode() and refused["Cache-Control"] == "no-store"
    assert client.get("/public/feed.atom").status_code == 429
    assert client.get("/public/", REMOTE_ADDR="10.0.0.9").status_code == 200  # another address
    assert client.get("/healthz").status_code == 200  # the rest of the site is not counted here


def test_query_counts_are_pinned_and_do_not_grow(world, client, django_assert_max_num_queries, announcement):
    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    list_before = count("/public/")
    detail_before = count(f"/public/announcements/{announcement.pk}/")
    for n in range(3):
        closed(world, title=f"另一个公开问题{n}")
    more = published(world, title="第二份公告")
    assert more.items.count() >= 3
    with django_assert_max_num_queries(6):
        client.get("/public/")
    with django_assert_max_num_queries(3):
        client.get(f"/public/announcements/{more.pk}/")
    with django_assert_max_num_queries(3):
        client.get("/public/feed.atom")
    with django_assert_max_num_queries(4):
        client.get("/public/api/announcements/")
    assert count("/public/") == list_before
    assert count(f"/public/announcements/{more.pk}/") == detail_before


def test_an_item_taken_out_of_the_draft_is_not_published(world, client):
    closed(world, title="留在公告里的问题")
    closed(world, title="移出公告的问题")
    announcement = draft(world)
    removed = announcement.items.get(title="移出公告的问题")
    services.remove_item(world["auditor"], removed)
    published(world, announcement)
    listed = page(client, "/public/")
    assert "1 个问题" in listed and "125,000.00" in listed and "250,000.00" not in listed
    body = page(client, f"/public/announcements/{announcement.pk}/")
    assert "留在公告里的问题" in body and "移出公告的问题" not in body
