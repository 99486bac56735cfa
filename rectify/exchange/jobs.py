"""The exchange's jobs on the queue (``rectify.core.jobs``): the confirmed ledger import.

The page that confirms an import only queues ``run_import`` and shows a progress bar; the job runs in
a worker (``rectify worker``; at once, in the calling thread, when the queue runs synchronously), reads
the upload kept since the preview, imports it through ``services.import_ledger`` and leaves the outcome
in the import's progress record, where the page finds it by the import's token.
"""

from __future__ import annotations

import logging

from django.utils import translation
from django.utils.translation import gettext as _

from rectify.core.request_context import request_id_context
from rectify.exchange import progress, services
from rectify.exchange.reader import LedgerError

logger = logging.getLogger(__name__)


def queue_import(
    *, path: str, sha256: str, name: str, user, token: str, request_id: str = "", language: str = ""
) -> str:
    """Queues the import of a kept upload; returns the job's id. The progress record says "queued" at once."""
    from rectify.core import jobs

    progress.Progress(token, owner=user.pk).step("queued", 0, 0)
    return jobs.enqueue(
        "rectify.exchange.jobs.run_import",
        path=path,
        sha256=sha256,
        name=name,
        user_id=user.pk,
        token=token,
        request_id=request_id,
        language=language,
        group="exchange.import",
    )


def outcome_of(result: services.ImportResult, user_id: int) -> dict:
    """What the page shows once the job is done, as plain data (it goes through the cache)."""
    return {
        "owner": user_id,
        "ok": result.ok,
        "name": result.name,
        "rows": result.rows,
        "created": len(result.created),
        "changed": len(result.changed),
        "unchanged": result.unchanged,
        "errors": [_error_data(error) for error in result.errors],
    }


def _error_data(error: LedgerError) -> dict:
    return {
        "message": str(error.message),
        "sheet": error.sheet,
        "row": error.row,
        "column": error.column,
        "header": str(error.header),
    }


def errors_of(outcome: dict) -> list[LedgerError]:
    return [LedgerError(**data) for data in outcome.get("errors", [])]


class _JobProgress(progress.Progress):
    """The import's progress, written for the page; the job says when it has finished, with the outcome."""

    def finish(self) -> None:
        pass


def run_import(
    *, path: str, sha256: str, name: str, user_id: int, token: str, request_id: str = "", language: str = ""
) -> dict:
    """Imports the kept upload ``path`` (if still there and unchanged) as the user ``user_id``.

    The history rows and events it writes carry the request id of the confirmation. Always leaves an
    outcome in the progress record, even when something unexpected fails (then re-raises, so that the
    queue records the failure too); the kept upload is removed once it has been read.
    """
    from rectify.accounts.models import User

    tracker = _JobProgress(token, owner=user_id)
    with translation.override(language or None), request_id_context(request_id or None, prefix="job-"):
        try:
            user = User.objects.select_related("organization").filter(pk=user_id, is_active=True).first()
            handle = services.open_stashed(path, sha256) if user is not None else None
            if handle is None:
                result = services.ImportResult(name=name, errors=[LedgerError(_("待导入的文件已失效，请重新上传。"))])
            else:
                try:
                    result = services.import_ledger(handle, user, name=name, progress=tracker)
                finally:
                    handle.close()
                    services.discard_stashed(path)
            outcome = outcome_of(result, user_id)
        except Exception:
            logger.exception("ledger import %s failed", token)
            failed = services.ImportResult(name=name, errors=[LedgerError(_("导入时发生系统错误，数据未作任何修改。"))])
            tracker.complete(outcome_of(failed, user_id))
            raise
        tracker.complete(outcome)
        return outcome
