"""Nothing unpublished, limited or confidential reaches the public portal (issue 12's first test).

The demo district is built (announcements in every state, through the services); then every public
answer is requested (the list, each of its filters, searches, every detail page, the feed, the public
JSON, the care mode) and each is searched for every text that must not be public: the title,
description, legal basis and requirements of every finding not in a released public announcement
(limited, confidential, unpublished, or only in a draft, awaiting or withdrawn one), every internal note
(reports, plans, verifications, delay explanations, timelines), the names of people (users, audited
officials, unit heads, responsible persons, people held accountable), and the texts of the limited
circulations and of the withdrawn announcement.

A text that is also, word for word, part of what was legitimately published (a shared category-style
title, for instance) cannot tell a leak from a publication and is left out of the search; the test
asserts that most texts are searched for.
"""

from __future__ import annotations

import html
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from rectify.accounts.models import User
from rectify.audits.models import AuditProject
from rectify.findings.models import Finding, FindingEvent, Requirement
from rectify.organizations.models import Organization
from rectify.portal.choices import AnnouncementState, Audience
from rectify.portal.models import Announcement, AnnouncementItem
from rectify.rectification.models import (
    AccountabilityRecord,
    DelayExplanation,
    Plan,
    ProgressReport,
    Verification,
)

FINDINGS = 200
ITEM_TEXTS = ("title", "summary", "requirements_summary", "result", "unit_name", "category_name", "ledger_number")


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo district, loaded once for this module and rolled back after it."""
    media = tmp_path_factory.mktemp("portal-demo-media")
    fast_hash = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast_hash, RECTIFY_DEMO_MODE=True),
    ):
        with transaction.atomic():
            # A transactional test run before this module on the same worker flushed the seeded rows.
            from rectify.accounts.reference import ensure_roles
            from rectify.findings.reference import ensure_reference_data

            ensure_roles()
            ensure_reference_data()
            call_command("demo", findings=FINDINGS, stdout=io.StringIO())
            yield SimpleNamespace()
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def _public_announcements():
    return Announcement.objects.filter(audience=Audience.PUBLIC)


def allowed_texts() -> str:
    """Everything legitimately public: the released (not withdrawn) public announcements and their items."""
    shown = _public_announcements().filter(state__in=[AnnouncementState.PUBLISHED, AnnouncementState.SUPERSEDED])
    parts = []
    for a in shown:
        parts += [a.title, a.introduction, a.publisher_name, a.correction_note]
    for item in AnnouncementItem.objects.filter(announcement__in=shown):
        parts += [str(getattr(item, f)) for f in ITEM_TEXTS]
    return "\n".join(parts)


def secret_texts() -> dict[str, str]:
    """Each text that must not be public, with where it comes from."""
    published = set(
        AnnouncementItem.objects.filter(
            announcement__audience=Audience.PUBLIC,
            announcement__state__in=[AnnouncementState.PUBLISHED, AnnouncementState.SUPERSEDED],
        ).values_list("finding_id", flat=True)
    )
    texts: dict[str, str] = {}

    def add(text, source):
        text = (text or "").strip()
        if len(text) >= 2:
            texts.setdefault(text, source)

    hidden = Finding.objects.exclude(pk__in=published)
    for f in hidden.only("ledger_number", "title", "description", "legal_basis", "disclosure"):
        for field in ("title", "description", "legal_basis"):
            add(getattr(f, field), f"{f.ledger_number} {f.disclosure} {field}")
    for r in Requirement.objects.filter(finding__in=hidden).select_related("finding"):
        add(r.text, f"{r.finding.ledger_number} requirement")
    # Internal notes of every finding, published or not.
    for f in Finding.objects.filter(pk__in=published).only("ledger_number", "description", "legal_basis"):
        add(f.description, f"{f.ledger_number} description (published finding)")
        add(f.legal_basis, f"{f.ledger_number} legal basis (published finding)")
    for report in ProgressReport.objects.all():
        for field in ("measures", "progress", "unfinished_reason", "next_steps", "excess_reason"):
            add(getattr(report, field), f"report {report.pk} {field}")
    for plan in Plan.objects.all():
        for field in ("measures", "responsible_person", "first_responsible"):
            add(getattr(plan, field), f"plan {plan.pk} {field}")
    for v in Verification.objects.all():
        add(v.reasons, f"verification {v.pk}")
    for d in DelayExplanation.objects.all():
        add(d.reason, f"delay {d.pk}")
        add(d.decision_note, f"delay {d.pk} decision")
    for e in FindingEvent.objects.exclude(comment=""):
        add(e.comment, f"event {e.pk}")
    # People.
    for name in User.objects.exclude(full_name="").values_list("full_name", flat=True):
        add(name, "user")
    for name in AuditProject.objects.exclude(audited_official="").values_list("audited_official", flat=True):
        add(name, "audited official")
    for name in Organization.objects.exclude(head_name="").values_list("head_name", flat=True):
        add(name, "unit head")
    for name in AccountabilityRecord.objects.values_list("person_name", flat=True):
        add(name, "held accountable")
    # Limited circulations, the withdrawn announcement, the drafts and those awaiting approval.
    for a in Announcement.objects.exclude(
        audience=Audience.PUBLIC, state__in=[AnnouncementState.PUBLISHED, AnnouncementState.SUPERSEDED]
    ):
        add(a.title, f"announcement {a.pk} {a.audience} {a.state} title")
        add(a.introduction, f"announcement {a.pk} introduction")
        for item in a.items.all():
            for field in ("title", "summary", "requirements_summary", "result"):
                add(getattr(item, field), f"announcement {a.pk} item {item.ledger_number} {field}")
    return texts


def public_answers(client: Client) -> dict[str, str]:
    """Every public answer, by address, as text (HTML entities undone)."""
    answers: dict[str, str] = {}

    def get(url: str, expect: int = 200) -> None:
        response = client.get(url)
        assert response.status_code == expect, url
        answers[url] = html.unescape(response.content.decode())

    get("/public/")
    get("/public/?care=1")
    get("/public/feed.atom")
    items = AnnouncementItem.objects.filter(announcement__audience=Audience.PUBLIC)
    for year in set(items.values_list("year", flat=True)):
        get(f"/public/?year={year}")
    for unit in set(items.values_list("unit_id", flat=True)):
        get(f"/public/?unit={unit}")
    for category in set(items.values_list("category_id", "category__parent_id")):
        get(f"/public/?category={category[0]}")
        get(f"/public/?category={category[1]}")
    get("/public/?kind=office")
    get("/public/?kind=unit")
    for a in Announcement.objects.all():
        released = a.audience == Audience.PUBLIC and a.state in (
            AnnouncementState.PUBLISHED, AnnouncementState.SUPERSEDED, AnnouncementState.WITHDRAWN
        )  # fmt: skip
        get(f"/public/announcements/{a.pk}/", 200 if released else 404)
        get(f"/public/announcements/{a.pk}/?care=1", 200 if released else 404)
        get(f"/public/api/announcements/{a.pk}/", 200 if released else 404)
    url = "/public/api/announcements/"
    while url:
        get(url)
        url = client.get(url).json()["next"]
    return answers


def test_every_state_is_in_the_demo(district):
    states = {(a.audience, a.state, a.kind) for a in Announcement.objects.all()}
    for expected in [
        ("public", "published", "office"), ("public", "superseded", "office"), ("public", "withdrawn", "office"),
        ("public", "submitted", "office"), ("public", "draft", "office"), ("public", "published", "unit"),
        ("limited", "published", "office"),
    ]:  # fmt: skip
        assert expected in states
    circulation = Announcement.objects.get(audience=Audience.LIMITED)
    assert circulation.recipients.count() == 2 and circulation.readings.count() == 1
    superseded = Announcement.objects.get(state=AnnouncementState.SUPERSEDED)
    assert superseded.correction.state == AnnouncementState.PUBLISHED and superseded.correction.revision == 2


def test_nothing_that_is_not_public_reaches_any_public_answer(district, client):
    secrets = secret_texts()
    allowed = allowed_texts()
    searched = {text: source for text, source in secrets.items() if text not in allowed}
    # The search is not emptied by the allowance: nearly everything is searched for.
    assert len(searched) > 500 and len(searched) > 0.9 * len(secrets)
    assert any(source.startswith("announcement") and "limited" in source for source in searched.values())
    assert any("confidential" in source for source in searched.values())
    assert any(source == "user" for source in searched.values())

    answers = public_answers(client)
    assert len(answers) > 20
    leaks = [
        f"{url}: {source}: {text[:40]}"
        for url, body in answers.items()
        for text, source in searched.items()
        if text in body
    ]
    assert leaks == []


def test_searching_for_a_hidden_text_finds_nothing(district, client):
    secrets = secret_texts()
    allowed = allowed_texts()
    limited = Finding.objects.filter(disclosure="limited").exclude(title__in=[t for t in secrets if t in allowed])
    words = [f.title for f in limited[:5]]
    circulation = Announcement.objects.get(audience=Audience.LIMITED)
    words.append(circulation.title)
    for word in words:
        response = client.get("/public/", {"q": word})
        body = html.unescape(response.content.decode())
        assert "没有符合条件的公告" in body, word
        # The only place the word is on the page is the search box that echoes it.
        assert body.count(word) == 1
        assert client.get("/public/api/announcements/", {"q": word}).json()["count"] == 0


def test_the_withdrawn_announcement_shows_only_that_it_was_withdrawn(district, client):
    withdrawn = Announcement.objects.get(state=AnnouncementState.WITHDRAWN)
    body = client.get(f"/public/announcements/{withdrawn.pk}/").content.decode()
    assert "已撤回" in body and withdrawn.withdrawal_reason in body
    assert withdrawn.title not in body
    for item in withdrawn.items.all():
        assert item.ledger_number not in body
    data = client.get(f"/public/api/announcements/{withdrawn.pk}/").json()
    assert set(data) == {"id", "url", "state", "withdrawn_at", "withdrawal_reason", "publisher"}
    assert withdrawn.title not in client.get("/public/feed.atom").content.decode()
