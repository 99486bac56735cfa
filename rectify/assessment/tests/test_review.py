"""Review, adjustment and confirmation: who may, what is kept, what a frozen result refuses."""

from decimal import Decimal

import pytest

from rectify.assessment import services
from rectify.assessment.choices import AssessmentState, SchemeState
from rectify.assessment.models import Assessment, LineAdjustment
from rectify.assessment.tests.helpers import TOTAL, computed
from rectify.core.exceptions import ActionRefused
from rectify.core.models import PublishedEvent  # noqa: F401  (events are published on commit)

pytestmark = pytest.mark.django_db


def test_review_adjust_confirm_and_frozen_refuses_recompute(world):
    data = computed(world)
    a = data["assessment"]
    lead, auditor = world["auditlead"], world["auditor"]
    line = a.lines.get(code="repeat_findings")
    with pytest.raises(ActionRefused) as refused:
        services.adjust_line(auditor, line.pk, points="-8.00", reason="x")
    assert refused.value.code == "forbidden"  # the auditor sees it, only the leader adjusts
    with pytest.raises(ActionRefused) as refused:
        services.adjust_line(lead, line.pk, points="-8.00", reason="  ")
    assert "reason" in refused.value.error_dict  # a written reason is required
    with pytest.raises(ActionRefused) as refused:
        services.adjust_line(lead, line.pk, points="-12.00", reason="超出上限")
    assert "points" in refused.value.error_dict  # within the rule's cap
    with pytest.raises(ActionRefused) as refused:
        services.adjust_line(lead, line.pk, points="-8.00", reason="stale", version=a.version + 5)
    assert refused.value.code == "stale"
    services.adjust_line(lead, line.pk, points="-8.00", reason="其中一个问题系同一事项拆分登记", version=a.version)
    a.refresh_from_db()
    assert a.total == TOTAL + Decimal("2.00") and a.computed_total == TOTAL
    adjustment = LineAdjustment.objects.get(line=line)
    assert (adjustment.before, adjustment.after, adjustment.adjusted_by) == (Decimal("-10.00"), Decimal("-8.00"), lead)
    assert line.history.first().history_change_reason.startswith("其中一个问题")
    with pytest.raises(ActionRefused):
        services.confirm(lead, a.pk)  # review first
    with pytest.raises(ActionRefused) as refused:
        services.review(auditor, a.pk)
    assert refused.value.code == "forbidden"
    services.review(lead, a.pk, comment="核对无误")
    services.confirm(lead, a.pk)
    a.refresh_from_db()
    assert a.state == AssessmentState.CONFIRMED and a.confirmed_by == lead
    data["scheme"].refresh_from_db()
    assert data["scheme"].state == SchemeState.FROZEN  # confirming freezes the rules
    with pytest.raises(ActionRefused) as refused:
        services.recompute(auditor, a.pk)
    assert refused.value.code == "invalid_state"
    with pytest.raises(ActionRefused):
        services.adjust_line(lead, line.pk, points="-6.00", reason="再调")
    with pytest.raises(ActionRefused):
        services.update_scheme(auditor, data["scheme"].pk, title="x", cutoff=data["scheme"].cutoff, rules={})
    # The year's computation leaves a confirmed result as it is.
    counts = services.compute_scheme(data["scheme"].pk)
    assert counts["skipped"] == 1
    assert Assessment.objects.get(pk=a.pk).total == TOTAL + Decimal("2.00")


def test_recompute_of_one_unit_by_the_auditor(world):
    data = computed(world)
    a = data["assessment"]
    again = services.recompute(world["auditor"], a.pk, version=a.version)
    assert again.total == TOTAL and again.version == a.version  # same facts, same figures
    with pytest.raises(ActionRefused) as refused:
        services.recompute(world["unit"], a.pk)
    assert refused.value.code == "not_found"
    with pytest.raises(ActionRefused) as refused:
        services.recompute(world["auditor_b"], a.pk)
    assert refused.value.code == "not_found"


def test_only_the_audit_office_makes_and_freezes_schemes(world):
    with pytest.raises(ActionRefused):
        services.create_scheme(world["unit"], 2025)
    scheme = services.create_scheme(world["auditor"], 2025)
    with pytest.raises(ActionRefused):
        services.create_scheme(world["auditlead"], 2025)  # one per year and jurisdiction
    with pytest.raises(ActionRefused) as refused:
        services.freeze_scheme(world["auditor"], scheme.pk)
    assert refused.value.code == "forbidden"
    with pytest.raises(ActionRefused) as refused:
        services.freeze_scheme(world["auditor_b"], scheme.pk)
    assert refused.value.code == "not_found"
    services.freeze_scheme(world["auditlead"], scheme.pk)
    scheme.refresh_from_db()
    assert scheme.is_frozen and scheme.frozen_by == world["auditlead"]
