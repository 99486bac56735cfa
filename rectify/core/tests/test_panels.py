"""Mechanism apps add panels to the read pages without the pages importing them."""

import pytest

from rectify.core import panels
from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db


@pytest.fixture
def probe_panels(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", dict(panels._PANELS))

    def only_units(user, obj):
        return {"text": f"probe-{obj.pk if obj else 'none'}"} if "unit_contact" in user.role_codes else None

    for page in panels.PAGES:
        panels.register_panel(
            panels.Panel(key=f"probe-{page}", page=page, template="core/tests/probe_panel.html", context=only_units)
        )


def test_a_registered_panel_shows_on_its_page_for_whom_it_answers(client, world, probe_panels, settings):
    finding = make_finding(world, state="issued")
    client.login(username="unit", password=PASSWORD)
    assert b'data-panel="probe-workbench"' in client.get("/workbench/").content
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert f"probe-{finding.pk}" in page
    page = client.get(f"/organizations/{world.unit.pk}/").content.decode()
    assert f"probe-{world.unit.pk}" in page

    client.logout()
    client.login(username="auditor", password=PASSWORD)
    assert b"probe-" not in client.get("/workbench/").content  # the panel answered None


def test_an_unknown_page_or_position_is_refused():
    with pytest.raises(ValueError):
        panels.register_panel(panels.Panel(key="x", page="nowhere", template="", context=lambda u, o: {}))
    with pytest.raises(ValueError):
        panels.register_panel(
            panels.Panel(key="x", page=panels.WORKBENCH, template="", context=lambda u, o: {}, position="middle")
        )
