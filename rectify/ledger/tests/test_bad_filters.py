"""A bad filter value gives a message; an empty result says so (issue 8)."""

import pytest

from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db


def ledger(client, query: str, *, htmx: bool = False) -> str:
    assert client.login(username="auditor", password=PASSWORD)
    headers = {"HX-Request": "true", "HX-Target": "ledger-table"} if htmx else {}
    response = client.get(f"/ledger/?{query}", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_amount_is_named_with_its_field(client, world, htmx):
    make_finding(world, state="issued")
    html = ledger(client, "amount_min=abc", htmx=htmx)
    assert 'data-testid="filter-errors"' in html
    message = html.split('data-testid="filter-errors"')[1].split("</div>")[0]
    assert "涉及金额不低于（元）" in message and "数字" in message


def test_an_empty_result_says_no_finding_meets_the_filters(client, world):
    make_finding(world, state="issued")
    html = ledger(client, "amount_min=99999999")
    assert 'data-testid="ledger-empty"' in html and "无符合条件的问题" in html
    assert 'data-testid="filter-errors"' not in html


def test_a_good_filter_shows_its_rows_and_no_message(client, world):
    finding = make_finding(world, state="issued")
    html = ledger(client, "amount_min=1000")
    assert finding.ledger_number in html
    assert 'data-testid="filter-errors"' not in html and "无符合条件的问题" not in html


def test_the_project_page_says_so_when_it_has_no_finding(client, world):
    assert client.login(username="auditor", password=PASSWORD)
    html = client.get(f"/projects/{world.project.pk}/").content.decode()
    assert "无符合条件的问题" in html
