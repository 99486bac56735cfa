"""Forms a role can never submit are refused before they are filled in, in the layout, saying why,
and are not linked (issue 8)."""

import pytest

from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("/findings/new/", "只有审计机关的审计人员可以登记审计查出问题。"),
        ("/projects/new/", "只有审计机关的审计人员可以新建审计项目。"),
    ],
)
@pytest.mark.parametrize("username", ["unit", "dept", "gov", "sysadmin"])
def test_a_role_that_can_never_submit_the_form_is_refused_before_filling_it_in(client, world, username, url, reason):
    assert client.login(username=username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert reason in html
    assert "<form" not in html.split('data-testid="error-page"')[1]  # no form to fill in
    assert 'data-testid="current-user"' in html and 'href="/workbench/"' in html  # the layout, a way back
    assert client.post(url, {"title": "x"}).status_code == 403


@pytest.mark.parametrize("url", ["/findings/new/", "/projects/new/"])
def test_an_auditor_still_gets_the_forms(client, world, url):
    assert client.login(username="auditor", password=PASSWORD)
    assert client.get(url).status_code == 200


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(client, world):
    response = client.get("/findings/new/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_forms_are_not_linked_for_a_unit(client, world):
    assert client.login(username="unit", password=PASSWORD)
    for page in ("/projects/", f"/projects/{world.project.pk}/", "/workbench/", "/ledger/"):
        html = client.get(page).content.decode()
        assert "/findings/new/" not in html and "/projects/new/" not in html, page
