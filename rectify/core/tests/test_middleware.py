import re

import pytest


@pytest.mark.django_db
def test_an_oversized_request_is_refused_before_it_is_read(client, settings):
    settings.RECTIFY_REQUEST_MAX_BYTES = 1000
    response = client.post("/accounts/login/", data="x" * 2000, content_type="text/plain")
    assert response.status_code == 413 and "超过" in response.content.decode()
    response = client.post("/api/auth/token/", data="x" * 2000, content_type="application/json")
    assert response.status_code == 413 and "detail" in response.json()


def test_no_template_carries_inline_script_or_event_handlers():
    """The Content Security Policy forbids them; page code lives in static files."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for template in root.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
            if "src=" not in tag:
                offenders.append(f"{template.relative_to(root)}: {tag}")
        offenders += [f"{template.relative_to(root)}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
    assert len(list(root.glob("*/templates/**/*.html"))) > 20
    assert offenders == []
