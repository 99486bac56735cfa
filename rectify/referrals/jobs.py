"""Jobs of the referrals app, run by the worker (and inline in tests)."""

from __future__ import annotations

from rectify.referrals import services


def flag_overdue_feedback() -> int:
    """Daily: notifies the audit office, once, of each referral whose feedback is past its due date."""
    return services.flag_overdue_feedback()
