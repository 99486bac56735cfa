"""The demo's sharing with other supervisors and internal audit (``rectify.sharing``, source 三(五) and
四(三)), written through the services once the ledger is in: the 区委巡察办's subscriptions in every state
(pending, approved with a digest sent, rejected, revoked), and the demo unit's own internal audit, worked
by its internal auditor ``internal``, with findings from draft to closed."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rectify.audits import services as audits
from rectify.audits.choices import AuditType
from rectify.demo.files import png
from rectify.demo.writer import live_timestamps
from rectify.findings import services as findings
from rectify.findings.models import Finding
from rectify.organizations.models import Sector
from rectify.rectification import services as rectification
from rectify.sharing import services as sharing
from rectify.sharing.choices import Target
from rectify.sharing.models import Subscription

INTERNAL_FINDINGS = [
    ("draft", "科室备用金未按规定及时报账", "抽查发现2个科室备用金借支超过3个月未报账，共计1.8万元。"),
    ("issued", "医用耗材二级库管理不规范", "部分科室二级库未建立出入库台账，耗材领用与收费数据无法核对。"),
    ("rectifying", "合同归档不完整", "抽查的30份采购合同中有6份未归档验收单据。"),
    ("submitted", "公务接待清单要素不全", "部分公务接待未附接待清单，或接待清单未列明接待对象人数。"),
    ("closed", "固定资产账实不符", "盘点发现医疗设备12台未登记入账，账面原值合计36.2万元。"),
]


class SharingPart:
    def _sharing(self) -> None:
        u = self.users
        with live_timestamps():
            self._internal_audit(u["internal"], u["unit"])
        inspector, auditor, lead = u["inspector"], u["auditor"], u["auditlead"]
        demo_unit = u["unit"].organization
        sector = demo_unit.sector or Sector.objects.order_by("code").first()
        category = self.categories[0]

        def ask(target, purpose, **values):
            return sharing.request_subscription(inspector, target=target, purpose=purpose, **values)

        approved = ask(Target.UNIT, "区委第二轮巡察进驻该单位，需掌握其审计查出问题整改情况。", unit=demo_unit)
        sharing.approve_subscription(lead, approved, comment="同意，巡察期间共享。")
        # Approved a week and a day ago, so that the first weekly digest has gone out.
        week_ago = timezone.now() - datetime.timedelta(days=8)
        Subscription.objects.filter(pk=approved.pk).update(decided_at=week_ago)
        sharing.send_digests()
        if sector is not None:
            ask(Target.SECTOR, "巡察教育卫生系统，需了解行业共性问题。", sector=sector)  # pending
        rejected = ask(Target.CATEGORY, "了解全区同类问题。", category=category)
        sharing.reject_subscription(auditor, rejected, comment="范围过宽，请按巡察对象订阅具体单位。")
        other_unit = (
            Finding.objects.filter(project__jurisdiction=self.district)
            .exclude(unit=demo_unit)
            .values_list("unit", flat=True)
            .order_by("unit")
            .first()
        )
        if other_unit is not None:
            revoked = ask(Target.UNIT, "上一轮巡察对象。", unit=type(demo_unit).objects.get(pk=other_unit))
            sharing.approve_subscription(auditor, revoked)
            sharing.revoke_subscription(inspector, revoked, comment="该轮巡察已结束。")

    def _internal_audit(self, internal, contact) -> None:
        year = self.years[-1]
        project = audits.create_project(
            internal,
            name=f"{internal.organization.short_name}{year}年度财务收支内部审计",
            year=year,
            type=AuditType.INTERNAL_AUDIT,
            units=[internal.organization],
            started_on=datetime.date(year, 9, 1),
        )
        category = self.categories[0]
        deadline = self.today + datetime.timedelta(days=60)
        evidence = png(64, 48, (230, 236, 245), (60, 90, 160))
        for state, title, description in INTERNAL_FINDINGS:
            finding = findings.create_finding(
                internal,
                project=project,
                unit=internal.organization,
                title=title,
                description=description,
                category=category,
                requirements=["查明原因并整改到位", "完善相关内部管理制度"],
                deadline=deadline,
            )
            if state == "draft":
                continue
            findings.issue_finding(internal, finding)
            if state == "issued":
                continue
            findings.start_rectification(contact, finding)
            if state == "rectifying":
                continue
            report = rectification.submit_report(
                contact,
                finding,
                measures="已按内审意见逐项整改",
                progress="整改已完成",
                evidence=[SimpleUploadedFile("整改佐证.png", evidence, content_type="image/png")],
            )
            if state == "closed":
                rectification.verify(internal, report, verdict="rectified", reasons="经内审复核，整改到位。")
