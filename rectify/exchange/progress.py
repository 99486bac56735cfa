"""How far a running import has got, for the progress bar the upload page polls.

The import runs inside the upload request; while it runs, that request writes its progress here and
the browser asks for it from other requests, possibly served by another process. So the record
lives in a cache every process shares: the cache named by RECTIFY_EXCHANGE_CACHE (Redis in
production), else a file-based cache under the var directory, which the processes of the embedded
default share.
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

    def __init__(self, token: str, user_id: int, interval: float = 0.5) -> None:
        self.token = token
        self.user_id = user_id
        self.interval = interval
        self._last = 0.0
        self._phase = ""
        self._done = self._total = 0

    def _write(self, phase: str, done: int, total: int, finished: bool = False) -> None:
        store().set(
            _key(self.token),
            {"user": self.user_id, "phase": phase, "done": done, "total": total, "finished": finished},
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


def read(token: str, user_id: int) -> dict | None:
    """The record for ``token`` if it belongs to this user."""
    record = store().get(_key(token))
    if not record or record.get("user") != user_id:
        return None
    total = max(int(record.get("total") or 0), int(record.get("done") or 0))
    done = int(record.get("done") or 0)
    return {
        **record,
        "total": total,
        "percent": 100 if record.get("finished") else (int(done * 100 / total) if total else 0),
        "label": PHASES.get(record.get("phase"), ""),
    }
