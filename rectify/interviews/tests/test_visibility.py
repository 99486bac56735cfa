"""Who sees an interview and its follow-up items, for every role (DESIGN section 4): 404 outside the scope."""

import pytest

from rectify.interviews.models import FollowUpItem, Interview
from rectify.interviews.tests.helpers import approved, held, proposed
from rectify.testing import ADMINISTRATORS, PASSWORD

pytestmark = pytest.mark.django_db

EVERYONE = (
    "auditor", "auditor2", "auditlead", "auditor_b", "city_auditor", "unit", "unithead", "sibling", "other", "unit_b",
    "dept", "orgdept", "finance", "discipline", "committee", "gov", "congress", "sysadmin", "secadmin", "logaudit",
)  # fmt: skip


@pytest.fixture
def three(world, on):
    """A proposal about the unit, an approved interview of its sibling, a held one of the cadre audit."""
    return {
        "proposal": proposed(world, on),
        "sibling": approved(world, on, unit=world.sibling_unit, title="食堂收入未入账（再次发现）"),
        "cadre": held(world, on, project=world.cadre_project, title="公务接待超标准（再次发现）"),
    }


EXPECTED = {
    "auditor": {"proposal", "sibling", "cadre"},
    "auditor2": {"proposal", "sibling", "cadre"},
    "auditlead": {"proposal", "sibling", "cadre"},
    "city_auditor": {"proposal", "sibling", "cadre"},  # a higher office reads the districts' interviews
    "unit": {"cadre"},  # its own, once approved: not the proposal
    "unithead": {"cadre"},
    "sibling": {"sibling"},
    "dept": {"sibling", "cadre"},  # the units under it, once approved
    "orgdept": {"cadre"},  # interviews naming cadres (economic-responsibility and natural-resource audits)
}


def test_every_role_sees_what_it_should_in_list_detail_and_api(client, world, three):
    ids = {key: interview.pk for key, interview in three.items()}
    items = {
        key: list(FollowUpItem.objects.filter(interview_id=pk).values_list("pk", flat=True)) for key, pk in ids.items()
    }
    for username in EVERYONE:
        expected = EXPECTED.get(username, set())
        seen = set(Interview.objects.restrict(world[username]).values_list("pk", flat=True))
        assert seen == {ids[key] for key in expected}, username
        client.login(username=username, password=PASSWORD)
        listing = client.get("/api/interviews/")
        if username in ADMINISTRATORS:  # no business endpoint at all
            assert listing.status_code == 404 and listing.json()["detail"], username
        else:
            assert {row["id"] for row in listing.json()["results"]} == seen, username
        for key, pk in ids.items():
            assert client.get(f"/interviews/{pk}/").status_code == (200 if key in expected else 404), (username, key)
            assert client.get(f"/api/interviews/{pk}/").status_code == (200 if key in expected else 404), (
                username,
                key,
            )
            for item in items[key]:
                code = client.get(f"/api/interview-items/{item}/").status_code
                assert code == (200 if key in expected else 404), (username, key)
        client.logout()


def test_acting_is_narrower_than_seeing(world, three):
    acting = {
        username: set(Interview.objects.restrict(world[username], "act").values_list("pk", flat=True))
        for username in EVERYONE
    }
    assert acting["city_auditor"] == set()
    assert acting["dept"] == acting["orgdept"] == set()
    assert acting["unit"] == {three["cadre"].pk}
    assert acting["auditor"] == {i.pk for i in three.values()}
