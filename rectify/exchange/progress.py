"""How far a running import has got, for the progress bar the upload page polls.

The import runs inside the upload request; while it runs, that request writes its progress here and
the browser asks for it from other requests, possibly served by another process. So the record
lives in a cache every process shares: the cache named by RECTIFY_EXCHANGE_CACHE (Redis in
production), else a file-based cache under the var directory, which the processes of the embedded
default share.

The record is found by its token alone, a random 128-bit value the upload form carries, and holds
nothing but a phase and two counts. The browser asks for it without cookies: on the embedded SQLite
database the import holds the write lock for its whole transaction, and a request that came with a
session cookie would try to save the session (SESSION_SAVE_EVERY_REQUEST) and wait for that lock.
"""

from __future__ import annotations

import tempfile
import time
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.utils.translation import gettext_lazy as _

TIMEOUT = 60 * 60
PHASES = {
    "read": _("读取并校验文件"),
    "check": _("核对单位、类别与已有问题"),
    "apply": _("逐行写入（全部成功才保存）"),
    "preview": _("逐行预演（不保存）"),
}


@lru_cache(maxsize=1)
def _file_cache() -> FileBasedCache:
    base = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir()))
    return FileBasedCache(str(base / "cache" / "exchange-progress"), {"TIMEOUT": TIMEOUT})


def store():
    alias = getattr(settings, "RECTIFY_EXCHANGE_CACHE", None)
    return caches[alias] if alias else _file_cache()


def _key(token: str) -> str:
    return f"rectify:exchange:progress:{token}"


class Progress:
    """Written by the import as it goes; throttled so that a large file does not spend its time here."""

    def __init__(self, token: str, interval: float = 0.5) -> None:
        self.token = token
        self.interval = interval
        self._last = 0.0
        self._phase = ""
        self._done = self._total = 0

    def _write(self, phase: str, done: int, total: int, finished: bool = False) -> None:
        store().set(
            _key(self.token),
            {"phase": phase, "done": done, "total": total, "finished": finished},
            TIMEOUT,
        )

    def step(self, phase: str, done: int, total: int) -> None:
        self._done, self._total = done, total
        now = time.monotonic()
        if phase != self._phase or now - self._last >= self.interval:
            self._phase = phase
            self._last = now
            self._write(phase, done, total)

    def finish(self) -> None:
        self._write(self._phase, self._done, self._total, finished=True)


def read(token: str) -> dict | None:
    """The record for ``token``, with its percentage and the phase's label; None before the first step."""
    record = store().get(_key(token))
    if not record:
        return None
    done = int(record.get("done") or 0)
    total = int(record.get("total") or 0)  # 0 while unknown (reading a file whose size in rows is not stated)
    total = max(total, done) if total else 0
    return {
        **record,
        "done": done,
        "total": total,
        "percent": 100 if record.get("finished") else (int(done * 100 / total) if total else 0),
        "label": PHASES.get(record.get("phase"), ""),
    }
