"""Each summary report as a GB/T 9704 Word document, converted to PDF in LibreOffice: its red 版头 with
the issuer's mark, the 发文字号 from the issuer's sequence, the red separator, the figures in 万元,
the 附件 line and the 版记, and every page numbered."""

from __future__ import annotations

import os

import docx
import pytest

from rectify.documents import builder, pdf
from rectify.documents.models import SummaryReportNumber
from rectify.documents.summaries import summary_report_document
from rectify.documents.tests.helpers import all_text, pdf_lines_of_text, pdf_page_count, pdf_red_rules, pdf_text_runs
from rectify.summaries import services
from rectify.summaries.tests.helpers import depthead, ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def soffice():
    binary = pdf.soffice_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI: run scripts/system-deps.sh")
        pytest.skip("LibreOffice (soffice) is not installed")
    return binary


def approved_reports(world) -> dict:
    rows = ledger(world)
    made = {}
    for kind, drafter, approver in (
        ("sector", world["dept"], depthead(world)),
        ("committee", world["auditor"], world["auditlead"]),
        ("government", world["auditor"], world["auditlead"]),
        ("congress", world["auditor"], world["gov"]),
    ):
        report = services.create_report(drafter, kind=kind, year=2025)
        services.submit_report(drafter, report)
        made[kind] = services.approve_report(approver, report)
    unit = services.create_report(world["unit"], kind="unit", findings=[rows["closed"], rows["overdue"]])
    services.submit_report(world["unit"], unit)
    made["unit"] = services.approve_report(world["unithead"], unit)
    return made


def test_the_documents_state_the_frozen_figures_in_wan_yuan(world):
    reports = approved_reports(world)
    text = all_text(docx.Document(__import__("io").BytesIO(summary_report_document(reports["congress"]).content)))
    assert "审计工作报告反映涉及2个方面、3个单位共计4项具体问题，问题资金113.00万元" in text
    assert "已整改1项、部分整改1项、正在整改2项，整改到位资金58.00万元" in text
    assert "（其中上缴财政20.00万元、归还原资金渠道38.00万元）" in text
    assert "未整改资金55.00万元；出台规章制度1个，追责问责2人。" in text
    assert "审计反映该方面问题涉及1个单位共计1项具体问题，问题资金50.00万元" in text
    assert "（一）财政收支方面的问题" in text and "三、尚未整改到位的问题及原因和下一步措施" in text
    assert "资金紧张" in text and "年底前全部归还" in text
    assert "附件：审计查出问题整改情况明细表" in text
    unit = all_text(docx.Document(__import__("io").BytesIO(summary_report_document(reports["unit"]).content)))
    assert "单位主要负责人：" + world["unithead"].display_name in unit
    assert "第1轮报送" in unit


def test_a_draft_has_no_number_and_an_approved_report_keeps_the_one_it_was_given(world):
    ledger(world)
    report = services.create_report(world["auditor"], kind="committee", year=2025)
    assert "（草稿，未编号）" in all_text(
        docx.Document(__import__("io").BytesIO(summary_report_document(report).content))
    )
    services.submit_report(world["auditor"], report)
    report = services.approve_report(world["auditlead"], report)
    first = summary_report_document(report)
    again = summary_report_document(report)
    number = SummaryReportNumber.objects.get(report=report).text
    assert number.startswith("甲审〔") and number.endswith("1号")
    for document in (first, again):
        assert number in all_text(docx.Document(__import__("io").BytesIO(document.content)))


def test_every_summary_report_converts_to_pdf_with_its_header_number_and_page_numbers(world, soffice, tmp_path):
    reports = approved_reports(world)
    sources = []
    for kind, report in reports.items():
        path = tmp_path / f"{kind}.docx"
        path.write_bytes(summary_report_document(report).content)
        sources.append(path)
    rendered = {p.stem: p.read_bytes() for p in pdf.convert_to_pdf(sources, tmp_path / "pdf", timeout=180)}
    assert set(rendered) == set(reports)
    for kind, content in rendered.items():
        report = reports[kind]
        pages = pdf_lines_of_text(content)
        assert len(pages) == pdf_page_count(content) >= 1, kind
        # The 版记 starts on an even page; LibreOffice keeps the blank page it inserts before it.
        assert len(pages) % 2 == 0, kind
        for number, page in enumerate(pages, start=1):
            if not page and number == len(pages) - 1:
                continue
            assert page and page[-1].replace(" ", "") == f"{builder.EM_DASH}{number}{builder.EM_DASH}", (
                kind,
                number,
                [p[-3:] for p in pages],
            )
        first = pdf_text_runs(content)[0]
        mark = "".join(run.text for run in first if run.red)
        assert mark == f"{report.issuer.name}文件", kind
        number_text = SummaryReportNumber.objects.get(report=report).text
        text = "\n".join(line for page in pages for line in page).replace(" ", "")
        assert number_text in text, kind
        if kind in ("committee", "government", "congress"):
            assert f"签发人：{report.approved_by.display_name}" in text, kind
        assert pdf_red_rules(content)[0], kind  # the red separator on page 1
        last = pages[-1]
        assert any(line.replace(" ", "").endswith("印发") for line in last), kind
