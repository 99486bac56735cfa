"""Reading generated documents back: the .docx with python-docx, the PDF with a few regular expressions."""

from __future__ import annotations

import datetime
import io
import re
import zlib
from dataclasses import dataclass
from decimal import Decimal

import docx
from docx.oxml.ns import qn

from rectify.testing import World, finding_data, upload

MM_PER_EMU = 1 / 36000


def open_docx(content: bytes):
    return docx.Document(io.BytesIO(content))


def mm(length) -> float:
    return length * MM_PER_EMU


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def east_asia_font(run) -> str | None:
    rpr = run._r.rPr
    if rpr is None or rpr.rFonts is None:
        return None
    return rpr.rFonts.get(qn("w:eastAsia"))


def style_east_asia_font(style) -> str | None:
    rpr = style.element.rPr
    return None if rpr is None or rpr.rFonts is None else rpr.rFonts.get(qn("w:eastAsia"))


def rich_finding(world: World, **overrides):
    """A phased finding with a plan, a report with money by two methods, a rule and a person held
    accountable, verified as rectified and closed out."""
    from rectify.findings import services as findings
    from rectify.rectification import services as rectification

    auditor, contact = world["auditor"], world["unit"]
    data = finding_data(
        world,
        title="公务用车运行维护费超预算列支",
        description="2024年度该单位公务用车运行维护费实际支出超出预算38万元，超支部分在其他科目中列支。",
        legal_basis="《党政机关厉行节约反对浪费条例》第二十条",
        requirements=["收回超预算列支的资金", "修订公务用车管理办法"],
        amount_involved=Decimal("380000.00"),
        kind="phased",
        deadline=datetime.date(2025, 12, 31),
    )
    data.update(overrides)
    finding = findings.create_finding(auditor, allow_past_deadline=True, **data)
    findings.issue_finding(auditor, finding)
    rectification.submit_plan(
        contact,
        finding,
        measures="清理超支款项，修订公务用车管理办法",
        responsible_person="李四",
        responsible_department="财务科",
        planned_completion=datetime.date(2025, 11, 30),
    )
    report = rectification.submit_report(
        contact,
        finding,
        measures="已将超支款项分别上缴财政和归还原资金渠道",
        progress="全部整改完成",
        amounts={"amount_to_treasury": "200000.00", "amount_returned_to_source": "180000.00"},
        rules=[{"title": "公务用车管理办法", "document_number": "甲一中〔2025〕12号"}],
        accountability=[{"person_name": "王五", "position": "总务处主任", "outcome": "criticism"}],
        evidence=[upload()],
    )
    rectification.verify(
        auditor, report, verdict="rectified", reasons="资金已收回，制度已修订", verified_amount="380000.00"
    )
    finding.refresh_from_db()
    return finding


# --- PDF -------------------------------------------------------------------------------------------


@dataclass
class TextLine:
    x: float
    y: float
    size: float
    glyphs: int


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def pdf_media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    return [(float(x2) - float(x1), float(y2) - float(y1)) for x1, y1, x2, y2 in boxes]


def pdf_base_fonts(pdf: bytes) -> set[str]:
    return {m.decode("latin-1") for m in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", pdf)}


def pdf_text_lines(pdf: bytes) -> list[list[TextLine]]:
    """The text-showing operations of each page as LibreOffice writes them (one ``x y Td /F n Tf``
    followed by a TJ array or a Tj string per run of text), in page order.

    LibreOffice subsets each font with one-byte codes, so every two hex digits are one glyph."""
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)}

    def stream(body: bytes) -> bytes:
        return _pdf_stream(body)

    pages = []
    for number in sorted(n for n, body in objects.items() if re.search(rb"/Type\s*/Page\b(?!s)", body)):
        contents = re.search(rb"/Contents\s+(\d+) 0 R", objects[number])
        text = stream(objects[int(contents.group(1))]).decode("latin-1")
        lines = []
        pattern = r"([-\d.]+) ([-\d.]+) Td /F\d+ ([\d.]+) Tf\s*(\[.*?\]TJ|<[0-9A-Fa-f]*>Tj)"
        for m in re.finditer(pattern, text, re.S):
            glyphs = sum(len(h) // 2 for h in re.findall(r"<([0-9A-Fa-f]+)>", m.group(4)))
            lines.append(TextLine(float(m.group(1)), float(m.group(2)), float(m.group(3)), glyphs))
        pages.append(lines)
    return pages


@dataclass
class TextRun:
    x: float
    y: float
    size: float
    text: str
    red: bool


def _pdf_objects(pdf: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)}


def _pdf_stream(body: bytes) -> bytes:
    """A stream's data, inflated. The pattern may take a final CR of the compressed data for the line end
    before ``endstream``; that byte belongs to the checksum, so the data is inflated without checking it."""
    data = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S).group(1)
    try:
        return zlib.decompressobj().decompress(data)
    except zlib.error:
        return data


def _pdf_page_streams(pdf: bytes) -> list[str]:
    objects = _pdf_objects(pdf)
    pages = []
    for number in sorted(n for n, body in objects.items() if re.search(rb"/Type\s*/Page\b(?!s)", body)):
        contents = re.search(rb"/Contents\s+(\d+) 0 R", objects[number])
        pages.append(_pdf_stream(objects[int(contents.group(1))]).decode("latin-1"))
    return pages


def _pdf_fonts(pdf: bytes) -> dict[str, dict[str, str]]:
    """Font resource name (F1) → {one-byte code (hex) → text}, from each font's ToUnicode CMap."""
    objects = _pdf_objects(pdf)
    fonts: dict[str, dict[str, str]] = {}
    for body in objects.values():
        if b"stream" in body:
            continue
        for name, ref in re.findall(rb"/(F\d+)\s+(\d+) 0 R", body):
            font = objects.get(int(ref), b"")
            cmap_ref = re.search(rb"/ToUnicode\s+(\d+) 0 R", font)
            if cmap_ref is None:
                continue
            cmap = _pdf_stream(objects[int(cmap_ref.group(1))]).decode("latin-1")
            codes = {}
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    codes[code.upper()] = bytes.fromhex(uni).decode("utf-16-be")
            for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
                for low, high, start in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    first = int.from_bytes(bytes.fromhex(start), "big")
                    for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                        codes[f"{code:02X}"] = chr(first + offset)
            fonts[name.decode()] = codes
    return fonts


def pdf_text_runs(pdf: bytes) -> list[list[TextRun]]:
    """The text of each page, run by run, decoded through the fonts' ToUnicode maps, with whether it
    is drawn in red (the fill colour ``1 0 0 rg`` LibreOffice sets before the run). A run starts at a
    ``Td`` or, where LibreOffice switches fonts within a line, at a ``1 0 0 1 x y Tm``."""
    fonts = _pdf_fonts(pdf)
    token = re.compile(
        r"(?P<rg>([\d.]+) ([\d.]+) ([\d.]+) rg)"
        r"|(?P<td>([-\d.]+) ([-\d.]+) Td)"
        r"|(?P<tm>1 0 0 1 ([-\d.]+) ([-\d.]+) Tm)"
        r"|(?P<tf>/(F\d+) ([\d.]+) Tf)"
        r"|(?P<show>\[.*?\]TJ|<[0-9A-Fa-f]*>Tj)",
        re.S,
    )
    pages = []
    for text in _pdf_page_streams(pdf):
        runs = []
        red, x, y, font, size = False, 0.0, 0.0, "", 0.0
        for m in token.finditer(text):
            if m.group("rg"):
                r, g, b = (float(v) for v in m.group(2, 3, 4))
                red = r > 0.9 and g < 0.1 and b < 0.1
            elif m.group("td"):
                x, y = float(m.group(6)), float(m.group(7))
            elif m.group("tm"):
                x, y = float(m.group(9)), float(m.group(10))
            elif m.group("tf"):
                font, size = m.group(12), float(m.group(13))
            else:
                codes = fonts.get(font, {})
                chars = "".join(
                    codes.get(hexes[i : i + 2].upper(), "?")
                    for hexes in re.findall(r"<([0-9A-Fa-f]+)>", m.group("show"))
                    for i in range(0, len(hexes), 2)
                )
                runs.append(TextRun(x, y, size, chars, red))
        pages.append(runs)
    return pages


def pdf_lines_of_text(pdf: bytes) -> list[list[str]]:
    """Each page's text as lines: the runs on one baseline joined left to right, top line first."""
    pages = []
    for runs in pdf_text_runs(pdf):
        by_line: dict[float, list[TextRun]] = {}
        for run in runs:
            by_line.setdefault(round(run.y), []).append(run)
        pages.append(
            [
                "".join(r.text for r in sorted(line, key=lambda r: r.x))
                for _y, line in sorted(by_line.items(), reverse=True)
            ]
        )
    return pages


def pdf_red_rules(pdf: bytes) -> list[list[tuple[float, float, float, float]]]:
    """The red horizontal lines of each page, as (x from, x to, y, width in points)."""
    pattern = r"1 0 0 RG\s*q ([\d.]+) w[^\n]*\n\s*([\d.]+) ([\d.]+) m\s*([\d.]+) ([\d.]+) l S"
    pages = []
    for text in _pdf_page_streams(pdf):
        rules = []
        for width, x1, y1, x2, y2 in re.findall(pattern, text):
            if abs(float(y1) - float(y2)) < 0.1:
                rules.append((min(float(x1), float(x2)), max(float(x1), float(x2)), float(y1), float(width)))
        pages.append(rules)
    return pages
