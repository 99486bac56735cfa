"""The security audit log (安全审计, GB/T 22239-2019 level 3): who did what, when, from where, to which
object, with what outcome; every record chained to the one before by its SM3 hash."""

from __future__ import annotations

from typing import Any


def record(actor: Any, kind: str, obj: Any = None, outcome: str = "success", **detail: Any) -> Any:
    """``rectify.security_log.services.record``, importable before the app registry is ready."""
    from rectify.security_log.services import record as _record

    return _record(actor, kind, obj, outcome, **detail)
