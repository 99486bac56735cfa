"""The demo's announcements and limited circulations (``rectify.portal``), written through the services
once the ledger is in, one in each state:

- the audit office's announcements of the rectification of budget-execution audit findings: one published,
  one published and then corrected (two versions, the first superseded), one withdrawn, one awaiting
  approval and one draft;
- the demo unit's own published announcement of its results (approved by its head);
- a limited circulation of limited findings to the competent department and the organization department,
  read by the department.
"""

from __future__ import annotations

from collections import Counter

from rectify.portal import services as portal
from rectify.portal.choices import Audience, Publisher


class PortalPart:
    def _portal(self) -> None:
        u = self.users
        auditor, lead = u["auditor"], u["auditlead"]
        office = auditor.organization
        self.announcements = []

        eligible = portal.verified_findings(office, Publisher.OFFICE, Audience.PUBLIC)
        projects = [pk for pk, _n in Counter(eligible.values_list("project_id", flat=True)).most_common()]
        if not projects:
            return
        from rectify.audits.models import AuditProject

        chosen = {p.pk: p for p in AuditProject.objects.filter(pk__in=projects[:5])}

        def project(n: int) -> AuditProject:
            return chosen[projects[n % len(chosen)]]

        def office_draft(n: int, title: str):
            p = project(n)
            return portal.draft_announcement(
                auditor, title=f"{p.year}年度{title}", project=p,
                introduction=f"根据审计整改工作有关规定，现将{p.name}查出问题的整改情况公告如下。",
            )  # fmt: skip

        def out(announcement):
            portal.submit_announcement(auditor, announcement)
            portal.approve_announcement(lead, announcement, "同意公告。")
            return portal.publish_announcement(auditor, announcement)

        # 1. Published.
        first = out(office_draft(0, "预算执行审计查出问题整改情况公告"))
        # 2. Published, then corrected: the first version superseded by the second.
        corrected = out(office_draft(1, "预算执行审计查出问题整改情况公告（第二批）"))
        correction = portal.correct_announcement(auditor, corrected, "更正第1项整改结果的表述。")
        item = correction.items.order_by("number").first()
        result = "已按审计要求全部整改到位，并建立长效机制。"
        portal.update_item(auditor, item, portal.ItemText(item.title, item.summary, item.requirements_summary, result))
        second = out(correction)
        # 3. Withdrawn.
        withdrawn = out(office_draft(2, "预算执行审计查出问题整改情况公告（第三批）"))
        portal.withdraw_announcement(lead, withdrawn, "公告所列单位名称有误，核实后重新发布。")
        # 4. Awaiting approval, and 5. a draft.
        awaiting = office_draft(3, "预算执行审计查出问题整改情况公告（第四批）")
        portal.submit_announcement(auditor, awaiting, "请审批。")
        draft = office_draft(4, "预算执行审计查出问题整改情况公告（第五批）")
        self.announcements += [first, corrected, second, withdrawn, awaiting, draft]

        # The demo unit's own announcement of its results.
        unit_user, head = u["unit"], u["unithead"]
        if portal.verified_findings(unit_user.organization, Publisher.UNIT, Audience.PUBLIC).exists():
            own = portal.draft_announcement(
                unit_user, title=f"{unit_user.organization.name}关于审计查出问题整改情况的公告",
                introduction="按照审计整改要求，本单位对审计查出的问题逐项整改，现将整改结果公告如下。",
            )  # fmt: skip
            portal.submit_announcement(unit_user, own)
            portal.approve_announcement(head, own)
            self.announcements.append(portal.publish_announcement(unit_user, own))

        # A limited circulation of what is unfit for the public, read by one of its recipients.
        if portal.verified_findings(office, Publisher.OFFICE, Audience.LIMITED).exists():
            dept, orgdept = u["dept"], u["orgdept"]
            circulation = portal.draft_announcement(
                auditor, audience=Audience.LIMITED, title="不宜公开的审计查出问题整改情况通报",
                introduction="以下问题不宜向社会公开，现在有限范围内通报整改情况，请注意保管，不得扩散。",
                recipients=[dept.organization, orgdept.organization],
            )  # fmt: skip
            circulation = out(circulation)
            portal.record_reading(dept, circulation)
            self.announcements.append(circulation)
