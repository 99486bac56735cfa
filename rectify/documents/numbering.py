"""发文字号 of the documents an audit office issues: 机关代字〔年份〕序号号, a sequence per office and year.

``notice_number`` gives the rectification notice of a project (to one unit, or to all of them) its
number the first time it is written and the same number every time after. The serial is taken under a
lock on the office's sequence row for the year, so two requests at once never get the same number.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import transaction

from rectify.documents.models import DocumentNumber, DocumentNumberSequence

if TYPE_CHECKING:
    from rectify.audits.models import AuditProject
    from rectify.organizations.models import Organization

NOTICE_WORD = "审改"  # 审计整改: the 代字 of the office's rectification notices


def office_prefix(office: Organization) -> str:
    """机关代字 of the office's notices: its jurisdiction's name without the level (黔江区 → 黔江) and
    审改, so 黔江审改."""
    place = office.jurisdiction.name if office.jurisdiction_id else (office.short_name or office.name)
    place = re.sub(r"(自治县|自治州|新区|区|县|市|州|省)$", "", place) or place
    return f"{place}{NOTICE_WORD}"


def notice_number(office: Organization, project: AuditProject, unit: Organization | None, year: int) -> DocumentNumber:
    """The number of ``project``'s notice to ``unit`` (None: to all its units), allocated if new."""
    with transaction.atomic():
        sequence, _created = DocumentNumberSequence.objects.get_or_create(office=office, year=year)
        # The lock: every allocation for this office and year waits here for the one before it.
        sequence = DocumentNumberSequence.objects.select_for_update().get(pk=sequence.pk)
        existing = DocumentNumber.objects.filter(project=project, unit=unit).first()
        if existing is not None:
            return existing
        sequence.last += 1
        sequence.save(update_fields=["last"])
        return DocumentNumber.objects.create(
            office=office, year=year, serial=sequence.last, prefix=office_prefix(office), project=project, unit=unit
        )


# 代字 of the summary reports by the kind of the issuing body: the audit office's reports 审, the
# government's 府; a department or a unit uses its short name (区教委 → 黔江教委).
SUMMARY_WORDS = {"audit_office": "审", "government": "府"}


def _place(office: Organization) -> str:
    place = office.jurisdiction.name if office.jurisdiction_id else ""
    return re.sub(r"(自治县|自治州|新区|区|县|市|州|省)$", "", place) or place


def summary_prefix(issuer: Organization) -> str:
    word = SUMMARY_WORDS.get(issuer.kind)
    if word is None:
        word = re.sub(r"^(区|县|市)", "", issuer.short_name or issuer.name)
        place = _place(issuer)
        return word if word.startswith(place) else f"{place}{word}"
    return f"{_place(issuer)}{word}"


def summary_number(report, year: int):
    """The number of a summary report, allocated from its issuer's sequence for ``year`` if new."""
    from rectify.documents.models import SummaryReportNumber

    with transaction.atomic():
        sequence, _created = DocumentNumberSequence.objects.get_or_create(office=report.issuer, year=year)
        sequence = DocumentNumberSequence.objects.select_for_update().get(pk=sequence.pk)
        existing = SummaryReportNumber.objects.filter(report=report).first()
        if existing is not None:
            return existing
        sequence.last += 1
        sequence.save(update_fields=["last"])
        return SummaryReportNumber.objects.create(
            office=report.issuer, year=year, serial=sequence.last, prefix=summary_prefix(report.issuer), report=report
        )


INTERVIEW_WORD = "审谈"  # 审计约谈: the 代字 of the office's interview notices


def interview_number(interview, year: int):
    """The number of an interview notice, allocated from the audit office's sequence for ``year`` if new."""
    from rectify.documents.models import InterviewNoticeNumber

    office = interview.finding.project.audit_office
    with transaction.atomic():
        sequence, _created = DocumentNumberSequence.objects.get_or_create(office=office, year=year)
        sequence = DocumentNumberSequence.objects.select_for_update().get(pk=sequence.pk)
        existing = InterviewNoticeNumber.objects.filter(interview=interview).first()
        if existing is not None:
            return existing
        sequence.last += 1
        sequence.save(update_fields=["last"])
        return InterviewNoticeNumber.objects.create(
            office=office,
            year=year,
            serial=sequence.last,
            prefix=f"{_place(office)}{INTERVIEW_WORD}",
            interview=interview,
        )
