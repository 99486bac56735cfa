"""The warning colour (三色预警, findings/warning.py): boundaries, the time zone, the setting, and the two forms.

The colour is computed in Python for one finding and as a query expression for lists and filters; every case
here checks that both forms give the same answer.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from rectify.findings import services as findings
from rectify.findings.filters import FindingFilterSet
from rectify.findings.models import Finding
from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2025, 9, 20)
NOON = datetime.datetime(2025, 9, 20, 12, 0, tzinfo=SHANGHAI)

# state, days from today to the deadline, colour, days left, overdue
CASES = [
    ("issued", 0, "yellow", 0, False),  # the deadline day itself is still yellow
    ("issued", 7, "yellow", 7, False),  # the first day of the yellow band (7 days, the default)
    ("issued", 8, "green", 8, False),
    ("issued", -1, "red", -1, True),
    ("issued", -40, "red", -40, True),
    ("rectifying", 0, "yellow", 0, False),
    ("rectifying", 8, "green", 8, False),
    ("rectifying", -1, "red", -1, True),
    ("long_term", 7, "yellow", 7, False),
    ("long_term", 8, "green", 8, False),
    ("long_term", -1, "red", -1, True),
    ("submitted", -1, "green", None, False),  # the unit has done its part for now
    ("submitted", 3, "green", None, False),
    ("draft", -1, None, None, False),
    ("draft", 3, None, None, False),
    ("closed", -1, None, None, False),
    ("closed", 3, None, None, False),
]


def annotated_colour(finding: Finding) -> str:
    return Finding.objects.with_colour().get(pk=finding.pk).colour_code


def filtered(colours: list[str]) -> set[int]:
    filterset = FindingFilterSet(data={"colour": colours}, queryset=Finding.objects.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))


def make_case(world, state: str, offset: int) -> Finding:
    return make_finding(world, state=state, deadline=TODAY + datetime.timedelta(days=offset))


@pytest.mark.parametrize(("state", "offset", "colour", "days_left", "overdue"), CASES)
def test_colour_days_left_and_overdue(world, state, offset, colour, days_left, overdue):
    with time_machine.travel(NOON, tick=False):
        finding = make_case(world, state, offset)
        assert finding.state == state
        assert finding.colour == colour
        assert finding.days_left == days_left
        assert finding.is_overdue is overdue
        assert annotated_colour(finding) == (colour or "")
        assert Finding.objects.overdue().filter(pk=finding.pk).exists() is overdue


def test_both_forms_agree_on_every_case_and_the_ledger_filter_picks_exactly_the_reds(world):
    with time_machine.travel(NOON, tick=False):
        made = [(make_case(world, state, offset), colour) for state, offset, colour, _left, _overdue in CASES]
        annotated = dict(Finding.objects.with_colour().values_list("pk", "colour_code"))
        for finding, colour in made:
            assert finding.colour == colour
            assert annotated[finding.pk] == (finding.colour or ""), finding.ledger_number

        expected = {c: {f.pk for f, colour in made if colour == c} for c in ("red", "yellow", "green")}
        assert all(expected.values())  # each colour has cases, so the filter has something to leave out
        for colour, pks in expected.items():
            assert filtered([colour]) == pks, colour
        assert filtered(["red", "yellow"]) == expected["red"] | expected["yellow"]
        assert filtered([]) == {f.pk for f, _colour in made}
        assert set(Finding.objects.overdue().values_list("pk", flat=True)) == expected["red"]


def test_the_ledger_page_filtered_to_red_lists_exactly_the_red_findings(client, world):
    with time_machine.travel(NOON, tick=False):
        made = [(make_case(world, state, offset), colour) for state, offset, colour, _left, _overdue in CASES]
        assert client.login(username="auditor", password=PASSWORD)
        html = client.get("/ledger/", {"colour": "red"}).content.decode()
    for finding, colour in made:
        assert (finding.ledger_number in html) is (colour == "red"), (finding.ledger_number, colour)


def test_the_day_turns_at_midnight_in_shanghai_not_in_utc(world):
    deadline = datetime.date(2025, 9, 30)
    with time_machine.travel(datetime.datetime(2025, 9, 30, 15, 30, tzinfo=datetime.UTC), tick=False):
        finding = make_finding(world, state="rectifying", deadline=deadline)
        assert timezone.localdate() == deadline  # 23:30 in Shanghai
        assert (finding.colour, finding.days_left, finding.is_overdue) == ("yellow", 0, False)
        assert annotated_colour(finding) == "yellow"
        assert not Finding.objects.overdue().filter(pk=finding.pk).exists()
        assert finding.pk not in filtered(["red"])
    with time_machine.travel(datetime.datetime(2025, 9, 30, 16, 30, tzinfo=datetime.UTC), tick=False):
        assert timezone.now().date() == deadline  # still 30 September in UTC …
        assert timezone.localdate() == datetime.date(2025, 10, 1)  # … but 1 October, 00:30, in Shanghai
        finding.refresh_from_db()
        assert (finding.colour, finding.days_left, finding.is_overdue) == ("red", -1, True)
        assert annotated_colour(finding) == "red"
        assert Finding.objects.overdue().filter(pk=finding.pk).exists()
        assert finding.pk in filtered(["red"])


@pytest.mark.parametrize(
    ("warning_days", "offset", "colour"),
    [
        (3, 3, "yellow"),
        (3, 4, "green"),
        (3, 7, "green"),  # yellow under the default of 7 days
        (14, 8, "yellow"),  # green under the default of 7 days
        (14, 14, "yellow"),
        (14, 15, "green"),
        (0, 0, "yellow"),  # no warning days: only the deadline day itself
        (0, 1, "green"),
    ],
)
def test_the_warning_days_setting_moves_the_yellow_band(settings, world, warning_days, offset, colour):
    settings.RECTIFY_WARNING_DAYS = warning_days
    with time_machine.travel(NOON, tick=False):
        finding = make_case(world, "rectifying", offset)
        assert finding.colour == colour
        assert annotated_colour(finding) == colour
        assert filtered([colour]) == {finding.pk}


def test_a_running_finding_without_a_deadline_is_green_in_both_forms(world):
    with time_machine.travel(NOON, tick=False):
        finding = make_case(world, "issued", -5)
        findings.update_finding(world["auditor"], finding, reason="期限待重新确定", deadline=None)
        finding.refresh_from_db()
        assert finding.deadline is None
        assert (finding.colour, finding.days_left, finding.is_overdue) == ("green", None, False)
        assert annotated_colour(finding) == "green"


def test_the_colour_follows_the_state_as_the_finding_moves(world):
    """Nothing is stored: the same overdue deadline is red while the unit owes work and green once submitted."""
    from rectify.rectification import services as rectification

    with time_machine.travel(NOON, tick=False):
        finding = make_case(world, "rectifying", -3)
        assert (finding.colour, annotated_colour(finding)) == ("red", "red")
        rectification.submit_report(world["unit"], finding, measures="清理挂账", progress="已完成")
        finding.refresh_from_db()
        assert (finding.colour, annotated_colour(finding)) == ("green", "green")
        rectification.return_for_rework(world["auditor"], finding, comment="材料不全")
        assert (finding.colour, annotated_colour(finding)) == ("red", "red")


@pytest.mark.django_db
def test_the_colour_filter_agrees_with_the_annotation_for_every_finding(world):
    import datetime as dt

    from rectify.findings.choices import Colour
    from rectify.findings.models import Finding
    from rectify.findings.warning import colour_q
    from rectify.testing import make_finding

    today = dt.date(2025, 9, 30)
    for state, deadline in [
        ("issued", dt.date(2025, 9, 29)), ("issued", today), ("rectifying", dt.date(2025, 10, 7)),
        ("rectifying", dt.date(2025, 10, 8)), ("submitted", dt.date(2025, 9, 1)), ("closed", dt.date(2025, 9, 1)),
        ("draft", dt.date(2025, 9, 1)), ("long_term", dt.date(2026, 9, 1)),
    ]:  # fmt: skip
        make_finding(world, state=state, deadline=deadline)
    annotated = {f.pk: f.colour_code for f in Finding.objects.with_colour(today)}
    for colour in Colour.values:
        filtered = set(Finding.objects.filter(colour_q(colour, today)).values_list("pk", flat=True))
        assert filtered == {pk for pk, c in annotated.items() if c == colour}, colour
