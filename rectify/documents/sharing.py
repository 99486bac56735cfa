"""An inspection tour's package for one unit as a Word summary (source 三(五)), GB/T 9704 layout: the
unit's findings by state, a table of the findings, and what the Excel workbook holds in detail."""

from __future__ import annotations

import logging
from collections import Counter

from rectify.core.jobs import enqueue
from rectify.documents.builder import OfficialDocument
from rectify.documents.services import GeneratedDocument, chinese_number, safe_filename
from rectify.sharing.package import Package

logger = logging.getLogger(__name__)

STATE_COLUMN = 10
TITLE_COLUMN = 5


def package_document(package: Package) -> GeneratedDocument:
    unit = package.unit.name
    findings = package.findings.rows
    title = f"{unit}审计查出问题及整改情况"
    doc = OfficialDocument(subject=title)
    doc.title(title)
    states = Counter(row[STATE_COLUMN] for row in findings)
    by_state = "，".join(f"{state}{count}个" for state, count in sorted(states.items()))
    doc.paragraph(
        f"截至{package.generated_at:%Y年%m月%d日}，本系统中{unit}可供查阅的审计查出问题共{len(findings)}个"
        + (f"，其中{by_state}。" if findings else "。")
    )
    doc.heading1(f"{chinese_number(1)}、问题清单")
    doc.table(
        ["问题编号", "审计年度", "问题摘要", "状态"],
        [[row[0], row[1], row[TITLE_COLUMN], row[STATE_COLUMN]] for row in findings],
        [45, 20, 70, 21],
    )
    doc.heading1(f"{chinese_number(2)}、资料包内容")
    for kind in package.sheets[1:]:
        doc.paragraph(f"{kind.title}：{len(kind.rows)}条（详见同时导出的 Excel 资料包“{kind.title}”工作表）。")
    filename = safe_filename(f"{unit}巡察资料包{package.generated_at:%Y%m%d}") + ".docx"
    return GeneratedDocument(
        filename=filename, content=doc.to_bytes(), ascii_filename=f"unit-package-{package.unit.pk}.docx"
    )


def build_inspection_package(package_id: int) -> str:
    """The job: builds the package asked for (``rectify.sharing.services.request_package``) as its requester
    sees the unit now, the workbook and the Word summary from the same rows, and stores both on it."""
    from django.core.files.base import ContentFile

    from rectify.exchange.sharing import package_workbook
    from rectify.sharing import services as sharing
    from rectify.sharing.models import InspectionPackage
    from rectify.sharing.package import unit_package

    record = InspectionPackage.objects.select_related("requested_by", "unit").get(pk=package_id)
    if not sharing.package_running(record.pk):
        return "done"
    try:
        package = unit_package(record.requested_by, record.unit)
        _name, workbook = package_workbook(package)
        document = package_document(package)
        sharing.package_built(
            record.pk,
            workbook=(f"package-{record.pk}.xlsx", ContentFile(workbook)),
            document=(f"package-{record.pk}.docx", ContentFile(document.content)),
            findings=len(package.findings.rows),
        )
    except Exception as error:
        logger.exception("inspection package %s failed", package_id)
        sharing.package_failed(record.pk, str(error))
        raise
    return "done"


def on_package_requested(event) -> None:
    """Subscriber: a package asked for is built by a job (the sharing app knows no documents)."""
    enqueue(build_inspection_package, event.object_id, group="documents")
