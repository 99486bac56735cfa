"""Jobs of the reporting app, run by the worker (and inline in tests)."""

from __future__ import annotations

from rectify.reporting import services
from rectify.reporting.sweep import sweep


def sync_finding(finding_id: int) -> int:
    return len(services.sync_obligations(finding_id))


def meet_report(report_id: int) -> int:
    return len(services.meet_with_report(report_id))


def daily_sweep() -> str:
    return sweep().summary()
