"""The summary reports of the demo district: one in each state, the figures of every report equal to
figures recomputed here from the ledger rows of the same scope with plain queries, the Word document
and its PDF, the Excel annex, and the workbenches of those they were sent to."""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from rectify.audits.choices import AuditType
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.findings.warning import RUNNING_STATES, local_today
from rectify.rectification.choices import AMOUNT_METHODS, REJECTED_VERDICTS
from rectify.rectification.models import AccountabilityRecord, AdoptedRule, ProgressReport, Verification
from rectify.summaries.choices import SummaryKind, SummaryState
from rectify.summaries.models import SummaryReport

FINDINGS = 120
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from rectify.accounts.reference import ensure_roles
    from rectify.demo.services import load_demo
    from rectify.findings.reference import ensure_reference_data

    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast, AXES_ENABLED=False, RECTIFY_DEMO_MODE=True),
        transaction.atomic(),
    ):
        ensure_roles()
        ensure_reference_data()
        load_demo(findings=FINDINGS)
        yield
        transaction.set_rollback(True)


# --- the figures, recomputed with plain queries -----------------------------------------------------


def scope_rows(report: SummaryReport):
    """The ledger rows of the report's scope, written out again from its fields."""
    rows = Finding.objects.exclude(state=FindingState.DRAFT)
    if report.kind == SummaryKind.UNIT:
        return rows.filter(pk__in=[f.pk for f in report.findings.all()])
    if report.kind == SummaryKind.SECTOR:
        rows = rows.filter(unit_id__in=report.issuer.subtree_ids())
    else:
        rows = rows.filter(project__jurisdiction=report.issuer.jurisdiction)
    if report.kind == SummaryKind.CONGRESS:
        rows = rows.filter(project__type=AuditType.BUDGET_EXECUTION)
    if report.year:
        rows = rows.filter(project__year=report.year)
    return rows


def recount(rows) -> dict:
    today = local_today()
    findings = list(rows.select_related("category"))
    ids = [f.pk for f in findings]
    rounds = defaultdict(list)
    for report in ProgressReport.objects.filter(finding_id__in=ids):
        rejected = Verification.objects.filter(report=report, verdict__in=REJECTED_VERDICTS).exists()
        if not rejected:
            rounds[report.finding_id].append(report)
    by_method = {
        field: sum((getattr(r, field) for f in ids for r in rounds[f]), Decimal("0")) for field, _l in AMOUNT_METHODS
    }
    rectified = {f: sum((r.amount_rectified for r in rounds[f]), Decimal("0")) for f in ids}
    latest = {}
    for v in Verification.objects.filter(finding_id__in=ids).order_by("verified_at", "pk"):
        latest[v.finding_id] = v.verdict
    closed = sum(1 for f in findings if f.state == FindingState.CLOSED)
    partly = sum(1 for f in findings if latest.get(f.pk) == "partly_rectified" and f.state != FindingState.CLOSED)
    rules = {
        (r.report.finding_id, r.title, r.document_number)
        for r in AdoptedRule.objects.filter(report__finding_id__in=ids)
    }
    return {
        "count": len(findings),
        "units": len({f.unit_id for f in findings}),
        "areas": len({f.category.parent_id or f.category_id for f in findings}),
        "rectified": closed,
        "partly": partly,
        "in_progress": len(findings) - closed - partly,
        "overdue": sum(1 for f in findings if f.state in RUNNING_STATES and f.deadline and f.deadline < today),
        "long_term": sum(1 for f in findings if f.state == FindingState.LONG_TERM),
        "amount_involved": sum((f.amount_involved for f in findings), Decimal("0")),
        "amount_rectified": sum(rectified.values(), Decimal("0")),
        "amount_by_method": by_method,
        "amount_unrectified": sum(
            (max(f.amount_involved - rectified[f.pk], Decimal("0")) for f in findings), Decimal("0")
        ),
        "rules": len(rules),
        "people": AccountabilityRecord.objects.filter(report__finding_id__in=ids).count(),
        "repeats": rows.filter(repeats__isnull=False).distinct().count(),
    }  # fmt: skip


def assert_same(stored: dict, expected: dict, where: str) -> None:
    for key, value in expected.items():
        if key == "amount_by_method":
            assert {f: Decimal(a) for f, a in stored[key]} == value, where
        elif isinstance(value, Decimal):
            assert Decimal(stored[key]) == value, (where, key)
        else:
            assert stored[key] == value, (where, key)


def test_the_demo_holds_every_kind_in_every_state(demo):
    reports = SummaryReport.objects.filter(issuer__jurisdiction__code="QJ")
    assert {SummaryState.DRAFT, SummaryState.SUBMITTED, SummaryState.APPROVED, SummaryState.SENT} <= set(
        reports.values_list("state", flat=True)
    )
    sent = set(reports.filter(state=SummaryState.SENT).values_list("kind", flat=True))
    assert {SummaryKind.SECTOR, SummaryKind.COMMITTEE, SummaryKind.GOVERNMENT, SummaryKind.CONGRESS} <= sent
    assert reports.filter(kind=SummaryKind.UNIT, state=SummaryState.APPROVED).exists()
    for report in reports.filter(state__in=[SummaryState.APPROVED, SummaryState.SENT]):
        assert report.frozen_at is not None and report.approved_by is not None
        kinds = list(report.steps.values_list("kind", flat=True))
        assert kinds[:3] == ["drafted", "submitted", "approved"]


def test_every_figure_of_every_report_equals_the_ledger_rows_of_its_scope(demo):
    reports = SummaryReport.objects.filter(issuer__jurisdiction__code="QJ")
    assert reports.count() >= 7
    for report in reports:
        rows = scope_rows(report)
        where = f"{report.get_kind_display()} {report.year}"
        assert sorted(report.finding_ids) == sorted(rows.values_list("pk", flat=True)), where
        assert_same(report.figures["totals"], recount(rows), where)
        for group in report.figures.get("by_area", []):
            area = rows.filter(category__parent_id=group["area"]) | rows.filter(category_id=group["area"])
            assert_same(group, recount(area), f"{where} {group['name']}")
        for group in report.figures.get("by_unit", []):
            assert_same(group, recount(rows.filter(unit_id=group["unit"])), f"{where} {group['name']}")
        for group in report.figures.get("by_project", []):
            assert_same(group, recount(rows.filter(project_id=group["project"])), f"{where} {group['name']}")
        if report.kind in (SummaryKind.SECTOR, SummaryKind.COMMITTEE, SummaryKind.CONGRESS):
            open_ids = set(rows.exclude(state=FindingState.CLOSED).values_list("pk", flat=True))
            assert {item["id"] for item in report.figures["unrectified"]} == open_ids, where


def test_the_excel_annex_lists_the_rows_behind_the_figures_and_adds_up_to_them(demo):
    from rectify.exchange.summaries import COLUMNS, summary_annex

    for report in SummaryReport.objects.filter(issuer__jurisdiction__code="QJ", state=SummaryState.SENT):
        _name, content = summary_annex(report)
        sheet = openpyxl.load_workbook(io.BytesIO(content))["问题明细"]
        header = [c.value for c in sheet[1]]
        lines = list(sheet.iter_rows(min_row=2, values_only=True))
        body, total = lines[:-1], lines[-1]
        assert total[0] == "合计"
        numbers = [line[header.index("问题编号")] for line in body]
        expected = list(
            scope_rows(report).order_by("project__year", "ledger_number").values_list("ledger_number", flat=True)
        )
        assert numbers == expected
        totals = report.figures["totals"]
        for key, column in (("amount_involved", "问题金额（元）"), ("amount_rectified", "整改到位资金（元）"),
                            ("amount_unrectified", "未整改资金（元）")):  # fmt: skip
            index = header.index(column)
            assert Decimal(str(total[index])).quantize(Decimal("0.01")) == Decimal(totals[key])
        assert total[header.index("出台规章制度（个）")] == totals["rules"]
        assert total[header.index("追责问责（人）")] == totals["people"]
        assert len(header) == len(COLUMNS) + 1
        for line in body:  # every cell of user text is text, never a formula
            for cell in line:
                assert not (isinstance(cell, str) and cell.startswith("="))


def test_the_congress_committee_and_government_workbenches_show_what_was_sent_to_them(demo):
    for username, kind in (("congress", "congress"), ("committee", "committee"), ("gov", "government")):
        client = Client()
        assert client.login(username=username, password=settings.RECTIFY_DEMO_PASSWORD)
        page = client.get("/workbench/").content.decode()
        report = SummaryReport.objects.get(issuer__jurisdiction__code="QJ", kind=kind, state=SummaryState.SENT)
        assert 'data-testid="summaries-received"' in page, username
        assert report.title in page.split('data-testid="summaries-received"')[1].split("</div>\n</div>")[0]
        # first on the page: above the figures of the jurisdiction
        assert page.index("summaries-received") < page.index('data-testid="figures"')
        detail = client.get(report.get_absolute_url())
        assert detail.status_code == 200
        assert client.get(f"/summaries/{report.pk}/document.docx").status_code == 200
        assert client.get(f"/summaries/{report.pk}/annex.xlsx").status_code == 200


def test_the_approvers_workbench_shows_the_report_awaiting_approval(demo):
    waiting = SummaryReport.objects.get(issuer__jurisdiction__code="QJ", state=SummaryState.SUBMITTED)
    client = Client()
    assert client.login(username="auditlead", password=settings.RECTIFY_DEMO_PASSWORD)
    page = client.get("/workbench/").content.decode()
    assert 'data-testid="awaiting-report"' in page and waiting.title in page
