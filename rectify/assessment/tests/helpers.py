"""A hand-built year for the world's unit, with known figures (the scheme's cutoff 2026-12-31).

The unit's 2025 findings: F1–F4 closed in 2026, F5 rectifying past its deadline (2025-09-30), F6
rectifying with a deadline after the cutoff. So 5 are due and 4 closed: 80%, 50 × 0.8 = 40.00 points.

Amounts: F1 involves 100,000.00 (verified 100,000.00), F2 50,000.00 (verified 25,000.00), F5 50,000.00
(nothing verified), the others nothing: 125,000 ÷ 200,000 = 62.5%, 25 × 0.625 = 15.625 → 15.63.

Report obligations due by the cutoff: three met on time, one late (a cancelled one and one due after
the cutoff do not count): 3 ÷ 4 = 75%, 25 × 0.75 = 18.75.

Six findings repeat an earlier one: 6 × 2 = 12, capped at 10 → −10.00. Two interviews decided (a third
only proposed): 2 × 3 → −6.00. One referral sent citing F1 and F5 (a draft one does not count): −5.00.

Total: 40.00 + 18.75 + 15.63 − 10.00 − 6.00 − 5.00 = 53.38.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from rectify.assessment import services
from rectify.findings.models import Finding
from rectify.interviews.choices import Ground, InterviewState
from rectify.interviews.models import Interview
from rectify.rectification.models import Verification
from rectify.referrals.choices import ReferralGround, ReferralState
from rectify.referrals.models import Referral
from rectify.reporting.choices import ObligationKind
from rectify.reporting.models import Obligation
from rectify.testing import make_finding, make_project

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
EXPECTED = {
    "rectification_rate": Decimal("40.00"),
    "on_time_reporting": Decimal("18.75"),
    "amount_rectified": Decimal("15.63"),
    "repeat_findings": Decimal("-10.00"),
    "interviews": Decimal("-6.00"),
    "referrals": Decimal("-5.00"),
}
TOTAL = Decimal("53.38")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def obligation(finding, sequence, due, met=None, on_time=None, cancelled=False):
    return Obligation.objects.create(
        finding=finding,
        kind=ObligationKind.MILESTONE,
        sequence=100 + sequence,
        due_date=due,
        met_at=at(met) if met else None,
        met_on_time=on_time,
        cancelled_at=timezone.now() if cancelled else None,
    )


def build_year(world) -> dict:
    """The dataset above; returns its records by name."""
    earlier_project = make_project(world, world.office_a, [world.unit], world.project.type, year=2024)
    earlier = make_finding(world, state="issued", project=earlier_project, title="以前年度同类问题")
    f = {}
    for name in ("F1", "F2", "F3", "F4"):
        f[name] = make_finding(world, state="closed", title=f"问题{name}", repeats=[earlier])
    f["F5"] = make_finding(world, state="rectifying", title="问题F5", repeats=[earlier])
    f["F6"] = make_finding(world, state="rectifying", title="问题F6", repeats=[earlier], deadline=D(2027, 6, 30))
    ids = [x.pk for x in f.values()]
    # Whatever the actions set up: the facts are set here, exactly.
    Obligation.objects.filter(finding_id__in=ids).update(deleted_at=timezone.now())
    Finding.objects.filter(pk__in=[f[n].pk for n in ("F1", "F2", "F3", "F4")]).update(closed_at=at(D(2026, 3, 1)))
    amounts = {"F1": "100000.00", "F2": "50000.00", "F3": "0", "F4": "0", "F5": "50000.00", "F6": "0"}
    for name, amount in amounts.items():
        Finding.objects.filter(pk=f[name].pk).update(amount_involved=Decimal(amount))
    verified = {"F1": "100000.00", "F2": "25000.00", "F3": "0", "F4": "0"}
    for name, amount in verified.items():
        Verification.objects.filter(finding=f[name]).update(verified_amount=Decimal(amount))
    obligation(f["F1"], 1, D(2025, 8, 1), D(2025, 7, 30), True)
    obligation(f["F2"], 1, D(2025, 8, 1), D(2025, 8, 1), True)
    obligation(f["F3"], 1, D(2025, 8, 1), D(2025, 7, 1), True)
    obligation(f["F5"], 1, D(2025, 8, 1), D(2025, 8, 20), False)  # late
    obligation(f["F5"], 2, D(2025, 9, 1), cancelled=True)  # cancelled: not counted
    obligation(f["F6"], 1, D(2027, 1, 15))  # due after the cutoff: not counted
    interviews = [
        Interview.objects.create(
            finding=f["F5"], unit=world.unit, ground=ground, state=state, proposed_on=D(2025, 10, 1)
        )
        for ground, state in ((Ground.REPEAT, InterviewState.APPROVED), (Ground.OVERDUE, InterviewState.HELD))
    ]
    Interview.objects.create(
        finding=f["F6"],
        unit=world.unit,
        ground=Ground.REPEAT,
        state=InterviewState.PROPOSED,
        proposed_on=D(2025, 10, 1),
    )
    sent = Referral.objects.create(
        office=world.office_a, recipient=world.discipline, ground=ReferralGround.REFUSAL, title="关于提请追责的函",
        facts="拒绝整改", state=ReferralState.SENT, drafted_by=world["auditor"],
    )  # fmt: skip
    sent.findings.set([f["F1"], f["F5"]])
    draft = Referral.objects.create(
        office=world.office_a, recipient=world.discipline, ground=ReferralGround.REFUSAL, title="起草中的函",
        facts="拒绝整改", state=ReferralState.DRAFT, drafted_by=world["auditor"],
    )  # fmt: skip
    draft.findings.set([f["F2"]])
    # The sibling unit: one finding, closed in time, nothing else (100 points).
    sibling = make_finding(world, state="closed", unit=world.sibling_unit, title="兄弟单位问题")
    Finding.objects.filter(pk=sibling.pk).update(closed_at=at(D(2026, 2, 1)))
    Verification.objects.filter(finding=sibling).update(verified_amount=Decimal("125000.00"))
    return {"findings": f, "earlier": earlier, "interviews": interviews, "referral": sent, "sibling": sibling}


def scheme_for(world, year: int = 2025):
    return services.create_scheme(world["auditor"], year)


def computed(world, year: int = 2025):
    """The dataset, its scheme, and the scheme computed (the job run at once); the unit's assessment."""
    data = build_year(world)
    scheme = scheme_for(world, year)
    services.compute_scheme(scheme.pk, world["auditor"].pk)
    data["scheme"] = scheme
    data["assessment"] = scheme.assessments.get(unit=world.unit)
    data["sibling_assessment"] = scheme.assessments.get(unit=world.sibling_unit)
    return data
