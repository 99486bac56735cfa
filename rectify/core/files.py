"""Stored files follow the transaction that stored them: no evidence of a rolled-back action stays behind.

A file is written to storage before the row that names it is committed. When the action then fails
(a rule checked later, a database error), its transaction rolls back and the file would be left
on disk, named by nothing. ``files_follow_transaction`` removes the files written during a block that
ends with an exception; the services that store files run inside it, outside their transaction.
The daily ``sweep_orphans`` remains for what no block caught (a process killed mid-way).

Only files newly written by the block are removed: content-addressed evidence already on disk (the
same file uploaded before) is reused, not rewritten, so it is never touched here.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.storage import FileSystemStorage, Storage

log = logging.getLogger(__name__)

_blocks: contextvars.ContextVar[tuple[list[tuple[Storage, str]], ...]] = contextvars.ContextVar(
    "rectify_file_blocks", default=()
)


def note_stored(storage: Storage, name: str) -> None:
    """Called for every file written: the innermost open block answers for it."""
    blocks = _blocks.get()
    if blocks:
        blocks[-1].append((storage, name))


@contextmanager
def files_follow_transaction() -> Iterator[None]:
    """Removes the files stored during the block if it ends with an exception (its transaction, inside
    the block, rolled back). On success, an enclosing block takes them over (it may still fail)."""
    written: list[tuple[Storage, str]] = []
    token = _blocks.set((*_blocks.get(), written))
    try:
        yield
    except BaseException:
        for storage, name in reversed(written):
            try:
                storage.delete(name)
            except Exception:  # a file that cannot be removed now is left for sweep_orphans
                log.warning("could not remove %s stored by a rolled-back action", name, exc_info=True)
        raise
    else:
        outer = _blocks.get()[:-1]
        if outer:
            outer[-1].extend(written)
    finally:
        _blocks.reset(token)


class TransactionalFileSystemStorage(FileSystemStorage):
    """The default storage: the file system, telling the open ``files_follow_transaction`` block of each file."""

    def _save(self, name, content):
        name = super()._save(name, content)
        note_stored(self, name)
        return name
