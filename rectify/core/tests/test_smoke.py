import pytest

from rectify.findings.choices import FindingState
from rectify.testing import make_finding


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "issued", "rectifying", "long_term", "submitted", "closed"])
def test_a_finding_reaches_every_state_through_the_actions(world, state):
    finding = make_finding(world, state=state)
    assert finding.state == FindingState(state)
