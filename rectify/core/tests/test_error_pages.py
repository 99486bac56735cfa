"""Errors are Chinese pages inside the site's layout with a way back (issue 8): 404, 403, 500 and a
refused form post (CSRF)."""

import pytest
from django.test import Client

from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db


def assert_in_layout(html: str, status: int) -> None:
    assert f'data-testid="error-page" data-status="{status}"' in html
    assert "审计整改管理系统" in html and 'class="navbar' in html  # the site's header
    assert "返回工作台" in html and 'href="/workbench/"' in html  # a way back
    assert "Not Found" not in html and "Forbidden" not in html and "Server Error" not in html


def test_a_page_that_does_not_exist_is_a_chinese_page_in_the_layout(client, world):
    assert client.login(username="unit", password=PASSWORD)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_in_layout(html, 404)
    assert "页面不存在" in html and 'data-testid="current-user"' in html


def test_a_finding_out_of_scope_answers_the_same_404_page(client, world):
    from rectify.testing import make_finding

    finding = make_finding(world, state="issued")
    assert client.login(username="other", password=PASSWORD)
    response = client.get(f"/findings/{finding.pk}/")
    assert response.status_code == 404
    assert_in_layout(response.content.decode(), 404)


def test_a_refused_page_is_a_chinese_page_in_the_layout(client, world):
    assert client.login(username="unit", password=PASSWORD)
    response = client.get("/projects/new/")
    assert response.status_code == 403
    assert_in_layout(response.content.decode(), 403)


@pytest.mark.urls("rectify.core.tests.error_urls")
def test_a_server_error_is_a_chinese_page_in_the_layout(world):
    client = Client(raise_request_exception=False)
    assert client.login(username="unit", password=PASSWORD)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert_in_layout(html, 500)
    assert "系统出现错误" in html


def test_a_refused_form_post_is_a_chinese_page_in_the_layout_saying_what_to_do(world):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="unit", password=PASSWORD)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    html = response.content.decode()
    assert_in_layout(html, 403)
    assert "刷新后重新提交" in html and 'data-testid="current-user"' in html


def test_a_refused_sign_in_post_leads_back_to_the_login_page(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "unit", "password": PASSWORD})
    assert response.status_code == 403
    html = response.content.decode()
    assert_in_layout(html, 403)
    assert 'href="/accounts/login/"' in html
