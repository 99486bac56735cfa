"""Circulars (通报, ``rectify.supervision``) as official documents in the GB/T 9704-2012 layout.

版头 with the committee office's mark in red and its 发文字号 (given when the circular is issued; a draft
reads "草稿" instead), the red separator, the title, 主送 (the recipients), the body (one paragraph a
line), the matters and findings it cites, the issuer and date, and the 版记 (抄送 the audit office).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from rectify.documents.builder import OfficialDocument
from rectify.documents.services import GeneratedDocument, safe_filename
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization
from rectify.supervision.models import Circular

DRAFT_NUMBER = "（草稿，未编号）"


def _issued_on(circular: Circular) -> datetime.date:
    when = circular.issued_at or circular.approved_at
    return timezone.localtime(when).date() if when else timezone.localdate()


def circular_document(circular: Circular) -> GeneratedDocument:
    """The circular as a .docx. The caller has fetched ``circular`` through the user's scope."""
    issuer = circular.issuer.name
    doc = OfficialDocument(subject=circular.title, author=issuer)
    doc.masthead(f"{issuer}文件", circular.number or DRAFT_NUMBER)
    doc.title(circular.title)
    doc.addressee([org.name for org in circular.recipients.order_by("kind", "name")])
    for line in circular.body.splitlines():
        if line.strip():
            doc.paragraph(line.strip())
    matters = list(circular.matters.order_by("pk"))
    if matters:
        doc.labelled("涉及的督办事项", "；".join(m.title for m in matters) + "。")
    findings = list(circular.findings.order_by("ledger_number"))
    if findings:
        doc.labelled("涉及的审计查出问题", "；".join(f"{f.ledger_number}{f.title}" for f in findings) + "。")
    issued = _issued_on(circular)
    doc.signature(issuer, issued)
    copies = list(
        Organization.objects.filter(
            jurisdiction_id=circular.issuer.jurisdiction_id, kind=OrganizationKind.AUDIT_OFFICE
        ).values_list("name", flat=True)
    )
    doc.imprint(issuer, issued, copies=copies)
    return GeneratedDocument(
        safe_filename(circular.title) + ".docx", doc.to_bytes(), ascii_filename=f"circular-{circular.pk}.docx"
    )
