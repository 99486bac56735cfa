"""Jobs of the assessment app, run by the worker (and at once in tests)."""

from __future__ import annotations

from rectify.assessment import services


def compute_scheme(scheme_id: int, actor_id: int | None = None) -> dict[str, int]:
    """The whole year's computation of one scheme (queued by ``services.request_computation``)."""
    return services.compute_scheme(scheme_id, actor_id)
