"""The demo's special campaigns, consultations and looking back, written through their services once the
ledger is in: the competent department runs one campaign in progress (a consultation with measures done,
pending and overdue, and the demo unit's progress) and one concluded; the audit office has one just opened
and a standalone consultation; the audit office draws a looking-back sample with some re-checks done, one of
them relapsed; and the district has at least one finding re-occurring after close-out."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from rectify.campaigns import services as campaigns
from rectify.findings import services as findings_services
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.lookback import services as lookback
from rectify.lookback.choices import RecheckResult


class CampaignsPart:
    def _campaigns(self) -> None:
        u = self.users
        dept_user, auditor = u["dept"], u["auditor"]
        unit = u["unit"].organization
        day = datetime.timedelta(days=1)
        # The department's findings grouped by category: the two spread over most units make its campaigns.
        by_category: dict[int, list[Finding]] = defaultdict(list)
        for finding in campaigns.finding_choices(dept_user).select_related("category").order_by("ledger_number"):
            by_category[finding.category_id].append(finding)
        ranked = sorted(by_category.values(), key=lambda fs: (-len({f.unit_id for f in fs}), -len(fs), fs[0].pk))
        if len(ranked) < 2:
            return
        running_findings = ranked[0][:10]
        own = next((f for fs in by_category.values() for f in fs if f.unit_id == unit.pk), None)
        if own is not None and own not in running_findings:
            running_findings.append(own)
        topic = running_findings[0].category
        running = campaigns.open_campaign(
            dept_user,
            title=f"{topic.name}问题专项整治",
            problem=f"近年审计反复查出所属单位存在{topic.name}问题，涉及单位多、跨多个审计年度，具有普遍性和倾向性。",
            findings=running_findings,
            target_date=self.today + 120 * day,
            measures="一、各单位对照问题清单逐项自查整改；\n二、主管部门制定统一的管理办法；\n三、每月报送整治进展。",
        )
        campaigns.start_campaign(dept_user, running, "动员部署完成，进入集中整治阶段。")
        if unit.pk in set(running.units.values_list("pk", flat=True)):
            campaigns.report_progress(
                u["unit"], running, text="已完成自查，建立问题清单，3项问题已整改到位，其余正在推进。",
                reported_on=self.today - 3 * day,
            )  # fmt: skip
        participants = list(running.units.all()[:4])
        consultation = campaigns.record_consultation(
            dept_user,
            title=f"{topic.name}专项整治联席会商",
            held_on=self.today - 10 * day,
            topics="研究共性问题成因，明确整改口径和责任分工。",
            participants=participants,
            campaign=running,
            measures=[
                campaigns.MeasureSpec("制定统一的管理办法并印发执行", running.lead_organization, self.today + 30 * day),
                campaigns.MeasureSpec("完成问题清单逐项销号", participants[0], self.today - 2 * day),
                campaigns.MeasureSpec("报送整改佐证材料", participants[-1], self.today + 15 * day),
            ],
        )
        done = consultation.measures.order_by("pk").last()
        campaigns.follow_up_measure(dept_user, done, note="已报送整改佐证材料，经核对齐全。", done_on=self.today - day)

        concluded_findings = ranked[1][:6]
        concluded = campaigns.open_campaign(
            dept_user,
            title=f"{concluded_findings[0].category.name}问题专项整治",
            problem=f"所属单位{concluded_findings[0].category.name}问题集中，需统一规范。",
            findings=concluded_findings,
            target_date=self.today + 10 * day,
            measures="逐项整改，建章立制。",
        )
        campaigns.start_campaign(dept_user, concluded)
        campaigns.conclude_campaign(
            dept_user, concluded,
            conclusion="专项整治按期完成，问题清单全部销号或转入持续整改。",
            outcome="修订管理制度2项，规范资金使用，建立长效机制。",
        )  # fmt: skip

        office_choices = campaigns.finding_choices(auditor).exclude(pk__in=[f.pk for f in running_findings])
        spread = list(office_choices.filter(category=topic).order_by("ledger_number")[:8])
        if spread:
            campaigns.open_campaign(
                auditor,
                title=f"全区{topic.name}问题专项整治",
                problem=f"{topic.name}问题在全区多个部门反复出现。",
                findings=spread,
                target_date=self.today + 180 * day,
                lead_organization=dept_user.organization,
            )
            campaigns.record_consultation(
                auditor,
                title="审计整改联席会商",
                held_on=self.today - 5 * day,
                topics="跨部门问题的整改责任划分。",
                participants=list({f.unit_id: f.unit for f in spread}.values())[:4],
                findings=spread[:3],
                measures=[campaigns.MeasureSpec("明确牵头部门", spread[0].unit, self.today + 20 * day)],
            )
        self._reoccurrence()
        self._lookback()

    def _reoccurrence(self) -> None:
        """At least one finding re-occurring after close-out: a later audit's finding of the same unit,
        recorded after the earlier one was closed, confirmed as its repeat."""
        if lookback.reoccurrences().exists():
            return
        auditor = self.users["auditor"]
        for earlier in (
            Finding.objects.filter(state=FindingState.CLOSED, closed_at__isnull=False)
            .select_related("project")
            .order_by("closed_at")[:50]
        ):
            later = (
                Finding.objects.filter(
                    unit_id=earlier.unit_id, project__year__gt=earlier.project.year, created__gte=earlier.closed_at,
                    project__jurisdiction_id=earlier.project.jurisdiction_id,
                )
                .exclude(state=FindingState.DRAFT)
                .order_by("ledger_number")
                .first()
            )  # fmt: skip
            if later is not None:
                findings_services.link_repeats(auditor, later, [earlier])
                return

    def _lookback(self) -> None:
        auditor, lead = self.users["auditor"], self.users["auditlead"]
        amounts = sorted(Finding.objects.filter(state=FindingState.CLOSED).values_list("amount_involved", flat=True))
        if not amounts:
            return
        threshold = amounts[len(amounts) * 3 // 4].quantize(Decimal("1"))
        rules = lookback.Rules(min_amount=threshold, repeat_history=True, false_history=True)
        sample = lookback.draw_sample(
            auditor, title=f"{self.today.year}年整改回头看", seed=self.today.year, size=12, rules=rules
        )
        items = list(sample.items.order_by("position"))
        others = [self.users[f"auditor{n}"] for n in (2, 3) if f"auditor{n}" in self.users] or [auditor]
        for index, item in enumerate(items):
            lookback.assign_auditor(lead, item, others[index % len(others)])
        results = [RecheckResult.HOLDS, RecheckResult.RELAPSED, RecheckResult.HOLDS, RecheckResult.HOLDS]
        notes = {RecheckResult.RELAPSED: "实地复查发现同类问题再次发生，整改成果未能巩固。"}
        for item, result in zip(items, results, strict=False):
            lookback.record_recheck(
                auditor, item, result=result, note=notes.get(result, "复查确认整改到位。"),
                checked_on=self.today - datetime.timedelta(days=2),
            )  # fmt: skip
