"""The repeat-finding picker (屡审屡犯) searches instead of listing the ledger (issue 8): a scoped, bounded
search endpoint for HTMX, a pick endpoint, a search that works without JavaScript, and the chosen
findings still posted as ``repeats``."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rectify.audits.choices import AuditType
from rectify.findings import services
from rectify.findings.models import Finding
from rectify.testing import PASSWORD, make_finding, make_project

pytestmark = pytest.mark.django_db

SEARCH = reverse("findings:repeat-search")
PICK = reverse("findings:repeat-pick")
FOUND = re.compile(r'id="repeat-found-(\d+)"')


@pytest.fixture
def earlier(world):
    """Findings of a 2024 audit: of the unit, of its sibling (both audited again in 2025), and of a unit
    the 2025 project does not audit; and one of the other district."""
    project = make_project(
        world, world.office_a, [world.unit, world.sibling_unit, world.other_unit], AuditType.BUDGET_EXECUTION, 2024
    )
    return {
        "unit": make_finding(world, "closed", project=project, title="往来款长期挂账未清理"),
        "sibling": make_finding(world, "issued", project=project, unit=world.sibling_unit, title="公务接待超标准"),
        "other": make_finding(world, "issued", project=project, unit=world.other_unit, title="往来款未及时清理"),
        "district_b": make_finding(
            world, "issued", actor=world["auditor_b"], project=world.project_b, unit=world.unit_b, title="往来款挂账"
        ),
    }


def search(client, username: str, **params) -> list[int]:
    assert client.login(username=username, password=PASSWORD)
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return [int(pk) for pk in FOUND.findall(response.content.decode())]


def test_the_search_finds_by_number_or_summary_the_projects_units_first(client, world, earlier):
    found = search(client, "auditor", project=world.project.pk, repeats_q="往来款")
    # The project's own units first (the unit, then the unit under the same project), never the other district.
    assert found == [earlier["unit"].pk, earlier["other"].pk]
    cadre = search(client, "auditor", project=world.cadre_project.pk, repeats_q="往来款")
    assert cadre == [earlier["unit"].pk, earlier["other"].pk]  # the cadre project audits only the unit
    assert search(client, "auditor", repeats_q=earlier["sibling"].ledger_number) == [earlier["sibling"].pk]
    both_words = search(client, "auditor", project=world.project.pk, repeats_q="往来款 挂账")
    assert both_words == [earlier["unit"].pk]


def test_a_finding_of_the_project_itself_or_already_chosen_is_not_offered(client, world, earlier):
    own = make_finding(world, "issued", title="往来款挂账（本项目）")
    found = search(client, "auditor", project=world.project.pk, repeats_q="往来款", repeats=[earlier["unit"].pk])
    assert own.pk not in found and earlier["unit"].pk not in found and found == [earlier["other"].pk]


def test_a_unit_user_finds_only_what_it_may_see(client, world, earlier):
    assert search(client, "unit", repeats_q="往来款") == [earlier["unit"].pk]
    assert search(client, "unit", repeats_q="公务接待") == []  # the sibling unit's
    assert search(client, "auditor_b", repeats_q="往来款") == [earlier["district_b"].pk]
    assert client.login(username="sysadmin", password=PASSWORD)
    assert client.get(SEARCH, {"repeats_q": "往来款"}).status_code == 404  # administrators: no business page


def test_the_answer_does_not_grow_with_the_ledger(client, world, earlier, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(services, "REPEAT_SEARCH_LIMIT", 2)
    assert client.login(username="auditor", password=PASSWORD)
    with django_assert_max_num_queries(13):
        response = client.get(SEARCH, {"project": world.project.pk})
    assert len(FOUND.findall(response.content.decode())) == 2
    assert "只显示前 2 条" in response.content.decode()


def test_a_visitor_is_sent_to_log_in(client, world):
    assert client.get(SEARCH).status_code == 302
    assert client.get(PICK, {"finding": 1}).status_code == 302


def test_picking_adds_a_checked_box_and_out_of_scope_answers_404(client, world, earlier):
    assert client.login(username="unit", password=PASSWORD)
    picked = client.get(PICK, {"finding": earlier["unit"].pk}).content.decode()
    assert f'name="repeats" value="{earlier["unit"].pk}"' in picked and "checked" in picked
    assert f'id="repeat-found-{earlier["unit"].pk}" hx-swap-oob="delete"' in picked
    again = client.get(PICK, {"finding": earlier["unit"].pk, "repeats": [earlier["unit"].pk]}).content.decode()
    assert 'name="repeats"' not in again  # already chosen: not twice
    assert client.get(PICK, {"finding": earlier["sibling"].pk}).status_code == 404
    assert client.get(PICK, {"finding": "abc"}).status_code == 404


def finding_form(world, **overrides) -> dict:
    data = {
        "project": world.project.pk, "unit": world.unit.pk, "title": "往来款又长期挂账",
        "description": "其他应收款2笔共8万元挂账超过三年。", "category": world.category.pk,
        "amount_involved": "80000.00", "requirements": "清理挂账", "kind": "immediate", "disclosure": "public",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_form_lists_no_ledger_and_posts_the_chosen_as_repeats(client, world, earlier):
    assert client.login(username="auditor", password=PASSWORD)
    page = client.get(reverse("findings:finding-create"), {"project": world.project.pk}).content.decode()
    picker = page.split('data-testid="repeat-picker"')[1].split('data-testid="finding-form"')[0]
    assert "<select" not in picker and 'hx-get="/findings/repeats/search/"' in picker
    response = client.post(reverse("findings:finding-create"), finding_form(world, repeats=[earlier["unit"].pk]))
    assert response.status_code == 302
    assert list(Finding.objects.get(title="往来款又长期挂账").repeats.all()) == [earlier["unit"]]


@pytest.mark.parametrize("which", ["sibling", "district_b"])
def test_out_of_scope_repeats_posted_are_refused(client, world, earlier, which):
    assert client.login(username="unit" if which == "sibling" else "auditor", password=PASSWORD)
    if which == "sibling":
        # A unit cannot record at all; an auditor of the district is the case that matters below.
        assert client.post(reverse("findings:finding-create"), finding_form(world)).status_code == 403
        return
    response = client.post(reverse("findings:finding-create"), finding_form(world, repeats=[earlier[which].pk]))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["repeats"]
    assert not Finding.objects.filter(title="往来款又长期挂账").exists()


def test_a_later_or_same_project_finding_is_refused_on_the_repeats_field(client, world, earlier):
    assert client.login(username="auditor", password=PASSWORD)
    same = make_finding(world, "issued", title="同一项目的问题")
    response = client.post(reverse("findings:finding-create"), finding_form(world, repeats=[same.pk]))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "repeats": [f"问题 {same.ledger_number} 不是以往审计查出的问题，不能作为屡审屡犯关联。"]
    }


def test_without_javascript_the_search_button_shows_matches_and_saves_nothing(client, world, earlier):
    assert client.login(username="auditor", password=PASSWORD)
    url = reverse("findings:finding-create")
    response = client.post(url, finding_form(world, repeats_q="公务接待", repeats_search="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert not Finding.objects.filter(title="往来款又长期挂账").exists()
    assert response.context["form"].errors == {}  # not checked yet: no error shown for a search
    assert 'value="往来款又长期挂账"' in html and 'value="公务接待"' in html  # what was typed stays
    found = html.split('data-testid="repeat-found"')[1]
    assert f'name="repeats" value="{earlier["sibling"].pk}"' in found
    assert 'name="repeats_search"' in html.split("<noscript>")[1]  # the button, for browsers without scripts
    # The user ticks the match and saves.
    saved = client.post(url, finding_form(world, repeats_q="公务接待", repeats=[earlier["sibling"].pk]))
    assert saved.status_code == 302
    assert list(Finding.objects.get(title="往来款又长期挂账").repeats.all()) == [earlier["sibling"]]


def test_the_edit_form_shows_the_repeats_it_has(client, world, earlier):
    later = make_finding(world, "issued", repeats=[earlier["unit"]])
    assert client.login(username="auditor", password=PASSWORD)
    html = client.get(reverse("findings:finding-edit", args=[later.pk])).content.decode()
    chosen = html.split('data-testid="repeat-chosen"')[1].split("</ul>")[0]
    assert earlier["unit"].ledger_number in chosen and "disabled" in chosen
    assert 'data-testid="repeat-search"' not in html
