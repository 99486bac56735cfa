"""No lost updates (issue 11, defect 7): every editable object, on the web and through the API.

Two people read the same version of an object; the first saves; the second's save is refused (the web
form re-shows with a Chinese message and what was typed, the API answers 412) and the first's change stands.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rectify.testing import PASSWORD, api_token, make_finding

pytestmark = pytest.mark.django_db

STALE = "该记录已被他人修改"


class FormReader(HTMLParser):
    """The values a browser would submit from the page's form (the one posting to ``action``)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = (a.get("type") or "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind in {"submit", "button", "file"}:
                return
            self.data.setdefault(name, []).append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.data[self._textarea] = ["".join(self._text).removeprefix("\n")]
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_values(html: str) -> dict[str, Any]:
    reader = FormReader()
    reader.feed(html)
    return {name: values if len(values) != 1 else values[0] for name, values in reader.data.items()}


@dataclass
class Editable:
    name: str
    users: tuple[str, str]
    build: Callable[[Any], Any]  # world → the object
    web_url: Callable[[Any], str]
    web_field: str
    api_read: Callable[[Any], str]
    api_edit: Callable[[Any], str]
    api_body: Callable[[Any, Any, str], dict]  # (world, obj, marker) → body
    current: Callable[[Any], str]  # obj → the edited text as stored now
    web_fill: Callable[[Any], dict] = field(default=lambda world: {})
    api_method: str = "post"


# --- the objects -------------------------------------------------------------------------------


def _finding(world):
    return make_finding(world, "draft")


def _plan(world):
    from rectify.rectification import services

    finding = make_finding(world, "issued")
    return services.submit_plan(
        world["unit"], finding, measures="清理挂账", responsible_person="李四", planned_completion=finding.deadline
    )


def _referral(world):
    from rectify.referrals.tests.helpers import drafted

    return drafted(world)


def _summary(world):
    from rectify.summaries import services
    from rectify.summaries.tests.helpers import ledger

    ledger(world)
    return services.create_report(world["auditor"], kind="committee", year=2025)


def _circular(world):
    from rectify.supervision.tests.helpers import make_circular

    return make_circular(world)


def _interview(world):
    from rectify.interviews import services
    from rectify.interviews.choices import Ground

    finding = make_finding(world, "issued")
    interview = services.propose(finding, Ground.REPEAT, basis="屡审屡犯", actor=world["auditor"])
    return services.decide(world["auditlead"], interview.pk, approve=True, reason="约谈主要负责人")


def _campaign(world):
    from rectify.campaigns import services

    finding = make_finding(world, "rectifying")
    return services.open_campaign(
        world["dept"], title="专项整治", problem="共性问题", findings=[finding],
        target_date=timezone.localdate() + datetime.timedelta(days=60),
    )  # fmt: skip


def _congress_matter(world):
    from rectify.congress import services

    return services.record_matter(
        world["congress"], kind="special_inquiry", title="专题询问", session="常委会会议",
        held_on=timezone.localdate() - datetime.timedelta(days=1), content="询问整改情况",
        questions=[services.QuestionSpec(world.unit, "请说明", timezone.localdate() + datetime.timedelta(days=60))],
    )  # fmt: skip


def _announcement(world):
    from rectify.portal.tests.helpers import closed, draft

    closed(world)
    return draft(world)


def _fresh(obj):
    return type(obj)._base_manager.get(pk=obj.pk)


SOON = (timezone.localtime() + datetime.timedelta(days=10)).replace(second=0, microsecond=0)

EDITABLE = [
    Editable(
        "finding", ("auditor", "auditor2"), _finding,
        web_url=lambda o: f"/findings/{o.pk}/edit/", web_field="title",
        api_read=lambda o: f"/api/findings/{o.pk}/", api_edit=lambda o: f"/api/findings/{o.pk}/",
        api_body=lambda w, o, m: {"title": m}, api_method="patch",
        current=lambda o: _fresh(o).title,
    ),
    Editable(
        "plan", ("unit", "unithead"), _plan,
        web_url=lambda o: f"/findings/{o.finding_id}/plan/", web_field="measures",
        api_read=lambda o: f"/api/plans/{o.pk}/", api_edit=lambda o: f"/api/findings/{o.finding_id}/plan/",
        api_body=lambda w, o, m: {"measures": m, "responsible_person": "李四",
                                  "planned_completion": o.planned_completion.isoformat()},
        current=lambda o: _fresh(o).measures,
    ),
    Editable(
        "referral", ("auditor", "auditor2"), _referral,
        web_url=lambda o: f"/referrals/{o.pk}/edit/", web_field="facts",
        api_read=lambda o: f"/api/referrals/{o.pk}/", api_edit=lambda o: f"/api/referrals/{o.pk}/edit/",
        api_body=lambda w, o, m: {"facts": m, "title": o.title, "request": o.request},
        current=lambda o: _fresh(o).facts,
    ),
    Editable(
        "summary report", ("auditor", "auditor2"), _summary,
        web_url=lambda o: f"/summaries/{o.pk}/edit/", web_field="section_work",
        api_read=lambda o: f"/api/summary-reports/{o.pk}/",
        api_edit=lambda o: f"/api/summary-reports/{o.pk}/narrative/",
        api_body=lambda w, o, m: {"sections": {"work": m}},
        current=lambda o: json.dumps(_fresh(o).narrative, ensure_ascii=False),
    ),
    Editable(
        "circular", ("committee", "committee"), _circular,
        web_url=lambda o: f"/circulars/{o.pk}/edit/", web_field="body",
        api_read=lambda o: f"/api/circulars/{o.pk}/", api_edit=lambda o: f"/api/circulars/{o.pk}/edit/",
        api_body=lambda w, o, m: {"kind": o.kind, "title": o.title, "body": m,
                                  "recipients": list(o.recipients.values_list("pk", flat=True))},
        current=lambda o: _fresh(o).body,
    ),
    Editable(
        "interview", ("auditor", "auditor2"), _interview,
        web_url=lambda o: f"/interviews/{o.pk}/schedule/", web_field="place",
        web_fill=lambda w: {"scheduled_at": SOON.strftime("%Y-%m-%dT%H:%M"), "attendees": "王五 区审计局副局长"},
        api_read=lambda o: f"/api/interviews/{o.pk}/", api_edit=lambda o: f"/api/interviews/{o.pk}/schedule/",
        api_body=lambda w, o, m: {"place": m, "scheduled_at": SOON.isoformat(), "attendees": "王五 区审计局副局长"},
        current=lambda o: _fresh(o).place,
    ),
    Editable(
        "congress matter", ("congress", "congress"), _congress_matter,
        web_url=lambda o: f"/congress/{o.pk}/edit/", web_field="content",
        api_read=lambda o: f"/api/congress-matters/{o.pk}/", api_edit=lambda o: f"/api/congress-matters/{o.pk}/edit/",
        api_body=lambda w, o, m: {"kind": o.kind, "title": o.title, "session": o.session,
                                  "held_on": o.held_on.isoformat(), "content": m},
        current=lambda o: _fresh(o).content,
    ),
    Editable(
        "announcement", ("auditor", "auditor2"), _announcement,
        web_url=lambda o: f"/announcements/{o.pk}/edit/", web_field="introduction",
        api_read=lambda o: f"/api/announcements/{o.pk}/", api_edit=lambda o: f"/api/announcements/{o.pk}/edit/",
        api_body=lambda w, o, m: {"title": o.title, "introduction": m},
        current=lambda o: _fresh(o).introduction,
    ),
    Editable(
        "campaign", ("dept", "dept"), _campaign,
        web_url=lambda o: f"/campaigns/{o.pk}/edit/", web_field="problem",
        api_read=lambda o: f"/api/campaigns/{o.pk}/", api_edit=lambda o: f"/api/campaigns/{o.pk}/edit/",
        api_body=lambda w, o, m: {"title": o.title, "problem": m, "target_date": o.target_date.isoformat(),
                                  "findings": list(o.findings.values_list("pk", flat=True))},
        current=lambda o: _fresh(o).problem,
    ),
]  # fmt: skip


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.parametrize("editable", EDITABLE, ids=lambda e: e.name)
def test_a_stale_web_edit_is_refused_and_the_first_save_stands(world, editable):
    obj = editable.build(world)
    first, second = (_signed_in(name) for name in editable.users)
    url = editable.web_url(obj)
    read_first, read_second = first.get(url), second.get(url)  # both read the same version
    assert read_first.status_code == read_second.status_code == 200
    data_first = {**form_values(read_first.content.decode()), **editable.web_fill(world)}
    data_second = {**form_values(read_second.content.decode()), **editable.web_fill(world)}
    assert data_first.get("version"), "the edit form carries the version it was read at"

    saved = first.post(url, {**data_first, editable.web_field: "第一人的修改内容"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    refused = second.post(url, {**data_second, editable.web_field: "第二人的修改内容"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert STALE in page and "请刷新页面" in page  # a clear Chinese message
    assert "第二人的修改内容" in page  # what the second typed is kept in the form
    stored = editable.current(obj)
    assert "第一人的修改内容" in stored and "第二人的修改内容" not in stored


def _token_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {api_token(user)}")


@pytest.mark.parametrize("editable", EDITABLE, ids=lambda e: e.name)
@pytest.mark.parametrize("carrier", ["if-match", "version"])
def test_a_stale_api_edit_answers_412_and_the_first_save_stands(world, editable, carrier):
    obj = editable.build(world)
    first, second = (_token_client(world[name]) for name in editable.users)
    read_first, read_second = first.get(editable.api_read(obj)), second.get(editable.api_read(obj))
    assert read_first.status_code == read_second.status_code == 200
    etag = read_first["ETag"]  # every versioned object read carries its ETag
    assert etag == read_second["ETag"] == f'W/"{read_first.json()["version"]}"'

    def edit(client, marker):
        body = editable.api_body(world, obj, marker)
        extra = {}
        if carrier == "if-match":
            extra["HTTP_IF_MATCH"] = etag
        else:
            body["version"] = read_first.json()["version"]
        call = getattr(client, editable.api_method)
        return call(editable.api_edit(obj), body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans",
                    **extra)  # fmt: skip

    saved = edit(first, "第一人的修改内容")
    assert saved.status_code in (200, 201), saved.content.decode()[:2000]
    refused = edit(second, "第二人的修改内容")
    assert refused.status_code == 412, refused.content.decode()[:2000]
    assert STALE in refused.json()["detail"]
    stored = editable.current(obj)
    assert "第一人的修改内容" in stored and "第二人的修改内容" not in stored
    # The fresh read carries the new version; an edit made from it goes through.
    fresh = second.get(editable.api_read(obj))
    assert fresh["ETag"] != etag


def test_every_edit_path_of_the_api_and_the_web_is_walked_above():
    """An edit added later (a PATCH, an ``edit`` action, an ``…/edit/`` page) must join EDITABLE."""
    from django.urls import get_resolver

    from rectify.api.urls import router

    covered_api = {("findings", "partial_update"), ("findings", "plan"), ("referrals", "edit"),
                   ("summary-reports", "narrative"), ("circulars", "edit"), ("interviews", "schedule"),
                   ("congress-matters", "edit"), ("announcements", "edit"), ("campaigns", "edit")}  # fmt: skip
    edit_words = {"edit", "narrative", "schedule", "plan", "update", "partial_update", "revise"}
    found = set()
    for prefix, viewset, _basename in router.registry:
        allowed = set(getattr(viewset, "http_method_names", []))
        if {"patch", "put"} & allowed and hasattr(viewset, "partial_update"):
            found.add((prefix, "partial_update"))
        for extra in viewset.get_extra_actions():
            if extra.__name__ in edit_words:
                found.add((prefix, extra.__name__))
    assert found <= covered_api, found - covered_api

    # Walked in their apps' tests (no API edit of their own): /manage/accounts/<id>/edit/ in
    # rectify/accounts/tests/test_account_pages.py, /assessment/schemes/<id>/edit/ in
    # rectify/assessment/tests/test_views.py.
    covered_web = {url.split("/")[1] for url in ["/manage/accounts/1/edit/", "/assessment/schemes/1/edit/",
                                                 "/findings/1/edit/", "/referrals/1/edit/", "/summaries/1/edit/",
                                                 "/circulars/1/edit/", "/congress/1/edit/",
                                                 "/announcements/1/edit/", "/campaigns/1/edit/"]}  # fmt: skip

    def patterns(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if hasattr(entry, "url_patterns"):
                yield from patterns(entry, prefix + str(entry.pattern))
            else:
                yield prefix + str(entry.pattern)

    edits = {p for p in patterns(get_resolver()) if p.rstrip("/").endswith("/edit") and not p.startswith("admin")}
    assert {p.split("/")[0] for p in edits} <= covered_web, edits
