"""The ledger's figures, asked in three queries, agree with a finding-by-finding reckoning."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings

from rectify.accounts.models import User
from rectify.findings.models import Finding
from rectify.ledger.figures import ledger_figures
from rectify.rectification.choices import AMOUNT_METHODS
from rectify.rectification.models import ProgressReport, Verification

ZERO = Decimal("0.00")


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker, tmp_path_factory):
    from rectify.demo.services import load_demo

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"), PASSWORD_HASHERS=fast),
    ):
        with transaction.atomic():
            load_demo(findings=120)
            yield
            transaction.set_rollback(True)


def reckoned(findings) -> tuple[dict[str, Decimal], Decimal]:
    """Money rectified by method and money verified, one finding at a time (the rules, spelled out)."""
    by_method = dict.fromkeys((field for field, _label in AMOUNT_METHODS), ZERO)
    verified = ZERO
    for finding in findings:
        for report in ProgressReport.objects.filter(finding=finding).counted():
            for field in by_method:
                by_method[field] += getattr(report, field)
        latest = Verification.objects.filter(finding=finding).order_by("-verified_at", "-pk").first()
        verified += latest.verified_amount if latest else ZERO
    return by_method, verified


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["auditor", "unit", "dept", "finance", "gov"])
def test_the_figures_agree_with_the_findings_one_by_one(demo_district, username):
    from rectify.findings.scopes import summary_findings

    findings = summary_findings(User.objects.get(username=username)).with_colour()
    figures = ledger_figures(findings)
    by_method, verified = reckoned(findings)
    assert verified > 0 and any(by_method.values())
    assert {field: amount for field, _label, amount in figures["amount_by_method"]} == by_method
    assert figures["amount_rectified"] == sum(by_method.values(), ZERO)
    assert figures["amount_verified"] == verified
    assert figures["total"] == findings.count()
    assert ProgressReport.objects.filter(verification__verdict="not_rectified").exists()  # the rule is exercised


@pytest.mark.django_db
def test_no_findings_give_zero_money(demo_district):
    figures = ledger_figures(Finding.objects.none())
    assert figures["total"] == 0 and figures["amount_rectified"] == ZERO and figures["amount_verified"] == ZERO


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["dept", "orgdept"])
def test_the_latest_reports_panel_lists_the_latest_reports_of_the_scope(demo_district, username):
    """The panel picks the findings reported last first (``last_reported_at``); the reports it lists are the
    latest of all the reports the user sees."""
    from rectify.accounts.choices import RoleCode
    from rectify.core.visibility import restrict
    from rectify.reporting.panels import LIST_LIMIT, routed_reports

    user = User.objects.get(username=username)
    roles = user.role_codes & {RoleCode.DEPT_SUPERVISOR, RoleCode.ORG_OFFICER}
    every = restrict(ProgressReport.objects.all(), user, roles=roles).order_by("-submitted_at", "-pk")
    assert every.count() > LIST_LIMIT  # more than the panel shows, so that it chooses
    assert [report.pk for report in routed_reports(user)["rows"]] == [report.pk for report in every[:LIST_LIMIT]]
