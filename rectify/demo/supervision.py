"""The demo's supervised matters, circulars (``rectify.supervision``) and People's Congress matters
(``rectify.congress``), written through the services once the ledger is in, one in each state:

- matters: a committee decision with the demo unit's part overdue and untouched and the department's in
  progress; a leadership instruction with one part asking to close and one returned; a closed decision;
- circulars: a draft, an approved one awaiting issue, an issued criticism citing the demo unit's
  findings and an issued commendation;
- congress: a special inquiry with one answer given and one owed past its date, an interpellation owed (its
  content corrected after recording),
  a resolution on the rectification report all answered (awaiting closing), and a closed resolution on the
  audit work report.

The services refuse a due date in the past; the overdue examples are recorded with a future date and
their date then set back, as if they had been recorded earlier (their history says so).
"""

from __future__ import annotations

import datetime

from rectify.congress import services as congress
from rectify.congress.models import Question
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.findings.warning import local_today
from rectify.supervision import services as supervision
from rectify.supervision.models import Assignment


class SupervisionPart:
    def _supervision(self) -> None:
        u = self.users
        committee, congress_user = u["committee"], u["congress"]
        committee2 = u["committee2"]  # approves what "committee" drafts (four eyes)
        unit, dept = u["unit"].organization, u["dept"].organization
        dept_user = u["dept"]
        others = [(org_id, user) for org_id, user in self.contacts.items() if org_id != unit.pk][:2]
        other_user = others[0][1]
        other = other_user.organization
        today = local_today()

        def day(n: int) -> datetime.date:
            return today + datetime.timedelta(days=n)

        def set_back(model, pk: int, due: datetime.date) -> None:
            row = model.objects.get(pk=pk)
            row.due_date = due
            row._change_reason = "演示数据：较早登记的事项"
            row.save()

        cited = list(
            Finding.objects.filter(unit=unit)
            .exclude(state=FindingState.DRAFT)
            .order_by("-project__year", "ledger_number")[:2]
        )
        spec = supervision.AssigneeSpec
        # 1. A decision of the committee's meeting: the unit's part overdue and untouched, the department's in progress.
        first = supervision.record_matter(
            committee, kind="decision", title=f"督促{unit.name}限期完成审计整改",
            content=f"区委审计委员会会议议定：{unit.name}对审计查出的往来款长期挂账等问题于期限内整改到位，"
            f"{dept.name}加强督促指导，整改情况报区委审计办。",
            meeting="区委审计委员会第五次会议", meeting_date=day(-75),
            assignees=[spec(unit, day(20)), spec(dept, day(30))], findings=cited, units=[unit],
        )  # fmt: skip
        set_back(Assignment, first.assignments.get(organization=unit).pk, day(-15))
        part = first.assignments.get(organization=dept)
        supervision.report_progress(dept_user, part, text="已召开专题会议部署，每月调度整改进展。")
        # 2. A leadership instruction: the department asks to close; the other unit's request was returned.
        second = supervision.record_matter(
            committee, kind="instruction", title="落实区委主要领导关于审计整改工作的批示",
            content="审计查出问题要逐项建立台账、限期销号，对整改不力的要严肃追责。",
            instructed_by="王建国", instructor_position="区委书记", instructed_on=day(-40),
            assignees=[spec(dept, day(45)), spec(other, day(50))],
        )  # fmt: skip
        part = second.assignments.get(organization=dept)
        supervision.report_progress(dept_user, part, text="已建立行业整改台账，逐项明确责任人和时限。")
        supervision.request_closure(dept_user, part, "批示要求已落实。")
        part = second.assignments.get(organization=other)
        supervision.report_progress(other_user, part, text="已完成大部分问题整改。")
        supervision.request_closure(other_user, part)
        supervision.return_assignment(committee, part, "尚有两项问题未销号，请继续整改后再申请办结。")
        # 3. A closed decision.
        third = supervision.record_matter(
            committee, kind="decision", title="建立审计整改联席会议制度",
            content="由区审计局牵头建立审计整改联席会议制度，每季度通报整改进展。",
            meeting="区委审计委员会第四次会议", meeting_date=day(-200),
            assignees=[spec(u["auditor"].organization, day(10))],
        )  # fmt: skip
        part = third.assignments.get()
        supervision.report_progress(u["auditor"], part, text="联席会议制度已印发，首次会议已召开。")
        supervision.request_closure(u["auditor"], part)
        supervision.accept_closure(committee, part, "同意办结。")
        self.supervised_matters = [first, second, third]

        # Circulars: one in each state.
        draft = supervision.draft_circular(
            committee, kind="criticism", title="关于审计整改进展缓慢单位的通报（征求意见稿）",
            body="近期督查发现，部分单位整改进展缓慢。\n请有关单位于月底前完成整改。", recipients=[other],
        )  # fmt: skip
        approved = supervision.draft_circular(
            committee, kind="commendation", title="关于审计整改工作成效明显单位的通报",
            body=f"{dept.name}建立行业整改台账，推动所属单位整改到位，成效明显，予以通报表扬。", recipients=[dept],
            matters=[second],
        )  # fmt: skip
        supervision.approve_circular(committee2, approved)
        criticism = supervision.draft_circular(
            committee, kind="criticism", title=f"关于{unit.name}审计整改不力情况的通报",
            body=f"{unit.name}对审计查出的问题整改不力，逾期未完成整改且未说明原因。\n现予通报批评，"
            "责令其于十五日内整改到位，并将整改情况书面报区委审计办。", recipients=[unit, dept],
            matters=[first], findings=cited,
        )  # fmt: skip
        supervision.approve_circular(committee2, criticism)
        supervision.issue_circular(committee, criticism)
        commendation = supervision.draft_circular(
            committee, kind="commendation", title="关于联席会议制度建立情况的通报",
            body="区审计局牵头建立审计整改联席会议制度，予以通报表扬。", recipients=[u["auditor"].organization, dept],
            matters=[third],
        )  # fmt: skip
        supervision.approve_circular(committee2, commendation)
        supervision.issue_circular(committee, commendation)
        self.circulars = [draft, approved, criticism, commendation]

        # People's Congress matters.
        ask = congress.QuestionSpec
        inquiry = congress.record_matter(
            congress_user, kind="special_inquiry", title="关于审计查出问题整改情况的专题询问",
            session="区人大常委会第二十次会议", held_on=day(-30),
            content="围绕教育经费和专项资金审计查出问题的整改情况开展专题询问。",
            questions=[ask(dept, "教育经费审计查出问题整改进展如何？还有哪些问题未整改到位？", day(10)),
                       ask(other, "专项资金闲置问题的整改措施和时限是什么？", day(20))],
        )  # fmt: skip
        congress.answer_question(
            dept_user, inquiry.questions.get(organization=dept), text="教育经费问题已整改九成，余下问题年底前整改到位。"
        )
        set_back(Question, inquiry.questions.get(organization=other).pk, day(-5))
        interpellation = congress.record_matter(
            congress_user, kind="interpellation", title=f"关于{unit.name}屡审屡犯问题的质询",
            session="区人大常委会第二十一次会议", held_on=day(-3), content="就同类问题屡审屡犯提出质询。",
            questions=[ask(unit, "同类问题为何屡审屡犯？将采取哪些长效措施？", day(27))],
        )  # fmt: skip
        # Corrected after recording: the edit is on the matter's record and in its history.
        congress.update_matter(
            congress_user, interpellation, kind="interpellation", title=interpellation.title,
            session=interpellation.session, held_on=interpellation.held_on,
            content="就同类问题屡审屡犯、整改不到位提出质询，要求说明原因和长效措施。", version=interpellation.version,
        )  # fmt: skip
        resolution = congress.record_matter(
            congress_user, kind="rectification_report", title="关于审计整改情况报告的审议意见",
            session="区人大常委会第十九次会议", held_on=day(-60),
            content="要求政府及有关部门对尚未整改到位的问题明确时限，年底前报告整改结果。",
            questions=[ask(dept, "请报告尚未整改到位问题的整改时限。", day(5))],
        )  # fmt: skip
        congress.answer_question(dept_user, resolution.questions.get(), text="已逐项明确整改时限，详见附表。")
        closed = congress.record_matter(
            congress_user, kind="audit_report", title="关于审计工作报告的审议意见",
            session="区人大常委会第十五次会议", held_on=day(-240),
            content="要求加强预算执行管理，严肃财经纪律。",
            questions=[ask(dept, "请报告预算执行管理的改进措施。", day(1))],
        )  # fmt: skip
        congress.answer_question(dept_user, closed.questions.get(), text="已修订预算管理办法。")
        congress.close_matter(congress_user, closed, "答复满意，予以办结。")
