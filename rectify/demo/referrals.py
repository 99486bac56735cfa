"""The demo's referrals (``rectify.referrals``), written through the services once the ledger is in:
one in each state (draft, approved, sent, acknowledged, concluded), to each kind of body (the
discipline commission, the organization department, the competent department), and one whose
feedback is overdue. The one concluded cites a finding verified as falsely rectified and names the
persons handled; the discipline commission finds on its workbench and in its inbox what awaits it."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from rectify.audits.choices import CADRE_AUDIT_TYPES
from rectify.core.exceptions import ActionRefused
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.rectification.choices import Verdict
from rectify.rectification.models import Verification
from rectify.referrals import services as referrals
from rectify.referrals.models import Referral


class ReferralsPart:
    def _referrals(self) -> None:
        u = self.users
        auditor, lead = u["auditor"], u["auditlead"]
        office = auditor.organization
        bodies = {name: u[name].organization for name in ("discipline", "orgdept", "dept")}
        ledger = Finding.objects.filter(project__audit_office=office).exclude(state=FindingState.DRAFT)
        falsified = list(
            ledger.filter(
                pk__in=Verification.objects.filter(verdict=Verdict.FALSE_RECTIFICATION).values("finding_id")
            ).order_by("ledger_number")[:2]
        )
        cadre = list(ledger.filter(project__type__in=CADRE_AUDIT_TYPES).order_by("ledger_number")[:1])
        dept_units = Q(unit__competent_department=bodies["dept"])
        others = list(
            ledger.filter(state__in=(FindingState.RECTIFYING, FindingState.ISSUED))
            .exclude(dept_units)
            .order_by("ledger_number")[:4]
        )
        in_sector = list(ledger.filter(dept_units).order_by("ledger_number")[:1])
        self.referrals = []

        def draft(recipient, ground, findings, facts):
            if not findings:
                return None
            try:
                made = referrals.create_referral(
                    auditor, recipient=recipient, ground=ground, findings=findings, facts=facts,
                    request="建议依规依纪依法追究相关责任人员的责任，并将处理结果反馈审计机关。",
                )  # fmt: skip
            except ActionRefused:
                return None
            self.referrals.append(made)
            return made

        def send(made):
            referrals.approve_referral(lead, made)
            return referrals.send_referral(lead, made)

        # Concluded: the discipline commission handled the persons responsible for a false rectification.
        made = draft(
            bodies["discipline"], "false_rectification", falsified[:1],
            "该单位报送的整改情况与实际不符，所附佐证材料系事后补制，经核实认定为虚假整改。",
        )  # fmt: skip
        if made is not None:
            send(made)
            referrals.acknowledge_referral(u["discipline"], made)
            referrals.conclude_referral(
                u["discipline"], made, outcome_date=self.today,
                text="经调查核实，对相关责任人员作出如下处理，并责令该单位限期如实整改。",
                persons=[
                    referrals.Person("王某某", "财务科科长", "disciplinary"),
                    referrals.Person("李某某", "分管副局长", "admonishment"),
                ],
            )  # fmt: skip
        # Acknowledged: the organization department has a cadre's refusal to rectify in hand.
        made = draft(
            bodies["orgdept"], "refusal", cadre or others[:1],
            "被审计领导干部对审计查出的问题拒不整改，经多次督促仍未制定整改方案。",
        )  # fmt: skip
        if made is not None:
            send(made)
            referrals.acknowledge_referral(u["orgdept"], made)
        # Sent, its feedback overdue: the competent department was asked about obstruction of checking.
        made = draft(
            bodies["dept"], "obstruction", in_sector or others[1:2],
            "审计机关开展整改检查时，该单位拒绝提供有关账簿和资料，阻碍检查。",
        )  # fmt: skip
        if made is not None:
            send(made)
            # Sent long enough ago that its feedback is now overdue (as if sent 75 days before the demo's day).
            sent_on = self.today - datetime.timedelta(days=75)
            Referral.objects.filter(pk=made.pk).update(
                sent_at=timezone.make_aware(datetime.datetime.combine(sent_on, datetime.time(10))),
                feedback_due=sent_on + datetime.timedelta(days=referrals.feedback_days()),
            )
        # Sent, awaiting the discipline commission's acknowledgement.
        made = draft(
            bodies["discipline"], "false_rectification", falsified[1:] or falsified[:1],
            "该单位整改报告所称已收回的资金经核查仍未到账，属虚假整改。",
        )  # fmt: skip
        if made is not None:
            send(made)
        # Approved, not yet sent; and a draft.
        made = draft(bodies["discipline"], "refusal", others[2:3], "该单位对审计整改通知书要求的事项拒不整改。")
        if made is not None:
            referrals.approve_referral(lead, made)
        draft(bodies["orgdept"], "obstruction", others[3:4], "该单位负责人指使工作人员隐匿有关资料，阻碍整改检查。")
