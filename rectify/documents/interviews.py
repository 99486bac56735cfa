"""The interview notice (约谈通知书) of an interview (``rectify.interviews``) in the GB/T 9704-2012 layout:
版头 with the audit office's mark in red and the 发文字号 (allocated the first time the notice is
written, kept after), the title, the unit as 主送, the ground and facts, the time, place, who is
summoned and who attends, what to prepare, the office and date, and the 版记 copied to the unit's
competent department."""

from __future__ import annotations

from django.utils import timezone

from rectify.core.exceptions import ActionRefused
from rectify.documents import numbering
from rectify.documents.builder import OfficialDocument, chinese_date
from rectify.documents.services import GeneratedDocument, safe_filename
from rectify.findings.warning import local_today
from rectify.interviews.models import Interview

TITLE = "约谈通知书"


def interview_notice(interview: Interview) -> GeneratedDocument:
    if interview.scheduled_at is None:
        raise ActionRefused("约谈尚未安排时间和地点，不能生成约谈通知书。", code="invalid_state")
    finding = interview.finding
    office = finding.project.audit_office
    issued = timezone.localtime(interview.decided_at).date() if interview.decided_at else local_today()
    number = numbering.interview_number(interview, issued.year)
    when = timezone.localtime(interview.scheduled_at)

    doc = OfficialDocument(subject=f"{interview.unit.name}{TITLE}", author=office.name)
    doc.masthead(f"{office.name}文件", number.text)
    doc.title(TITLE)
    doc.addressee([interview.unit.name])
    doc.paragraph(
        f"{finding.project.name}查出你单位“{finding.title}”问题（问题编号{finding.ledger_number}），"
        f"{interview.get_ground_display()}：{interview.basis}"
        "根据审计整改问责机制的有关规定，经研究，决定约谈你单位主要负责人。现将有关事项通知如下。"
    )
    doc.heading1("一、约谈时间和地点")
    doc.paragraph(f"时间：{chinese_date(when.date())}{when:%H:%M}。地点：{interview.place}。")
    doc.heading1("二、约谈对象和参加人员")
    doc.paragraph(f"约谈对象：{interview.interviewee}。")
    for line in interview.attendee_lines():
        doc.paragraph(line)
    doc.heading1("三、有关要求")
    doc.paragraph(
        "请被约谈人按时参加，不得委托他人代替；如实说明问题整改情况、未按要求整改的原因，"
        "提出下一步整改措施、责任人和完成时限，并提交书面材料。约谈情况将记录在案，作出的整改承诺纳入跟踪督办。"
    )
    doc.signature(office.name, issued)
    department = interview.unit.competent_department
    copies = [department.name] if department is not None else []
    doc.imprint(f"{office.name}办公室", issued, copies=copies)
    return GeneratedDocument(
        safe_filename(f"{interview.unit.name}{TITLE}") + ".docx",
        doc.to_bytes(),
        ascii_filename=f"interview-notice-{interview.pk}.docx",
    )
