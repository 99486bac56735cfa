"""The demo's performance assessment (``rectify.assessment``), written through its services once the
ledger, the interviews and the referrals are in: a scheme for each of the demo's audit years (counted to
the end of the year after it, or to the demo's day when that is earlier), computed for every unit.
The oldest year's scheme is frozen. In the last complete year in which the demo unit has findings, its
assessment and three others are reviewed (one line adjusted with a written reason), and the demo
unit's is confirmed, so that the unit, its department, the committee office and the government each
find what they see. The latest year stays computed, its scheme still editable."""

from __future__ import annotations

from decimal import Decimal

from rectify.assessment import services as assessment
from rectify.assessment.models import Assessment

ADJUSTMENT_REASON = "演示：经核实，其中一项系同一事项重复登记，酌情调整。"


class AssessmentPart:
    def _assessments(self) -> None:
        u = self.users
        auditor, lead = u["auditor"], u["auditlead"]
        unit = u["unit"].organization
        schemes = {}
        for year in self.years:
            cutoff = min(assessment.default_cutoff(year), self.today)
            scheme = assessment.create_scheme(auditor, year, cutoff=cutoff)
            assessment.compute_scheme(scheme.pk, auditor.pk)
            schemes[year] = scheme
        assessment.freeze_scheme(lead, schemes[self.years[0]].pk)
        complete = self.years[:-1] or self.years
        year = next(
            (y for y in reversed(complete) if Assessment.objects.filter(scheme=schemes[y], unit=unit).exists()),
            complete[-1],
        )
        results = Assessment.objects.filter(scheme=schemes[year]).order_by("-total", "unit__code")
        own = results.filter(unit=unit).first()
        chosen = ([own] if own is not None else []) + list(results.exclude(unit=unit)[:3])
        if len(chosen) > 1:
            self._adjust_one(lead, chosen[1])
        for result in chosen:
            assessment.review(lead, result.pk, comment="演示：经审核，计分依据充分。")
        if chosen:
            assessment.confirm(lead, chosen[0].pk)

    def _adjust_one(self, lead, result: Assessment) -> None:
        """A deduction taken back by a point, or else a ratio's points lowered by one."""
        line = result.lines.filter(kind="deduction", points__lt=0).order_by("sequence").first()
        if line is not None:
            target = min(line.points + Decimal("1.00"), Decimal("0.00"))
        else:
            line = result.lines.filter(kind="ratio", points__gte=1).order_by("sequence").first()
            if line is None:
                return
            target = line.points - Decimal("1.00")
        assessment.adjust_line(lead, line.pk, points=target, reason=ADJUSTMENT_REASON)
