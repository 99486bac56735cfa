from __future__ import annotations

from rectify.findings.models import Finding
from rectify.rectification import services as rectification
from rectify.referrals import services
from rectify.testing import make_finding


def falsified(world, **overrides) -> Finding:
    """A finding of the world's unit whose report the auditor found falsely rectified (back to rectifying)."""
    finding = make_finding(world, "submitted", **overrides)
    report = finding.reports.get()
    rectification.verify(world["auditor"], report, verdict="false_rectification", reasons="佐证材料系事后补制")
    finding.refresh_from_db()
    return finding


def drafted(world, finding=None, recipient=None, ground="false_rectification"):
    finding = finding or falsified(world)
    return services.create_referral(
        world["auditor"], recipient=recipient or world.discipline, ground=ground, findings=[finding],
        facts="报送的整改情况与实际不符。", request="建议追责。",
    )  # fmt: skip


def sent(world, referral=None):
    referral = referral or drafted(world)
    services.approve_referral(world["auditlead"], referral)
    return services.send_referral(world["auditlead"], referral)
