"""The door to the security audit log for every app, whatever its layer.

``rectify.security_log`` (a mechanism app) keeps the log and registers its recorder here when it is
loaded; apps below it (rectification's evidence downloads, for instance) record through this module
without importing it::

    from rectify.core import audit_log
    audit_log.record(request, "download", evidence, "success", name=evidence.original_name)

``actor`` is a request (its user and address are taken), a user, or None (the system). Kinds are listed
in ``rectify.security_log.choices.EventKind``; outcome is ``"success"`` or ``"failure"``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Recorder = Callable[..., Any]

_recorder: Recorder | None = None

SUCCESS = "success"
FAILURE = "failure"

# Set on a request whose export or download a view recorded itself, so the log's middleware does not
# record the same response again as a generic download.
RECORDED_ATTRIBUTE = "_security_log_recorded"


def register(recorder: Recorder) -> None:
    global _recorder
    _recorder = recorder


def record(actor: Any, kind: str, obj: Any = None, outcome: str = SUCCESS, **detail: Any) -> Any:
    """Appends one event to the security log (nothing when no log is installed)."""
    if _recorder is None:
        return None
    return _recorder(actor, kind, obj, outcome, **detail)
