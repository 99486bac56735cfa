import pytest


@pytest.mark.django_db
def test_an_oversized_request_is_refused_before_it_is_read(client, settings):
    settings.RECTIFY_REQUEST_MAX_BYTES = 1000
    response = client.post("/accounts/login/", data="x" * 2000, content_type="text/plain")
    assert response.status_code == 413 and "超过" in response.content.decode()
    response = client.post("/api/auth/token/", data="x" * 2000, content_type="application/json")
    assert response.status_code == 413 and "detail" in response.json()
