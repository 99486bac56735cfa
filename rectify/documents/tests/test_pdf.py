"""The documents open in LibreOffice and convert to PDF with the standard's page and text block.

LibreOffice is installed by scripts/system-deps.sh; without it these tests skip, except in CI (the
CI variable set), where a missing LibreOffice is a failure.
"""

import itertools
import os
import time

import pytest

from rectify.documents import builder, fonts, pdf, services
from rectify.documents.tests.helpers import (
    pdf_base_fonts,
    pdf_lines_of_text,
    pdf_media_boxes,
    pdf_page_count,
    pdf_red_rules,
    pdf_text_lines,
    pdf_text_runs,
    rich_finding,
)
from rectify.testing import make_finding

MM = 72 / 25.4
A4 = (595.28, 841.89)
TEXT_TOP = A4[1] - 37 * MM  # 737.0 pt from the bottom of the page
TEXT_BOTTOM = 35 * MM  # 99.2 pt
TEXT_LEFT = 28 * MM  # 79.4 pt
TEXT_RIGHT = A4[0] - 26 * MM  # 521.6 pt


@pytest.fixture
def soffice():
    binary = pdf.soffice_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI: run scripts/system-deps.sh")
        pytest.skip("LibreOffice (soffice) is not installed; scripts/system-deps.sh installs it")
    return binary


@pytest.mark.django_db
def test_the_three_documents_convert_to_a4_pdf(world, soffice, tmp_path):
    finding = rich_finding(world)
    make_finding(world, state="rectifying", title="食堂收入未纳入单位预算")
    documents = {
        "notice": services.rectification_notice(world["auditor"], world.project),
        "close-out-sheet": services.close_out_sheet(world["auditor"], finding),
        "unit-report": services.unit_report(world["unit"], world.unit),
    }
    sources = []
    for name, document in documents.items():
        path = tmp_path / f"{name}.docx"
        path.write_bytes(document.content)
        sources.append(path)
    started = time.monotonic()
    pdfs = pdf.convert_to_pdf(sources, tmp_path / "pdf", timeout=120)
    elapsed = time.monotonic() - started
    print(f"LibreOffice converted {len(sources)} documents in {elapsed:.1f} s")
    for path in pdfs:
        content = path.read_bytes()
        assert content.startswith(b"%PDF-"), path
        assert pdf_page_count(content) >= 1, path
        boxes = pdf_media_boxes(content)
        assert boxes, path
        for width, height in boxes:
            assert width == pytest.approx(A4[0], abs=2) and height == pytest.approx(A4[1], abs=2), path
        # Every line of text starts inside the text block (a punctuation mark may hang at the right
        # edge, as Word and LibreOffice allow by default), and only page numbers lie below it.
        pages = pdf_text_lines(content)
        for number, page in enumerate(pages, start=1):
            if path.stem == "notice" and number == len(pages) - 1 and not page:
                continue  # the blank page before the 版记's even page
            assert page
            for line in page:
                assert TEXT_LEFT - 1 <= line.x < TEXT_RIGHT + 1, (path.name, line)
                if line.size != builder.PAGE_NUMBER_PT:
                    assert TEXT_BOTTOM - 1 <= line.y <= TEXT_TOP, (path.name, line)
        if not fonts.choose(fonts.BODY).official_installed and fonts.choose(fonts.BODY).fallback:
            # The official fonts are absent here: the PDF is drawn with the fallback chosen by fonts.py.
            embedded = " ".join(pdf_base_fonts(content)).replace(" ", "").lower()
            assert fonts.choose(fonts.BODY).fallback.replace(" ", "").lower()[:12] in embedded, embedded


def test_a_page_holds_22_lines_of_28_characters(soffice, tmp_path, settings):
    """What the standard means by its grid, measured in LibreOffice's rendering."""
    import datetime

    doc = builder.OfficialDocument(subject="版式测试")
    doc.title("版式测试")
    doc.addressee(["甲区第一中学"])
    for _ in range(20):
        doc.paragraph("审" * (28 * 3 - 2))  # three full lines: 26 after the indent, then 28 and 28
    doc.signature("甲区审计局", datetime.date(2025, 9, 3))
    source = tmp_path / "grid.docx"
    source.write_bytes(doc.to_bytes())
    (output,) = pdf.convert_to_pdf([source], tmp_path, timeout=120)
    pages = pdf_text_lines(output.read_bytes())
    assert len(pages) >= 3

    first = pages[0]
    title = [line for line in first if line.size == builder.TITLE_PT]
    assert len(title) == 1 and TEXT_TOP - 29 < title[0].y < TEXT_TOP
    # The title is centred in the 156 mm block: 4 characters of 22 pt.
    assert title[0].x == pytest.approx(TEXT_LEFT + (156 * MM - 4 * 22) / 2, abs=1)

    for number, page in enumerate(pages[1:-1], start=2):  # pages of body text only
        body = [line for line in page if line.size == builder.BODY_PT]
        baselines = sorted({round(line.y, 1) for line in body}, reverse=True)
        assert len(baselines) == 22, (number, baselines)
        steps = [a - b for a, b in itertools.pairwise(baselines)]
        assert all(s == pytest.approx(28.95, abs=0.2) for s in steps), steps
        assert TEXT_TOP - 29 < baselines[0] < TEXT_TOP and baselines[-1] > TEXT_BOTTOM
        full = [line for line in body if line.x == pytest.approx(TEXT_LEFT, abs=0.5)]
        indented = [line for line in body if line.x == pytest.approx(TEXT_LEFT + 2 * 15.75, abs=0.5)]
        assert full and indented and len(full) + len(indented) == len(body)
        assert {line.glyphs for line in full} == {28}
        assert {line.glyphs for line in indented} == {26}
        # Page numbers 7 mm below the text block: right on odd pages, left (one character in) on even.
        page_number = min((line for line in page if line.size == builder.PAGE_NUMBER_PT), key=lambda line: line.x)
        assert TEXT_BOTTOM - 10 * MM < page_number.y < TEXT_BOTTOM - 5 * MM
        if number % 2 == 0:
            assert page_number.x == pytest.approx(TEXT_LEFT + 14, abs=1)
        else:
            assert page_number.x > TEXT_RIGHT - 14 - 50


def test_conversion_reports_failure_clearly(tmp_path, settings):
    settings.RECTIFY_SOFFICE = str(tmp_path / "no-such-soffice")
    source = tmp_path / "x.docx"
    source.write_bytes(b"not a document")
    with pytest.raises(pdf.ConversionError, match="could not be started"):
        pdf.convert_to_pdf([source], tmp_path / "out", timeout=10)


@pytest.mark.django_db
def test_the_close_out_sheet_fits_one_page_with_its_signature_block(world, soffice, tmp_path):
    finding = rich_finding(world)
    source = tmp_path / "close-out-sheet.docx"
    source.write_bytes(services.close_out_sheet(world["auditor"], finding).content)
    (output,) = pdf.convert_to_pdf([source], tmp_path, timeout=120)
    content = output.read_bytes()
    assert pdf_page_count(content) == 1
    (page,) = pdf_text_lines(content)
    # The signature block is the form's last row: its lines are on the page, inside the text block.
    assert min(line.y for line in page if line.size != builder.PAGE_NUMBER_PT) >= TEXT_BOTTOM - 1


@pytest.mark.django_db
def test_the_rendered_documents_have_their_header_number_and_page_numbers(world, soffice, tmp_path):
    """Each document drawn by LibreOffice, read back as text: the notice's red 版头, its 发文字号 and red
    separator line, the 版记 at its end; every page of every document numbered "— N —"; pages counted."""
    import re

    finding = rich_finding(world)
    open_ = make_finding(world, state="rectifying", title="食堂收入未纳入单位预算")
    documents = {
        "notice": services.rectification_notice(world["auditor"], world.project),
        "close-out-sheet": services.close_out_sheet(world["auditor"], finding),
        "unit-report": services.unit_report(world["unit"], world.unit),
    }
    sources = []
    for name, document in documents.items():
        path = tmp_path / f"{name}.docx"
        path.write_bytes(document.content)
        sources.append(path)
    rendered = {path.stem: path.read_bytes() for path in pdf.convert_to_pdf(sources, tmp_path / "pdf", timeout=120)}

    pages_of = {}
    for name, content in rendered.items():
        pages = pdf_lines_of_text(content)
        pages_of[name] = pages
        assert len(pages) == pdf_page_count(content) >= 1, name
        for number, page in enumerate(pages, start=1):
            if not page:  # the blank page before the notice's 版记 page, which has no number
                assert (name, number) == ("notice", len(pages) - 1)
                continue
            # The page number is the lowest line of the page, "— N —" in 4号.
            assert page[-1].replace(" ", "") == f"{builder.EM_DASH}{number}{builder.EM_DASH}", (name, number, page[-1])
        text = "\n".join(line for page in pages for line in page)
        # A ledger number is drawn whole, never split at the end of a line.
        assert finding.ledger_number in text, name
        assert not [line for page in pages for line in page if line.endswith("-")], name

    assert len(pages_of["close-out-sheet"]) == 1
    # The body, the annex on a page of its own, the 版记 on the last page, an even one.
    assert len(pages_of["notice"]) in (4, 6)
    assert len(pages_of["unit-report"]) <= 4

    # The notice's 版头: the office's mark in red, first on page 1; the number; the red line between
    # the number and the title, across the text block.
    notice = rendered["notice"]
    first = pdf_text_runs(notice)[0]
    mark = [run for run in first if run.red]
    assert "".join(run.text for run in mark) == "甲区审计局文件"
    assert mark[0].y == max(run.y for run in first)
    year = services.local_today().year
    lines = pages_of["notice"][0]
    assert lines[0] == "甲区审计局文件" and lines[1] == f"甲审改〔{year}〕1号" and lines[2] == "审计整改通知书"
    number_y = next(run.y for run in first if run.text.startswith("甲审改"))
    title_y = next(run.y for run in first if run.size == builder.TITLE_PT)
    (rule,) = pdf_red_rules(notice)[0]
    x_from, x_to, y, _width = rule
    assert x_from == pytest.approx(TEXT_LEFT, abs=1) and x_to == pytest.approx(TEXT_RIGHT, abs=1)
    assert title_y < y < number_y
    assert not any(pdf_red_rules(rendered[name])[0] for name in ("close-out-sheet", "unit-report"))
    # The annex and, at the very end, the 版记.
    last = pages_of["notice"][-1]
    assert any(line.startswith("审计查出问题清单") for page in pages_of["notice"][1:] for line in page)
    imprint = [line for line in last if line.endswith("印发")]
    assert imprint and imprint[0].startswith("甲区审计局办公室"), last
    assert open_.ledger_number in "\n".join(line for page in pages_of["notice"] for line in page)
    assert re.search(r"甲审改〔\d{4}〕\d+号", "\n".join(lines))


def black_rules(pdf_bytes: bytes) -> list[list[tuple[float, float, float, float]]]:
    """The black horizontal lines of each page, as (x from, x to, y, width in points)."""
    import re

    from rectify.documents.tests.helpers import _pdf_page_streams

    pattern = r"q ([\d.]+) w 0 J 1 j\s*([\d.]+) ([\d.]+) m\s*([\d.]+) ([\d.]+) l S"
    pages = []
    for text in _pdf_page_streams(pdf_bytes):
        rules = []
        for width, x1, y1, x2, y2 in re.findall(pattern, text):
            if abs(float(y1) - float(y2)) < 0.1:
                rules.append((min(float(x1), float(x2)), max(float(x1), float(x2)), float(y1), float(width)))
        pages.append(rules)
    return pages


@pytest.mark.django_db
def test_the_notice_imprint_is_at_the_foot_of_its_last_page_which_is_even(world, soffice, tmp_path):
    """GB/T 9704 7.4: the 版记 (抄送, 印发机关和印发日期, between its rules) at the foot of the last page,
    the last rule on the bottom edge of the text block; the last page even, after a blank page without
    a number when the text ends on an even page. One notice of each kind."""
    from rectify.audits.choices import AuditType
    from rectify.testing import make_project

    rich_finding(world)  # a notice of three pages of text: the 版记 page follows as the fourth
    longer = make_project(world, world.office_a, [world.unit], AuditType.SPECIAL_FUND)
    # A notice whose text (a long description) ends on an even page.
    make_finding(world, state="issued", project=longer, title="专项资金未按规定用途使用", description="说明" * 120)
    sources = []
    for name, project in (("short", world.project), ("long", longer)):
        path = tmp_path / f"{name}.docx"
        path.write_bytes(services.rectification_notice(world["auditor"], project).content)
        sources.append(path)
    rendered = {path.stem: path.read_bytes() for path in pdf.convert_to_pdf(sources, tmp_path / "pdf", timeout=120)}

    blank_before = {}
    for name, content in rendered.items():
        pages = pdf_lines_of_text(content)
        assert len(pages) % 2 == 0, (name, len(pages))
        last = pages[-1]
        # The 版记 alone on its page: 抄送, then 印发机关 and 印发日期 on one line, then the page number.
        assert last[0] == "抄送：甲区教育委员会。", name
        assert last[1] == f"甲区审计局办公室{builder.chinese_date(services.local_today())}印发", name
        assert last[2].replace(" ", "") == f"{builder.EM_DASH}{len(pages)}{builder.EM_DASH}"
        blank_before[name] = not pages[-2]
        runs = pdf_text_runs(content)[-1]
        issuer = next(run for run in runs if run.text.startswith("甲区审计局"))
        assert issuer.x == pytest.approx(TEXT_LEFT + builder.CELL_MARGIN_TW / 20 + 14, abs=1)  # one character in
        assert TEXT_BOTTOM < issuer.y < TEXT_BOTTOM + 21  # on the last line of the text block
        rules = black_rules(content)[-1]
        assert len(rules) == 3, rules  # above 抄送, between, below 印发
        (top, middle, bottom) = sorted(rules, key=lambda rule: -rule[2])
        for x_from, x_to, _y, _w in rules:  # across the text block
            assert x_from == pytest.approx(TEXT_LEFT, abs=1) and x_to == pytest.approx(TEXT_RIGHT, abs=1)
        assert top[3] > middle[3] and bottom[3] > middle[3]  # thick, thin, thick
        assert bottom[2] == pytest.approx(TEXT_BOTTOM, abs=3)  # on the bottom edge of the text block
        assert bottom[2] < issuer.y < middle[2] < top[2]
    # The short notice's text ends on an odd page, the long one's on an even page.
    assert blank_before == {"short": False, "long": True}
