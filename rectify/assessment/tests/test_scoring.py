"""The figures: each rule's points on the hand-built year (helpers.py), their explanation and facts,
the caps, recomputing to the same figures, and the bounded number of queries."""

from decimal import Decimal

import pytest

from rectify.assessment import scoring, services
from rectify.assessment.choices import AssessmentState, ComputationStatus, RuleCode
from rectify.assessment.models import Assessment, AssessmentLine
from rectify.assessment.tests.helpers import EXPECTED, TOTAL, build_year, computed, scheme_for
from rectify.findings.models import Finding
from rectify.testing import make_finding

pytestmark = pytest.mark.django_db


def lines_of(assessment):
    return {line.code: line for line in assessment.lines.order_by("sequence")}


def test_the_default_scheme_has_100_points_of_ratios_and_three_deductions(world):
    scheme = scheme_for(world)
    rules = list(scheme.rules.order_by("sequence"))
    assert [r.code for r in rules] == [c.value for c in RuleCode]
    assert sum(r.points for r in rules if r.kind == "ratio") == Decimal("100.00")
    assert {r.code: r.cap for r in rules if r.kind == "deduction"} == {
        "repeat_findings": Decimal("10.00"), "interviews": Decimal("9.00"), "referrals": Decimal("10.00"),
    }  # fmt: skip
    assert scheme.cutoff.isoformat() == "2026-12-31"


def test_each_rule_gives_exactly_the_points_of_its_facts(world):
    data = computed(world)
    assessment, f = data["assessment"], data["findings"]
    lines = lines_of(assessment)
    assert {code: line.points for code, line in lines.items()} == EXPECTED
    assert assessment.total == assessment.computed_total == TOTAL
    assert data["sibling_assessment"].total == Decimal("100.00")
    # Every point traces to its rule and the facts behind it.
    rate = lines["rectification_rate"]
    assert rate.rule.code == "rectification_rate" and rate.limit == Decimal("50.00")
    assert rate.facts["figures"] == {"due": 5, "closed": 4, "rate": "80.0"}
    assert rate.facts["groups"]["closed"] == [f[n].pk for n in ("F1", "F2", "F3", "F4")]
    assert rate.facts["groups"]["open_due"] == [f["F5"].pk]
    assert "应完成整改5个" in rate.explanation and "已销号4个" in rate.explanation
    assert "50.00 × 80.0% = 40.00分" in rate.explanation
    assert f["F5"].ledger_number in rate.explanation and f["F6"].ledger_number not in rate.explanation
    amount = lines["amount_rectified"]
    assert amount.facts["figures"] == {"involved": "200000.00", "verified": "125000.00", "rate": "62.5"}
    assert amount.facts["groups"]["verified_findings"] == [f["F1"].pk, f["F2"].pk]
    assert "200,000.00元" in amount.explanation and "= 15.63分" in amount.explanation
    reporting = lines["on_time_reporting"]
    assert reporting.facts["figures"] == {"due": 4, "on_time": 3, "rate": "75.0"}
    assert len(reporting.facts["groups"]["obligations_late"]) == 1
    repeats = lines["repeat_findings"]
    assert repeats.facts["figures"]["count"] == 6 and len(repeats.facts["groups"]["repeats"]) == 6
    assert "应扣 6 × 2.00 = 12.00分，按上限扣10.00分" in repeats.explanation
    assert data["earlier"].ledger_number in repeats.explanation
    interviews = lines["interviews"]
    assert interviews.facts["groups"]["interviews"] == [i.pk for i in data["interviews"]]  # not the proposal
    assert "扣 2 × 3.00 = 6.00分" in interviews.explanation
    referrals = lines["referrals"]
    assert referrals.facts["groups"]["referrals"] == [data["referral"].pk]  # once, though it cites two; no draft
    assert "关于提请追责的函" in referrals.explanation


def test_recomputing_gives_the_same_figures_and_writes_nothing(world):
    data = computed(world)
    scheme = data["scheme"]
    before = {
        line.pk: (line.points, line.explanation, line.facts)
        for line in AssessmentLine.objects.filter(assessment__scheme=scheme)
    }
    versions = dict(Assessment.objects.filter(scheme=scheme).values_list("pk", "version"))
    counts = services.compute_scheme(scheme.pk, world["auditor"].pk)
    assert counts["unchanged"] == 2 and counts["changed"] == 0
    after = {
        line.pk: (line.points, line.explanation, line.facts)
        for line in AssessmentLine.objects.filter(assessment__scheme=scheme)
    }
    assert after == before
    assert dict(Assessment.objects.filter(scheme=scheme).values_list("pk", "version")) == versions
    # A fresh computation from nothing gives the same figures too.
    facts = scoring.gather(scheme)
    rules = list(scheme.rules.order_by("sequence"))
    again = {rule.code: scoring.score(rule, facts[world.unit.pk], scheme).points for rule in rules}
    assert again == EXPECTED


def test_a_change_of_the_facts_changes_the_figures_on_recompute(world):
    data = computed(world)
    f = data["findings"]
    Finding.objects.filter(pk=f["F5"].pk).update(state="closed", closed_at=f["F1"].closed_at)
    services.compute_scheme(data["scheme"].pk)
    line = AssessmentLine.objects.get(assessment=data["assessment"], code="rectification_rate")
    assert line.points == Decimal("50.00")
    assessment = Assessment.objects.get(pk=data["assessment"].pk)
    assert assessment.total == TOTAL + Decimal("10.00") and assessment.version == data["assessment"].version + 1


def test_deductions_without_a_cap_and_without_occurrences(world):
    data = computed(world)
    scheme = data["scheme"]
    services.update_scheme(
        world["auditor"], scheme.pk, title=scheme.title, cutoff=scheme.cutoff,
        rules={"repeat_findings": {"points": "1.50", "cap": None}, "interviews": {"cap": "4.00"}},
    )  # fmt: skip
    services.compute_scheme(scheme.pk)
    lines = lines_of(Assessment.objects.get(pk=data["assessment"].pk))
    assert lines["repeat_findings"].points == Decimal("-9.00")  # 6 × 1.5, no cap
    assert lines["interviews"].points == Decimal("-4.00")  # 2 × 3 = 6, capped at 4
    sibling = lines_of(data["sibling_assessment"])
    assert sibling["referrals"].points == Decimal("0.00") and "不扣分" in sibling["referrals"].explanation


def test_full_rate_and_nothing_to_measure(world):
    data = computed(world)
    scheme = data["scheme"]
    services.update_scheme(
        world["auditor"], scheme.pk, title=scheme.title, cutoff=scheme.cutoff,
        rules={"rectification_rate": {"full_rate": "80"}, "on_time_reporting": {"when_none": "zero"}},
    )  # fmt: skip
    services.compute_scheme(scheme.pk)
    lines = lines_of(Assessment.objects.get(pk=data["assessment"].pk))
    assert lines["rectification_rate"].points == Decimal("50.00")  # 80% earns full points
    sibling = lines_of(Assessment.objects.get(pk=data["sibling_assessment"].pk))
    assert sibling["on_time_reporting"].points == Decimal("0.00")  # no obligation: zero by the parameter
    assert "按0分计" in sibling["on_time_reporting"].explanation


def test_the_total_never_falls_below_zero():
    assert scoring.total_of([Decimal("5.00"), Decimal("-10.00")]) == Decimal("0.00")


def test_the_ratios_must_add_up_to_100(world):
    scheme = scheme_for(world)
    with pytest.raises(Exception) as refused:
        services.update_scheme(
            world["auditor"], scheme.pk, title=scheme.title, cutoff=scheme.cutoff,
            rules={"rectification_rate": {"points": "60"}},
        )  # fmt: skip
    assert "100" in str(refused.value)


def test_the_computation_runs_as_a_queued_job_and_records_its_status(world, django_capture_on_commit_callbacks):
    build_year(world)
    scheme = scheme_for(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_computation(world["auditor"], scheme.pk)
    scheme.refresh_from_db()
    assert scheme.computation_status == ComputationStatus.DONE and scheme.computed_at is not None
    assert scheme.assessments.count() == 2


def _queries_for(world, django_assert_max_num_queries, extra: int) -> None:
    scheme = scheme_for(world)
    for index in range(extra):
        make_finding(world, state="issued", unit=world.other_unit, title=f"批量问题{index}")
    with django_assert_max_num_queries(24):
        services.compute_scheme(scheme.pk)
    with django_assert_max_num_queries(16):
        services.compute_scheme(scheme.pk)  # nothing changed


def test_the_computation_asks_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    build_year(world)
    _queries_for(world, django_assert_max_num_queries, 12)
    assert Assessment.objects.get(unit=world.other_unit).lines.count() == 6


def test_a_reviewed_result_whose_facts_change_goes_back_to_computed_and_its_adjustment_is_superseded(world):
    data = computed(world)
    lead = world["auditlead"]
    rate = data["assessment"].lines.get(code="rectification_rate")
    interviews = data["assessment"].lines.get(code="interviews")
    services.adjust_line(lead, interviews.pk, points="-3.00", reason="其中一次约谈系上级统一安排")
    services.adjust_line(lead, rate.pk, points="45.00", reason="F5已于截止日后整改到位")
    services.review(lead, data["assessment"].pk)
    services.compute_scheme(data["scheme"].pk)
    assessment = Assessment.objects.get(pk=data["assessment"].pk)
    assert assessment.state == AssessmentState.REVIEWED  # nothing changed: the review and adjustments stay
    assert assessment.total == TOTAL + Decimal("3.00") + Decimal("5.00")
    f5 = data["findings"]["F5"]
    Finding.objects.filter(pk=f5.pk).update(state="closed", closed_at=data["findings"]["F1"].closed_at)
    services.compute_scheme(data["scheme"].pk)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.COMPUTED and assessment.reviewed_by is None
    rate.refresh_from_db()
    interviews.refresh_from_db()
    assert rate.points == rate.computed_points == Decimal("50.00")  # the changed line is computed afresh…
    assert rate.adjustments.get().superseded is True  # …its adjustment stays on record
    assert interviews.points == Decimal("-3.00") and interviews.adjustments.get().superseded is False
    assert assessment.total == TOTAL + Decimal("10.00") + Decimal("3.00")
    assert assessment.computed_total == TOTAL + Decimal("10.00")


def test_a_units_own_internal_audit_is_not_assessed(world):
    from rectify.accounts.choices import RoleCode
    from rectify.audits.choices import AuditType
    from rectify.findings import services as findings
    from rectify.testing import make_project, make_user

    build_year(world)
    internal = make_user("internal", world.unit, RoleCode.INTERNAL_AUDITOR)
    project = make_project(world, world.unit, [world.unit], AuditType.INTERNAL_AUDIT)
    finding = findings.create_finding(
        internal, project=project, unit=world.unit, title="内部审计问题", description="内审发现",
        category=world.category, requirements=["整改"], deadline=world.project.started_on, allow_past_deadline=True,
    )  # fmt: skip
    findings.issue_finding(internal, finding)
    scheme = scheme_for(world)
    services.compute_scheme(scheme.pk)
    lines = lines_of(scheme.assessments.get(unit=world.unit))
    assert {code: line.points for code, line in lines.items()} == EXPECTED
    assert finding.pk not in lines["rectification_rate"].facts["groups"]["open_due"]
