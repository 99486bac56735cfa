"""The tallies' scheduled job: the colours recounted for the new day just after midnight, so that the
first reader of the day does not wait for it (``services.ensure_fresh`` would do it otherwise)."""

from __future__ import annotations

from rectify.tallies.services import ensure_fresh


def roll_over() -> None:
    ensure_fresh()
