"""Document batches: asked for in a request, built by a job, downloaded as one ZIP file.

The request only records what was asked (the objects the requester sees now) and queues the job;
the job builds each document through the same service as a single download, as the requester, and
reports its progress on the batch row, which the batch's page polls.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.exceptions import ActionRefused
from rectify.core.jobs import enqueue
from rectify.documents import services
from rectify.documents.models import BatchKind, BatchStatus, DocumentBatch

if TYPE_CHECKING:
    from rectify.accounts.models import User

# A batch larger than this is refused: narrow the selection.
MAX_DOCUMENTS = 2000


def request_project_notices(user: User, project, *, return_url: str = "") -> DocumentBatch:
    """Every audited unit's notice of ``project``, one document per unit that has issued problems."""
    from rectify.findings.models import Finding

    visible = Finding.objects.restrict(user).filter(project=project).exclude(state="draft")
    unit_ids = sorted(set(visible.values_list("unit_id", flat=True)))
    if not unit_ids:
        raise ActionRefused(_("该项目没有可列入审计整改通知书的已下达问题。"), code="invalid_state")
    return _request(
        user,
        BatchKind.PROJECT_NOTICES,
        _("%(project)s 各单位审计整改通知书") % {"project": project.name},
        [project.pk, *unit_ids],
        total=len(unit_ids),
        return_url=return_url,
    )


def request_close_out_sheets(user: User, findings, *, return_url: str = "") -> DocumentBatch:
    """The close-out sheets of the verified findings among ``findings`` (a queryset the user sees)."""
    from rectify.findings.models import Finding
    from rectify.rectification.models import Verification

    ids = list(
        Finding.objects.restrict(user)
        .filter(pk__in=findings.values("pk"))
        .filter(pk__in=Verification.objects.values("finding_id"))
        .order_by("pk")
        .values_list("pk", flat=True)[: MAX_DOCUMENTS + 1]
    )
    if not ids:
        raise ActionRefused(_("当前筛选范围内没有已核实认定的问题，无对账销号单可生成。"), code="invalid_state")
    if len(ids) > MAX_DOCUMENTS:
        raise ActionRefused(
            _("一次最多生成 %(max)d 份对账销号单，请缩小筛选范围。") % {"max": MAX_DOCUMENTS}, code="invalid"
        )
    title = _("对账销号单（%(count)d 份）") % {"count": len(ids)}
    return _request(user, BatchKind.CLOSE_OUT_SHEETS, title, ids, total=len(ids), return_url=return_url)


def _request(
    user: User, kind: str, title: str, object_ids: Sequence[int], *, total: int, return_url: str
) -> DocumentBatch:
    with transaction.atomic():
        batch = DocumentBatch.objects.create(
            requested_by=user,
            kind=kind,
            title=title[:200],
            object_ids=list(object_ids),
            total=total,
            return_url=return_url[:1000],
        )
        transaction.on_commit(lambda: enqueue(build_batch, batch.pk, group="documents"))
    return batch


def build_batch(batch_id: int) -> str:
    """The job: builds every document of the batch into one ZIP, reporting progress as it goes."""
    batch = DocumentBatch.objects.select_related("requested_by").get(pk=batch_id)
    if batch.status == BatchStatus.DONE:
        return batch.status  # a job run twice does the work once
    DocumentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, done=0)
    try:
        with tempfile.TemporaryFile() as handle:
            skipped = _write_zip(batch, handle)
            handle.seek(0)
            batch.file.save(f"batch-{batch.pk}.zip", File(handle), save=False)
        DocumentBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.DONE, file=batch.file.name, skipped=skipped, finished_at=timezone.now()
        )
    except Exception as error:
        DocumentBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    return BatchStatus.DONE


def _documents(batch: DocumentBatch):
    """(label, build) for each document of the batch; each build fetches its object through the scope."""
    from rectify.audits.models import AuditProject
    from rectify.findings.models import Finding
    from rectify.organizations.models import Organization

    user = batch.requested_by
    if batch.kind == BatchKind.PROJECT_NOTICES:
        project_id, *unit_ids = batch.object_ids
        project = AuditProject.objects.restrict(user).get(pk=project_id)
        for unit in Organization.objects.restrict(user).filter(pk__in=unit_ids).order_by("pk"):
            yield unit.name, lambda unit=unit: services.rectification_notice(user, project, unit)
    else:
        for finding in Finding.objects.restrict(user).filter(pk__in=batch.object_ids).order_by("pk"):
            yield finding.ledger_number, lambda finding=finding: services.close_out_sheet(user, finding)


def _write_zip(batch: DocumentBatch, handle) -> list[str]:
    skipped = []
    names = set()
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, (label, build) in enumerate(_documents(batch), start=1):
            try:
                document = build()
            except ActionRefused as refusal:
                skipped.append(f"{label}：{refusal.messages[0]}")
            else:
                name = document.filename
                while name in names:
                    name = f"{label}-{name}"
                names.add(name)
                archive.writestr(name, document.content)
            DocumentBatch.objects.filter(pk=batch.pk).update(done=done)
    return skipped
