"""The demo's interviews (``rectify.interviews``), written through the services once the ledger and the
sweep's escalation proposals are in: every escalation becomes an interview proposal (the overdue rule),
and the demo unit has an interview in each state — proposed, approved, dismissed, scheduled, held with
follow-up items open, reported and verified, and closed — one of them of a cadre audit, which the
organization department sees. Held interviews are dated a few days before the demo's day."""

from __future__ import annotations

import datetime

from rectify.accounts.choices import RoleCode
from rectify.accounts.scopes import holders_of
from rectify.audits.choices import CADRE_AUDIT_TYPES
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.findings.warning import RUNNING_STATES
from rectify.interviews import services as interviews
from rectify.interviews.choices import Ground
from rectify.reporting.choices import EscalationState
from rectify.reporting.models import EscalationProposal

ATTENDEES = "王建国 区审计局副局长\n陈晓梅 区审计局经济责任审计科科长\n刘洋 区教育委员会财务科科长"


class InterviewsPart:
    def _interviews(self) -> None:
        u = self.users
        auditor, lead = u["auditor"], u["auditlead"]
        for pk in (
            EscalationProposal.objects.filter(state=EscalationState.OPEN).order_by("pk").values_list("pk", flat=True)
        ):
            interviews.propose_for_escalation(pk)
        unit = u["unit"].organization
        # The demo unit's running findings first (then its others, then the district's), a cadre audit's
        # among them, so that every state is shown whatever the size of the demo.
        free = Finding.objects.exclude(state=FindingState.DRAFT).filter(interviews__isnull=True)
        ordered = [
            free.filter(unit=unit, state__in=RUNNING_STATES),
            free.filter(unit=unit),
            free.filter(project__audit_office__jurisdiction=unit.jurisdiction),
        ]
        cadre = next(
            (f for q in ordered for f in q.filter(project__type__in=CADRE_AUDIT_TYPES).order_by("ledger_number")[:1]),
            None,
        )
        findings = [cadre] if cadre is not None else []
        for query in ordered:
            for finding in query.exclude(pk__in=[f.pk for f in findings]).order_by("ledger_number")[:6]:
                if len(findings) < 6:
                    findings.append(finding)
        if len(findings) < 6:
            return
        grounds = [Ground.REPEAT, Ground.NOT_RECTIFIED, Ground.POORLY_RECTIFIED]
        made = [
            interviews.propose(
                finding,
                grounds[index % len(grounds)],
                actor=auditor,
                basis="演示：依据约谈规则提出。",
                today=self.today,
            )
            for index, finding in enumerate(findings)
        ]
        held_at = datetime.datetime.combine(self.today - datetime.timedelta(days=6), datetime.time(15), self.tz)
        before = held_at - datetime.timedelta(days=5)
        after = held_at + datetime.timedelta(hours=2)
        cadre_one, closed, held, scheduled, approved, dismissed = made[:6]
        for interview in (cadre_one, closed, held, scheduled, approved):
            interviews.decide(lead, interview.pk, approve=True, reason="整改不到位，约谈单位主要负责人，压实整改责任。")
        interviews.decide(lead, dismissed.pk, approve=False, reason="单位已说明原因并制定整改计划，暂不约谈。")
        for interview in (cadre_one, closed, held):
            interviews.schedule(
                auditor, interview.pk, scheduled_at=held_at, place="区审计局三楼会议室", attendees=ATTENDEES, now=before
            )
        meeting = datetime.datetime.combine(self.today + datetime.timedelta(days=7), datetime.time(9, 30), self.tz)
        interviews.schedule(
            auditor, scheduled.pk, scheduled_at=meeting, place="区审计局三楼会议室", attendees=ATTENDEES, now=self.now
        )
        due = self.today + datetime.timedelta(days=30)
        items = [
            ("清理长期挂账往来款项，收回或核销", due, "财务科科长"),
            ("修订往来款项管理办法并印发", due + datetime.timedelta(days=15), "办公室主任"),
        ]
        for interview in (cadre_one, closed, held):
            interviews.hold(
                auditor, interview.pk, record="被约谈人说明了问题形成的原因和整改进展，承认整改不到位。",
                commitments="一个月内完成清理，建立长效机制。", items=items, now=after,
            )  # fmt: skip

        def contact(interview):
            return holders_of([RoleCode.UNIT_CONTACT], organization_id=interview.unit_id).order_by("pk").first()

        def report(interview, item, text):
            person = contact(interview)
            if person is not None:
                interviews.report_item(person, item.pk, text=text)
            return person is not None

        for item in closed.items.all():
            if report(closed, item, "已按承诺完成，附清理明细。"):
                interviews.verify_item(auditor, item.pk, accepted=True, comment="核实无误。")
        first, second = held.items.order_by("sequence")
        report(held, first, "已清理大部分挂账，其余正在追收。")
        if report(held, second, "办法已起草。"):
            interviews.verify_item(auditor, second.pk, accepted=True, comment="已印发，核实无误。")
        report(cadre_one, cadre_one.items.order_by("sequence").first(), "已清理完毕。")
        self.interviews = made
