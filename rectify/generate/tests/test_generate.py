"""`rectify generate`: the synthetic province is complete, consistent with the rules the services keep,
in the demo district's proportions, deterministic, and usable by its accounts (SQLite, small N)."""

from __future__ import annotations

import io
from collections import Counter
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from rectify.accounts.models import User
from rectify.findings import warning
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding, FindingEvent
from rectify.generate import services, texts
from rectify.generate.province import PROVINCE, places
from rectify.organizations.choices import JurisdictionLevel
from rectify.organizations.models import Jurisdiction, Organization
from rectify.rectification.models import Plan, ProgressReport, Verification

FINDINGS = 600
DISTRICTS = 2
SEED = 7
# The demo district's states (`rectify demo --once`, 2,000 findings), as shares of its findings.
DEMO_STATES = {
    "draft": 0.012,
    "issued": 0.011,
    "rectifying": 0.078,
    "submitted": 0.044,
    "long_term": 0.044,
    "closed": 0.815,
}
# Rows per finding in the demo district (same load).
DEMO_PER_FINDING = {"events": 8.6, "reports": 1.26, "verifications": 1.21, "plans": 0.98}


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker, tmp_path_factory):
    """The province with 600 findings in two districts, generated once for this module and rolled back."""
    media = tmp_path_factory.mktemp("generate-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        with transaction.atomic():
            out = io.StringIO()
            call_command("generate", findings=FINDINGS, districts=DISTRICTS, seed=SEED, stdout=out)
            yield SimpleNamespace(output=out.getvalue())
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_command_reports_what_it_generated(province):
    assert "生成完成" in province.output and f"问题 {FINDINGS} 条" in province.output
    assert f"findings.Finding: {FINDINGS}" in province.output


def test_exactly_n_findings_in_a_tree_of_province_cities_and_districts(province):
    assert Finding.objects.count() == FINDINGS
    top = Jurisdiction.objects.get(code=PROVINCE[1])
    assert top.level == JurisdictionLevel.PROVINCE
    districts = Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT, parent__parent=top)
    assert districts.count() == DISTRICTS
    for district in districts:
        assert Finding.objects.filter(project__jurisdiction=district).count() == FINDINGS // DISTRICTS
        kinds = set(Organization.objects.filter(jurisdiction=district).values_list("kind", flat=True))
        assert {"audit_office", "audited_unit", "competent_department", "finance_bureau", "government"} <= kinds
        assert all(
            name.startswith(("中共" + district.parent.name, district.parent.name))
            for name in Organization.objects.filter(jurisdiction=district).values_list("name", flat=True)
        )
    assert Organization.objects.filter(jurisdiction=top, kind="audit_office").exists()


def test_every_state_is_reached_in_the_demo_proportions(province):
    states = Counter(Finding.objects.values_list("state", flat=True))
    assert set(states) == set(FindingState.values)
    for state, share in DEMO_STATES.items():
        assert abs(states[state] / FINDINGS - share) < max(0.04, share * 0.5), (state, states[state])
    per_finding = {
        "events": FindingEvent.objects.count() / FINDINGS,
        "reports": ProgressReport.objects.count() / FINDINGS,
        "verifications": Verification.objects.count() / FINDINGS,
        "plans": Plan.objects.count() / FINDINGS,
    }
    for name, expected in DEMO_PER_FINDING.items():
        assert abs(per_finding[name] - expected) < expected * 0.2, (name, per_finding[name])


def test_ledger_numbers_are_unique_and_carry_the_district_code(province):
    numbers = list(Finding.objects.values_list("ledger_number", "project__jurisdiction__code"))
    assert len({n for n, _c in numbers}) == FINDINGS
    assert all(number.startswith(code + "-") for number, code in numbers)


def test_repeats_point_to_earlier_findings_of_the_same_unit_for_the_known_share(province):
    links = list(
        Finding.repeats.through.objects.values_list(
            "from_finding__unit", "to_finding__unit", "from_finding__project__year", "to_finding__project__year"
        )
    )
    assert len(links) == round(FINDINGS * services.DEFAULT_REPEAT_RATE)
    assert all(a == b and later > earlier for a, b, later, earlier in links)
    # A repeat restates its earlier finding in other words: much shared, never a copy.
    for finding in Finding.objects.filter(repeats__isnull=False).prefetch_related("repeats")[:30]:
        earlier = finding.repeats.get()
        assert finding.category_id == earlier.category_id
        assert finding.description != earlier.description
        assert _bigram_overlap(finding.description, earlier.description) > 0.35
        assert "屡审屡犯" in finding.description


def _bigram_overlap(a: str, b: str) -> float:
    grams = [{x[i : i + 2] for i in range(len(x) - 1)} for x in (a, b)]
    return len(grams[0] & grams[1]) / len(grams[0] | grams[1])


def test_colour_and_overdue_agree_with_the_queries(province):
    rows = list(Finding.objects.with_colour().values_list("pk", "state", "deadline", "colour_code"))
    assert all((warning.colour_for(state, deadline) or "") == code for _pk, state, deadline, code in rows)
    overdue = set(Finding.objects.overdue().values_list("pk", flat=True))
    assert overdue == {pk for pk, state, deadline, _c in rows if warning.is_overdue(state, deadline)}
    assert overdue and {code for *_r, code in rows} >= {"red", "green"}
    # Closed findings have their close-out time, issued ones their issue time.
    assert not Finding.objects.filter(state="closed", closed_at__isnull=True).exists()
    assert not Finding.objects.exclude(state="draft").filter(issued_at__isnull=True).exists()


ROLE_ACCOUNTS = ["auditor", "auditlead", "committee", "orgdept", "discipline", "finance", "gov", "congress"]


def test_accounts_of_every_role_at_every_level_sign_in(province, client):
    first = places(DISTRICTS, SEED)[0]
    prefixes = [PROVINCE[1].lower(), first.city_code.lower(), first.code.lower()]
    names = [f"{p}_{role}" for p in prefixes for role in ROLE_ACCOUNTS]
    names += [f"{first.code.lower()}_{role}" for role in ("unit", "unithead", "dept", "depthead", "internal")]
    names += [f"{PROVINCE[1].lower()}_{role}" for role in ("sysadmin", "secadmin", "logaudit")]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    assert set(users) == set(names)
    assert all(u.is_demo for u in users.values())
    with override_settings(RECTIFY_DEMO_MODE=True):
        for name in names:
            assert client.login(username=name, password=settings.RECTIFY_DEMO_PASSWORD), name
            client.logout()


def test_each_user_sees_their_scope(province):
    first = places(DISTRICTS, SEED)[0]
    province_auditor = User.objects.get(username=f"{PROVINCE[1].lower()}_auditor")
    district_auditor = User.objects.get(username=f"{first.code.lower()}_auditor")
    unit_user = User.objects.get(username=f"{first.code.lower()}_unit")
    assert Finding.objects.restrict(province_auditor).count() == FINDINGS
    in_district = Finding.objects.restrict(district_auditor)
    assert in_district.count() == FINDINGS // DISTRICTS
    assert set(in_district.values_list("project__jurisdiction__code", flat=True)) == {first.code}
    seen = Finding.objects.restrict(unit_user)
    assert seen.exists()
    assert set(seen.values_list("unit", flat=True)) == {unit_user.organization_id}


def test_the_ledger_and_a_finding_answer_for_the_province_auditor(province, client):
    auditor = User.objects.get(username=f"{PROVINCE[1].lower()}_auditor")
    finding = Finding.objects.filter(repeats__isnull=False).order_by("-pk").first()
    with override_settings(RECTIFY_DEMO_MODE=True):
        client.force_login(auditor)
        assert client.get("/ledger/").status_code == 200
        answer = client.get(f"/findings/{finding.pk}/")
    assert answer.status_code == 200
    assert finding.ledger_number in answer.content.decode()


def test_restate_scales_the_amounts_and_moves_the_years_on():
    import random

    text = (
        "2022年，该单位项目年初预算100万元，实际支出150万元，超预算支出50万元，涉及3笔。"
        "该问题在2020年度审计中已指出，但整改不到位，属屡审屡犯。"
    )
    again = texts.restate(random.Random(1), text, years=2, factor=0.5, since=2022)
    assert "2024年" in again and "预算50万元" in again and "75万元" in again and "25万元" in again
    assert again.count("屡审屡犯") == 1 and "2022年度审计" in again and "2020年度" not in again


def test_the_second_district_refers_only_to_its_own_rows(province):
    """On PostgreSQL the second district is copied from the first (clone.py): every reference moved."""
    from django.db.models import F

    second = places(DISTRICTS, SEED)[1]
    prefix = second.code.lower() + "_"
    findings = Finding.objects.filter(project__jurisdiction__code=second.code)
    assert findings.count() == FINDINGS // DISTRICTS
    assert not findings.exclude(unit__jurisdiction__code=second.code).exists()
    assert not findings.exclude(created_by__username__startswith=prefix).exists()
    assert not findings.exclude(ledger_number__startswith=second.code + "-").exists()
    reports = ProgressReport.objects.filter(finding__in=findings)
    assert reports.exists() and not reports.exclude(submitted_by__username__startswith=prefix).exists()
    verifications = Verification.objects.filter(finding__in=findings)
    assert verifications.exists() and not verifications.exclude(report__finding=F("finding")).exists()
    assert not verifications.exclude(verifier__username__startswith=prefix).exists()
    assert not verifications.filter(created__lt=F("report__created")).exists()
    assert not reports.filter(created__lt=F("finding__issued_at")).exists()
    events = FindingEvent.objects.filter(finding__in=findings, actor__isnull=False).select_related("actor")
    assert events.exists() and all(e.actor_name == e.actor.full_name for e in events)
    first_place = places(DISTRICTS, SEED)[0]
    assert not findings.filter(description__contains=first_place.full).exists()
    for finding in findings.order_by("pk")[:40]:
        latest = finding.history.order_by("-history_date", "-history_id").first()
        assert (latest.title, latest.description, latest.state) == (finding.title, finding.description, finding.state)
