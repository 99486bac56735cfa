"""``build_finding``: the rules of recording a finding, once, for ``create_finding`` and bulk writers."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from rectify.findings import services as findings
from rectify.findings.choices import EventKind, FindingState
from rectify.findings.models import Category, Finding
from rectify.testing import finding_data, make_finding

pytestmark = pytest.mark.django_db


def refusal(call) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.messages


BAD_ROWS = {
    "top-level category": lambda world: {"category": Category.objects.get(code="06")},
    "unit outside the project": lambda world: {"unit": world.unit_b},
    "no requirement": lambda world: {"requirements": ["  "]},
    "negative amount": lambda world: {"amount_involved": "-1"},
    "unknown kind": lambda world: {"kind": "someday"},
    "empty title": lambda world: {"title": " "},
    "title too long": lambda world: {"title": "长" * 201},
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_build_and_create_refuse_alike(world, case):
    data = finding_data(world, **BAD_ROWS[case](world))
    built = refusal(lambda: findings.build_finding(world["auditor"], allow_past_deadline=True, **data))
    assert built == refusal(lambda: findings.create_finding(world["auditor"], allow_past_deadline=True, **data))
    assert not Finding.all_objects.exists()


def test_only_auditors_of_the_project_s_office_may_build(world):
    data = finding_data(world)
    for username in ("city_auditor", "auditor_b", "unit"):
        assert refusal(lambda username=username: findings.build_finding(world[username], **data)) == [
            str(findings.RECORDING_REFUSED)
        ]


def test_building_writes_nothing_and_with_its_rules_loaded_reads_nothing(world, django_assert_num_queries):
    rules = findings.FindingRules()
    findings.build_finding(world["auditor"], rules=rules, **finding_data(world, deadline=None))  # loads the rules
    with django_assert_num_queries(0):
        new = findings.build_finding(world["auditor"], rules=rules, **finding_data(world, deadline=None))
    assert new.finding.pk is None and not Finding.all_objects.exists()
    assert [r.text for r in new.requirements] == finding_data(world)["requirements"]
    assert (new.event.kind, new.event.to_state, new.event.actor) == (
        EventKind.CREATED,
        FindingState.DRAFT,
        world["auditor"],
    )


def test_create_finding_saves_what_build_finding_builds(world):
    world.project.report_date = datetime.date(2025, 6, 1)
    world.project.save()
    earlier = make_finding(world)
    finding = findings.create_finding(world["auditor"], allow_past_deadline=True, **finding_data(world, deadline=None))
    assert finding.sequence == earlier.sequence + 1
    assert finding.ledger_number == findings.ledger_number(world.project, finding.sequence)
    assert finding.deadline == datetime.date(2025, 7, 1)  # 30 days for an immediate finding
    assert [r.number for r in finding.requirements.all()] == list(
        range(1, len(finding_data(world)["requirements"]) + 1)
    )
    (event,) = finding.events.all()
    assert (event.kind, event.actor) == (EventKind.CREATED, world["auditor"])
    assert finding.history.get().history_user == world["auditor"]
