"""How far an import has got, for the progress bar its page polls, and, once done, its outcome.

The preview runs inside the upload request; the confirmed import runs as a job on the queue
(``rectify.exchange.jobs.run_import``), in a worker process. Either writes its progress here and the
browser asks for it from other requests, possibly served by another process. So the record lives in
a cache every process shares: the cache named by RECTIFY_EXCHANGE_CACHE (Redis in production), else
a file-based cache under the var directory, which the processes of the embedded default share.

The record is found by its token alone, a random 128-bit value the upload and confirm forms carry.
What the progress bar shows is a phase and two counts; the record also keeps the id of the user who
started the import and, when a job has finished, its outcome, which only that user's page reads
(``outcome``). The browser asks for the bar without cookies: on the embedded SQLite database the
import holds the write lock while it writes, and a request that came with a session cookie would
try to save the session (SESSION_SAVE_EVERY_REQUEST) and wait for that lock.
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
    "queued": _("已提交，等待后台任务处理"),
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

    def __init__(self, token: str, interval: float = 0.5, owner: int | None = None) -> None:
        self.token = token
        self.interval = interval
        self.owner = owner
        self._last = 0.0
        self._phase = ""
        self._done = self._total = 0

    def _write(self, phase: str, done: int, total: int, finished: bool = False, outcome: dict | None = None) -> None:
        record = {"phase": phase, "done": done, "total": total, "finished": finished, "owner": self.owner}
        if outcome is not None:
            record["outcome"] = outcome
        store().set(_key(self.token), record, TIMEOUT)

    def step(self, phase: str, done: int, total: int) -> None:
        self._done, self._total = done, total
        now = time.monotonic()
        if phase != self._phase or now - self._last >= self.interval:
            self._phase = phase
            self._last = now
            self._write(phase, done, total)

    def finish(self) -> None:
        self._write(self._phase, self._done, self._total, finished=True)

    def complete(self, outcome: dict) -> None:
        """Finished, with what the import's page is to show (a job's result)."""
        self._write(self._phase, self._done, self._total, finished=True, outcome=outcome)


def outcome(token: str, user_id: int) -> dict | None:
    """The finished job's outcome, for the user who started it; None while it runs (or for anyone else)."""
    record = store().get(_key(token))
    if not record or record.get("owner") != user_id:
        return None
    return record.get("outcome")


def started_by(token: str, user_id: int) -> bool:
    record = store().get(_key(token))
    return bool(record) and record.get("owner") == user_id


def read(token: str) -> dict | None:
    """The record for ``token``, with its percentage and the phase's label; None before the first step."""
    record = store().get(_key(token))
    if not record:
        return None
    done = int(record.get("done") or 0)
    total = int(record.get("total") or 0)  # 0 while unknown (reading a file whose size in rows is not stated)
    total = max(total, done) if total else 0
    return {
        **{key: value for key, value in record.items() if key not in ("owner", "outcome")},
        "done": done,
        "total": total,
        "percent": 100 if record.get("finished") else (int(done * 100 / total) if total else 0),
        "label": PHASES.get(record.get("phase"), ""),
    }
