"""A circular (通报) as a GB/T 9704 Word document, converted to PDF in LibreOffice: the red 版头 with the
committee office's mark, the 发文字号 given when it was issued, the red separator, the recipients, the
body, the 版记, and every page numbered."""

from __future__ import annotations

import os

import pytest

from rectify.documents import builder, pdf
from rectify.documents.circulars import DRAFT_NUMBER, circular_document
from rectify.documents.tests.helpers import (
    all_text,
    open_docx,
    pdf_lines_of_text,
    pdf_page_count,
    pdf_red_rules,
    pdf_text_runs,
)
from rectify.supervision.tests.helpers import issued_circular, make_circular, make_matter
from rectify.testing import make_finding

pytestmark = pytest.mark.django_db


@pytest.fixture
def soffice():
    binary = pdf.soffice_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI: run scripts/system-deps.sh")
        pytest.skip("LibreOffice (soffice) is not installed")
    return binary


def test_the_docx_states_number_recipients_body_and_citations(world):
    finding = make_finding(world, "rectifying")
    matter = make_matter(world)
    draft = make_circular(world, findings=[finding], matters=[matter])
    assert DRAFT_NUMBER in all_text(open_docx(circular_document(draft).content))
    circular = issued_circular(world, findings=[finding], matters=[matter])
    document = circular_document(circular)
    assert document.filename.endswith(".docx")
    text = all_text(open_docx(document.content))
    for expected in (
        f"{world.committee.name}文件", circular.number, circular.title, world.unit.name, world.dept.name,
        "部分单位审计整改工作推进缓慢", finding.ledger_number, matter.title, world.office_a.name, "印发",
    ):  # fmt: skip
        assert expected in text, expected


def test_the_circular_converts_to_pdf_with_its_red_header_number_and_page_numbers(world, soffice, tmp_path):
    circular = issued_circular(world)
    path = tmp_path / "circular.docx"
    path.write_bytes(circular_document(circular).content)
    (converted,) = pdf.convert_to_pdf([path], tmp_path / "pdf", timeout=180)
    content = converted.read_bytes()
    pages = pdf_lines_of_text(content)
    assert len(pages) == pdf_page_count(content) >= 1
    assert len(pages) % 2 == 0  # the 版记 ends on an even page
    for number, page in enumerate(pages, start=1):
        if not page and number == len(pages) - 1:
            continue  # the blank page LibreOffice keeps before the 版记's even page
        assert page and page[-1].replace(" ", "") == f"{builder.EM_DASH}{number}{builder.EM_DASH}", number
    first = pdf_text_runs(content)[0]
    assert "".join(run.text for run in first if run.red) == f"{world.committee.name}文件"
    text = "\n".join(line for page in pages for line in page).replace(" ", "")
    assert circular.number in text and circular.title in text
    assert pdf_red_rules(content)[0]  # the red separator on page 1
    assert any(line.replace(" ", "").endswith("印发") for line in pages[-1])
