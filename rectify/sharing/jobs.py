"""Jobs of the sharing app, run by the worker (and inline in tests)."""

from __future__ import annotations


def send_digests() -> int:
    from rectify.sharing.services import send_digests as send

    return len(send())
