"""The demo's use of the results (``rectify.references``, source 三(六)), written through the services once
the interviews and referrals are in: at least two economic-responsibility audits whose leaders have
accountability on record (an interview decided, a referral to the organization department concluded with
the persons handled), and a year's reference delivered to each recipient: the cadre reference to the
organization department (acknowledged), the budget reference to the finance bureau (awaiting it)."""

from __future__ import annotations

import re

from rectify.audits.choices import AuditType
from rectify.core.exceptions import ActionRefused
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.findings.warning import RUNNING_STATES
from rectify.interviews import services as interviews
from rectify.interviews.choices import DECIDED_STATES, Ground
from rectify.interviews.models import Interview
from rectify.references import services as references
from rectify.referrals import services as referrals
from rectify.referrals.models import Referral
from rectify.referrals.scopes import DELIVERED

# How many economic-responsibility audits' leaders the demo shows with accountability on record.
LEADERS_WITH_OUTCOMES = 2


class ReferencesPart:
    def _references(self) -> None:
        u = self.users
        auditor, lead, orgdept = u["auditor"], u["auditlead"], u["orgdept"]
        office = auditor.organization
        audits = Finding.objects.filter(
            project__audit_office=office, project__type=AuditType.ECONOMIC_RESPONSIBILITY
        ).exclude(state=FindingState.DRAFT)
        interviewed = Interview.objects.filter(state__in=DECIDED_STATES).values("finding_id")
        referred = Referral.findings.through.objects.filter(referral__state__in=DELIVERED).values("finding_id")
        covered = set(audits.filter(pk__in=interviewed).values_list("project_id", flat=True)) | set(
            audits.filter(pk__in=referred).values_list("project_id", flat=True)
        )
        running = audits.filter(state__in=RUNNING_STATES).exclude(project_id__in=covered)
        projects = list(
            running.order_by("-project__year", "project__sequence").values_list("project_id", flat=True).distinct()
        )
        for project_id in projects[: max(0, LEADERS_WITH_OUTCOMES - len(covered)) + 1]:
            finding = running.filter(project_id=project_id).order_by("ledger_number").first()
            self._leader_outcomes(finding, auditor, lead, orgdept)

        year = self.today.year - 1
        cadre = references.send_reference(
            lead, kind="cadre", year=year, recipient=orgdept.organization,
            note=f"报送{year}年度经济责任审计、自然资源资产审计结果，供干部考核、任免、奖惩参考。",
        )  # fmt: skip
        references.acknowledge_reference(orgdept, cadre, comment="已收悉，相关材料存入干部档案。")
        references.send_reference(
            lead, kind="budget", year=year, recipient=u["finance"].organization,
            note=f"报送{year}年度涉及财政资金问题的整改情况，供安排下一年度预算参考。",
        )  # fmt: skip

    def _leader_outcomes(self, finding: Finding, auditor, lead, orgdept) -> None:
        """An interview of the unit's head, decided; and a referral of the leader to the organization
        department, concluded with the persons handled."""
        interview = interviews.propose(
            finding, Ground.OVERDUE, basis="逾期未整改且未说明原因，经督促仍未完成整改。", actor=auditor
        )
        if interview is not None:
            interviews.decide(lead, interview.pk, approve=True, reason="同意约谈被审计单位主要负责人。")
        official = finding.project.audited_official or "被审计领导干部"
        try:
            made = referrals.create_referral(
                auditor, recipient=orgdept.organization, ground="refusal", findings=[finding],
                facts=f"{official}任职期间审计查出的问题，经多次督促仍未整改到位。",
                request="建议在干部考核、任免中予以考虑，并将处理结果反馈审计机关。",
            )  # fmt: skip
        except ActionRefused:
            return
        referrals.approve_referral(lead, made)
        referrals.send_referral(lead, made)
        referrals.acknowledge_referral(orgdept, made)
        named = re.search(r"([\u4e00-\u9fff]{1,2}某某)$", official)
        referrals.conclude_referral(
            orgdept, made, outcome_date=self.today, text="经研究，对相关领导干部进行诫勉，并责令限期整改。",
            persons=[referrals.Person(named.group(1) if named else official[:50], "原主要负责人", "admonishment")],
        )  # fmt: skip
