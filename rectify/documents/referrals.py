"""Referrals (``rectify.referrals``) as documents: the referral letter (提请追责函) in the GB/T 9704
layout, with a 发文字号 from the audit office's sequence (given the first time the approved letter is
written), and the evidence package, a ZIP built by a job once the referral is approved:

    提请追责函.docx
    问题台账.xlsx                         the cited findings as the ledger
    问题办理记录/<问题编号>.docx           each finding's timeline and report rounds with their verdicts
    佐证材料/<问题编号>/<轮次>-<文件名>      the evidence files of those reports

The letter and the package are read through the reader's scope: whoever sees the referral sees the
findings it cites (the receiving body by the contribution ``rectify.referrals.scopes`` makes).
"""

from __future__ import annotations

import io
import logging
import tempfile
import zipfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.exceptions import ActionRefused
from rectify.core.jobs import enqueue
from rectify.documents.builder import OfficialDocument, chinese_date
from rectify.documents.models import DocumentNumberSequence
from rectify.documents.numbering import office_prefix
from rectify.documents.services import GeneratedDocument, chinese_number, safe_filename, wan_yuan
from rectify.findings.choices import EventKind, FindingState
from rectify.findings.models import Finding
from rectify.rectification.choices import Verdict
from rectify.rectification.models import ProgressReport
from rectify.referrals import services as referral_services
from rectify.referrals.choices import ReferralState
from rectify.referrals.models import Referral

logger = logging.getLogger(__name__)
REFERRAL_WORD = "审追"  # the 代字 of the office's referral letters: 黔江审追〔2026〕1号
LETTER_NAME = "提请追责函.docx"
LEDGER_NAME = "问题台账.xlsx"
STATES = dict(FindingState.choices)
VERDICTS = dict(Verdict.choices)
EVENTS = dict(EventKind.choices)


def referral_number(referral: Referral) -> str:
    """The letter's number, allocated once from the office's sequence for the year of approval; a draft has none."""
    if referral.state == ReferralState.DRAFT:
        return "（草稿，未编号）"
    if referral.number:
        return referral.number
    year = timezone.localtime(referral.approved_at or timezone.now()).year
    with transaction.atomic():
        sequence, _created = DocumentNumberSequence.objects.get_or_create(office=referral.office, year=year)
        sequence = DocumentNumberSequence.objects.select_for_update().get(pk=sequence.pk)
        locked = Referral.all_objects.select_for_update().get(pk=referral.pk)
        if not locked.number:
            sequence.last += 1
            sequence.save(update_fields=["last"])
            prefix = office_prefix(referral.office).removesuffix("审改") + REFERRAL_WORD
            locked.number = f"{prefix}〔{year}〕{sequence.last}号"
            Referral.all_objects.filter(pk=locked.pk).update(number=locked.number)
    referral.number = locked.number
    return referral.number


def _visible(user, referral: Referral | int) -> Referral:
    pk = referral.pk if isinstance(referral, Referral) else referral
    found = Referral.objects.restrict(user).select_related("office__jurisdiction", "recipient").filter(pk=pk).first()
    if found is None:
        raise ActionRefused(str(referral_services.NOT_FOUND), code="not_found")
    return found


def _cited(user, referral: Referral):
    return (
        Finding.objects.restrict(user)
        .filter(pk__in=Referral.findings.through.objects.filter(referral_id=referral.pk).values("finding_id"))
        .select_related("unit", "project")
        .order_by("pk")
    )


def referral_letter(user, referral: Referral | int) -> GeneratedDocument:
    """提请追责函: the grounds, the facts, each cited finding, the request, the feedback due date."""
    referral = _visible(user, referral)
    findings = list(_cited(user, referral))
    office = referral.office.name
    issued = timezone.localtime(referral.approved_at).date() if referral.approved_at else timezone.localdate()
    doc = OfficialDocument(subject=referral.title, author=office)
    doc.masthead(f"{office}文件", referral_number(referral))
    doc.title(referral.title)
    doc.addressee([referral.recipient.name])
    units = "、".join(dict.fromkeys(f.unit.name for f in findings))
    doc.paragraph(
        f"根据审计整改问责机制的有关规定，{units}在审计整改中存在{referral.get_ground_display()}问题，"
        f"现将有关情况和问题线索移送你单位，请依规依纪依法处理。"
    )
    doc.heading1("一、主要事实")
    for line in referral.facts.splitlines():
        if line.strip():
            doc.paragraph(line.strip())
    doc.heading1("二、涉及的审计查出问题")
    for index, finding in enumerate(findings, start=1):
        doc.heading2(f"（{chinese_number(index)}）{finding.title}")
        deadline = f"，整改期限{chinese_date(finding.deadline)}" if finding.deadline else ""
        doc.paragraph(
            f"问题编号{finding.ledger_number}，{finding.project.name}查出，责任单位{finding.unit.name}，"
            f"涉及金额{wan_yuan(finding.amount_involved)}{deadline}；"
            f"当前状态：{STATES.get(finding.state, finding.state)}。"
        )
    doc.heading1("三、处理建议")
    doc.paragraph(referral.request or "请依规依纪依法追究相关责任人员的责任。")
    due = (
        chinese_date(referral.feedback_due)
        if referral.feedback_due
        else f"收到本函之日起{referral_services.feedback_days()}日内"
    )
    doc.paragraph(f"请于{due}前将处理结果（处理人员及处理方式）反馈我局。")
    doc.attachments(["审计查出问题台账", "问题办理记录及佐证材料"])
    doc.signature(office, issued)
    doc.imprint(f"{office}办公室", timezone.localtime(referral.sent_at).date() if referral.sent_at else issued)
    return GeneratedDocument(
        safe_filename(referral.title) + ".docx", doc.to_bytes(), ascii_filename=f"referral-{referral.pk}.docx"
    )


def finding_record(finding: Finding) -> bytes:
    """问题办理记录: the finding, its timeline, and each report round with its verdict."""
    doc = OfficialDocument(subject=f"{finding.ledger_number}问题办理记录", author=finding.project.audit_office.name)
    doc.title(f"{finding.ledger_number}问题办理记录")
    doc.labelled("问题", finding.title)
    doc.labelled("责任单位", finding.unit.name)
    doc.labelled("问题描述", finding.description)
    doc.heading1("一、办理记录")
    for event in finding.events.order_by("at", "pk"):
        when = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")
        comment = f"：{event.comment}" if event.comment else ""
        doc.paragraph(f"{when} {event.actor_name} {EVENTS.get(event.kind, event.kind)}{comment}")
    doc.heading1("二、整改情况报告")
    reports = list(
        ProgressReport.objects.filter(finding=finding).select_related("verification").order_by("round", "pk")
    )
    if not reports:
        doc.paragraph("尚未报送整改情况报告。")
    for report in reports:
        doc.heading2(f"第{report.round}轮（{timezone.localtime(report.submitted_at):%Y-%m-%d}）")
        doc.labelled("整改措施", report.measures)
        doc.labelled("整改进展", report.progress)
        if report.unfinished_reason:
            doc.labelled("未完成原因", report.unfinished_reason)
        verification = getattr(report, "verification", None)
        if verification is not None:
            doc.labelled(
                "核实认定", f"{VERDICTS.get(verification.verdict, verification.verdict)}：{verification.reasons}"
            )
    return doc.to_bytes()


def _write_package(user, referral: Referral, handle) -> None:
    from rectify.exchange.services import export_ledger
    from rectify.rectification.models import Evidence

    findings = _cited(user, referral)
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(LETTER_NAME, referral_letter(user, referral).content)
        ledger = io.BytesIO()
        export_ledger(findings, ledger, user=user)
        archive.writestr(LEDGER_NAME, ledger.getvalue())
        for finding in findings:
            number = safe_filename(finding.ledger_number)
            archive.writestr(f"问题办理记录/{number}.docx", finding_record(finding))
        evidence = Evidence.objects.filter(report__finding__in=findings.values("pk")).select_related("report__finding")
        names: set[str] = set()
        for item in evidence.order_by("report__finding_id", "report__round", "pk"):
            finding = item.report.finding
            folder = f"佐证材料/{safe_filename(finding.ledger_number)}"
            name = f"{folder}/{item.report.round}-{safe_filename(item.original_name)}"
            if name in names:  # the same file name twice in one round
                name = f"{folder}/{item.report.round}-{item.pk}-{safe_filename(item.original_name)}"
            names.add(name)
            with item.file.open("rb") as source:
                archive.writestr(name, source.read())


def build_package(referral_id: int) -> str:
    """The job: builds the evidence package of an approved referral, as the leader who approved it."""
    referral = Referral.all_objects.select_related("approved_by", "office__jurisdiction", "recipient").get(
        pk=referral_id
    )
    if referral.state == ReferralState.DRAFT or referral.approved_by_id is None:
        return "draft"
    try:
        with tempfile.TemporaryFile() as handle:
            _write_package(referral.approved_by, referral, handle)
            handle.seek(0)
            referral_services.package_built(referral.pk, f"referral-{referral.pk}.zip", File(handle))
    except Exception as error:
        logger.exception("referral package %s failed", referral_id)
        referral_services.package_failed(referral.pk, str(error))
        raise
    return "done"


def on_referral_approved(event) -> None:
    """Subscriber: once a referral is approved, its package is built by a job."""
    enqueue(build_package, event.object_id, group="documents")


def package_of(user, referral_id: int) -> tuple[str, File]:
    referral = _visible(user, referral_id)
    if referral.state == ReferralState.DRAFT or not referral.package:
        raise ActionRefused(_("该事项的证据材料包尚未生成。"), code="invalid_state")
    return f"{safe_filename(referral.title)}-证据材料包.zip", referral.package.open("rb")
