"""A small builder of official documents laid out by GB/T 9704-2012 《党政机关公文格式》.

Geometry (section 5 of the standard): A4 paper; top margin (天头) 37 mm, binding-side margin (订口)
28 mm, text block (版心) 156 × 225 mm, so 35 mm at the bottom and 26 mm on the right. The body is
3号 仿宋 (16 pt) with 22 lines of 28 characters to the page; the title 2号 小标宋 (22 pt); level-1
headings 黑体, level-2 headings 楷体; the page number is 4号 半角宋体 (14 pt) between em dashes,
"— 1 —", 7 mm below the text block, on the right of odd pages and the left of even pages, one
character in from the edge of the text block.

How the 22 × 28 grid is written, so that Word, WPS and LibreOffice all draw it the same:

- 22 lines: a line grid (``w:docGrid w:type="lines" w:linePitch="579"``, 225 mm / 22 rounded down to
  whole twips) and exact line spacing of the same pitch on every paragraph;
- 28 characters: the text is condensed by 5 twips (``w:spacing w:val="-5"``), so a 3号 character
  advances 15.75 pt and 28 of them fill the 156 mm line (29 do not fit). Word's own "每行 28 字"
  character grid (``linesAndChars`` with ``w:charSpace="-842"``) is not used: LibreOffice gives each
  16 pt character two cells of a grid narrower than 16 pt and draws 14 characters to the line.

The title stays off the grid (a 22 pt line would take two grid lines in LibreOffice) with the same
exact pitch, so everything after it stays on the grid. Tables are in 4号 off the grid.
"""

from __future__ import annotations

import datetime
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, RGBColor, Twips
from docx.text.paragraph import Paragraph
from lxml import etree

from rectify.documents import fonts

# --- Geometry -----------------------------------------------------------------------------------

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 37
MARGIN_LEFT_MM = 28  # 订口 (binding side)
MARGIN_BOTTOM_MM = 35
MARGIN_RIGHT_MM = 26
TEXT_WIDTH_MM = 156
TEXT_HEIGHT_MM = 225
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
PAGE_NUMBER_BELOW_TEXT_MM = 7  # 一字线上距版心下边缘 7 mm

# Sizes in points: 2号 22, 3号 16, 4号 14.
TITLE_PT = 22
BODY_PT = 16
PAGE_NUMBER_PT = 14
TABLE_PT = 14  # tables and forms in 4号, so that a form of several columns fits the 156 mm block

CELL_MARGIN_TW = 85  # 1.5 mm
EM_DASH = "\u2014"

# 版头 (7.2): the issuing office's mark (发文机关标志) in red 小标宋, centred, at most the width of the
# text block; two blank lines below it the document number (发文字号), centred; 4 mm below that the red
# separator line (红色分隔线) as wide as the text block. 版记 (7.4): 4号 仿宋 between thin rules.
RED = "FF0000"
MASTHEAD_PT = 36  # 小初; a longer name is set smaller so that it fits on one line
SEPARATOR_EIGHTHS = 12  # 1.5 pt, w:sz counts eighths of a point
SEPARATOR_GAP_PT = 11  # ≈ 4 mm between the document number and the red line
IMPRINT_PT = 14
IMPRINT_LINE_TW = round(IMPRINT_PT * 1.5 * 20)  # one line of the 版记, exactly
IMPRINT_THICK_EIGHTHS = 8  # 首条和末条分隔线: 0.35 mm ≈ 1 pt
IMPRINT_THIN_EIGHTHS = 6  # 中间的分隔线: 0.25 mm ≈ 0.75 pt
TINY_PARAGRAPH_TW = 20  # an empty paragraph that must take no line: 1 pt high
IMPRINT_SLACK_TW = 20  # so that rounding in a reader never pushes the 版记 onto another page


def _twips(mm: float) -> int:
    return Mm(mm).twips


PAGE_WIDTH_TW = _twips(PAGE_WIDTH_MM)  # 11906
PAGE_HEIGHT_TW = _twips(PAGE_HEIGHT_MM)  # 16838
MARGIN_TOP_TW = _twips(MARGIN_TOP_MM)  # 2098
MARGIN_LEFT_TW = _twips(MARGIN_LEFT_MM)  # 1587
MARGIN_BOTTOM_TW = _twips(MARGIN_BOTTOM_MM)  # 1984
MARGIN_RIGHT_TW = _twips(MARGIN_RIGHT_MM)  # 1474
TEXT_HEIGHT_TW = PAGE_HEIGHT_TW - MARGIN_TOP_TW - MARGIN_BOTTOM_TW  # 12756 twips = 225.0 mm
TEXT_WIDTH_TW = PAGE_WIDTH_TW - MARGIN_LEFT_TW - MARGIN_RIGHT_TW  # 8845 twips = 156.0 mm

# Line pitch: 225 mm / 22 = 28.99 pt; rounded down to whole twips so that 22 lines always fit:
# 579 twips = 28.95 pt, the value Word itself computes for "22 lines per page" on this block.
LINE_PITCH_TW = TEXT_HEIGHT_TW // LINES_PER_PAGE  # 579
# Character pitch: 156 mm / 28 = 15.79 pt, a little less than the 16 pt of 3号. The characters are
# condensed by a whole number of twips (the unit of w:spacing) so that 28 of them fit and 29 do not:
# 16 pt - 5 twips = 15.75 pt, 28 × 15.75 = 441 pt ≤ 442.25 pt; justification spreads the rest.
CHAR_PITCH_TW = TEXT_WIDTH_TW // CHARS_PER_LINE  # 315
CHAR_CONDENSE_TW = CHAR_PITCH_TW - BODY_PT * 20  # -5: w:spacing of the body text, in twips
# What Word's 文档网格 "每行 28 字" would store, kept for reference (see _page_setup for why the
# character grid itself is not switched on).
CHAR_SPACE = math.floor((TEXT_WIDTH_TW / 20 / CHARS_PER_LINE - BODY_PT) * 4096)  # -842

# The page number's em dash sits 7 mm below the text block; with an exact 14 pt line the dash is at
# about half the line's height above the footer's bottom edge.
FOOTER_DISTANCE_MM = MARGIN_BOTTOM_MM - PAGE_NUMBER_BELOW_TEXT_MM - (PAGE_NUMBER_PT * 25.4 / 72) / 2  # ≈ 25.5
HEADER_DISTANCE_MM = 15

# --- Style names ----------------------------------------------------------------------------------

STYLE_MASTHEAD = "发文机关标志"
STYLE_TITLE = "公文标题"
STYLE_BODY = "公文正文"
STYLE_ADDRESSEE = "主送机关"
STYLE_SIGNATURE = "发文机关署名"
STYLE_TABLE = "表格文字"
STYLE_TABLE_HEADING = "表格标题行"
STYLE_HEADING_1 = "Heading 1"  # the built-in heading styles, so Word's navigation pane shows them
STYLE_HEADING_2 = "Heading 2"
STYLE_PAGE_NUMBER = "页码"
STYLE_IDS = {
    STYLE_MASTHEAD: "GBMasthead",
    STYLE_TITLE: "GBTitle",
    STYLE_BODY: "GBBody",
    STYLE_ADDRESSEE: "GBAddressee",
    STYLE_SIGNATURE: "GBSignature",
    STYLE_TABLE: "GBTableText",
    STYLE_TABLE_HEADING: "GBTableHeading",
    STYLE_PAGE_NUMBER: "GBPageNumber",
}


def chinese_date(value: datetime.date) -> str:
    """成文日期 as the 2012 standard writes it: Arabic numerals, full year, no padded month or day."""
    return f"{value.year}年{value.month}月{value.day}日"


def text_width(text: str) -> float:
    """Width of ``text`` in body characters: full-width characters count 1, ASCII (half-width) 0.5."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch != EM_DASH else 1 for ch in text)


def one_line_mm(texts: Iterable[str], size_pt: float = TABLE_PT) -> float:
    """Width in mm of a table column in which the longest of ``texts`` stays on one line at
    ``size_pt``: the text, the cell's margins and 1 mm to spare (an amount must not break)."""
    widest = max((text_width(t) for t in texts), default=0)
    return widest * size_pt * 25.4 / 72 + 2 * CELL_MARGIN_TW / 56.7 + 1


@dataclass
class Cell:
    """One cell of a form: text, how many grid columns it spans, and whether it is a label."""

    text: str
    span: int = 1
    label: bool = False
    align: str = "left"  # left, center, right


# --- Low-level XML helpers ------------------------------------------------------------------------


def _set(element, tag: str, **attrs):
    """Child ``tag`` of ``element``, appended if absent, with ``attrs`` (names without prefix) set.
    Callers that may append out of schema order sort the children afterwards (_reorder, _reorder_ppr)."""
    child = element.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        element.append(child)
    for key, value in attrs.items():
        child.set(qn(f"w:{key}"), str(value))
    return child


def _apply_fonts(
    rpr, name: str, size_pt: float | None = None, bold: bool | None = None, condense_tw: int | None = None
) -> None:
    """Names ``name`` for every script of a run or style (theme fonts removed), and sets the size and
    the character spacing (negative: condensed) in twips."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        if attr.endswith("Theme"):
            del rfonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attr}"), name)
    rfonts.set(qn("w:hint"), "eastAsia")
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            element = rpr.find(qn(tag))
            if element is not None:
                rpr.remove(element)
        if bold:
            rpr.append(OxmlElement("w:b"))
            rpr.append(OxmlElement("w:bCs"))
    if size_pt is not None:
        for tag in ("w:sz", "w:szCs"):
            element = rpr.find(qn(tag))
            if element is not None:
                rpr.remove(element)
        half_points = str(round(size_pt * 2))
        for tag in ("w:sz", "w:szCs"):
            element = OxmlElement(tag)
            element.set(qn("w:val"), half_points)
            rpr.append(element)
    if condense_tw is not None:
        _set(rpr, "w:spacing", val=condense_tw)
    # Keep the children in the order the schema wants (rFonts, b, bCs, …, color, sz, szCs, …, lang).
    _reorder(rpr)


_RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
    "em", "lang", "eastAsianLayout", "specVanish", "oMath",
]  # fmt: skip


def _reorder(rpr) -> None:
    rank = {qn(f"w:{tag}"): i for i, tag in enumerate(_RPR_ORDER)}
    children = list(rpr)
    children.sort(key=lambda el: rank.get(el.tag, len(rank)))
    for child in children:
        rpr.append(child)


def _paragraph_format(
    style_or_paragraph,
    *,
    line_twips: int | None = LINE_PITCH_TW,
    align=None,
    first_line_chars: int | None = None,
    left_chars: float | None = None,
    right_chars: float | None = None,
    before_twips: int = 0,
    after_twips: int = 0,
    snap_to_grid: bool = True,
    keep_with_next: bool = False,
    outline_level: int | None = None,
) -> None:
    fmt = style_or_paragraph.paragraph_format
    fmt.space_before = Twips(before_twips)
    fmt.space_after = Twips(after_twips)
    if line_twips is not None:
        fmt.line_spacing = Twips(line_twips)  # python-docx writes lineRule="exact" for a Length
    fmt.widow_control = False  # keeps every full page at exactly 22 lines
    fmt.keep_with_next = keep_with_next
    if align is not None:
        fmt.alignment = align
    ppr = style_or_paragraph._element.get_or_add_pPr()
    if not snap_to_grid:
        _set(ppr, "w:snapToGrid", val="0")
    # Indents in twips of the body's character pitch, so that indented text stays in the columns of the
    # 28-character lines (w:firstLineChars would count in unscaled 16 pt characters).
    ind = {}
    if first_line_chars is not None:
        ind["firstLine"] = first_line_chars * CHAR_PITCH_TW
    if left_chars is not None:
        ind["left"] = round(left_chars * CHAR_PITCH_TW)
    if right_chars is not None:
        ind["right"] = round(right_chars * CHAR_PITCH_TW)
    if ind:
        existing = ppr.find(qn("w:ind"))
        if existing is not None:
            ppr.remove(existing)
        element = OxmlElement("w:ind")
        for key, value in ind.items():
            element.set(qn(f"w:{key}"), str(value))
        ppr.append(element)
    if outline_level is not None:
        _set(ppr, "w:outlineLvl", val=outline_level)
    _reorder_ppr(ppr)


_PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
    "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
    "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
]  # fmt: skip


def _reorder_ppr(ppr) -> None:
    rank = {qn(f"w:{tag}"): i for i, tag in enumerate(_PPR_ORDER)}
    children = list(ppr)
    children.sort(key=lambda el: rank.get(el.tag, len(rank)))
    for child in children:
        ppr.append(child)


def _no_break_hyphens(run) -> None:
    """Writes each hyphen of ``run`` as ``w:noBreakHyphen``, so that a ledger number (QJ-2025-003-012)
    never breaks across lines; the text read back is unchanged."""
    r = run._r
    for t in list(r.findall(qn("w:t"))):
        if "-" not in (t.text or ""):
            continue
        anchor = t
        for number, part in enumerate(t.text.split("-")):
            if number:
                hyphen = OxmlElement("w:noBreakHyphen")
                anchor.addnext(hyphen)
                anchor = hyphen
            if part:
                piece = OxmlElement("w:t")
                piece.text = part
                if part != part.strip():
                    piece.set(qn("xml:space"), "preserve")
                anchor.addnext(piece)
                anchor = piece
        r.remove(t)


def _imprint_lines(text: str, width_tw: int, *, hanging: int) -> int:
    """How many lines ``text`` takes in 4号 in ``width_tw`` (continued lines ``hanging`` characters in),
    counting each character at its full 14 pt so as never to count too few."""
    per_char = IMPRINT_PT * 20
    capacity, lines, used = width_tw / per_char, 1, 0.0
    for ch in text:
        w = text_width(ch)
        if used + w > capacity:
            lines, used, capacity = lines + 1, 0.0, width_tw / per_char - hanging
        used += w
    return lines


_TBLPR_ORDER = [
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
    "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
]  # fmt: skip


def _order_tbl_pr(tbl_pr) -> None:
    rank = {qn(f"w:{tag}"): i for i, tag in enumerate(_TBLPR_ORDER)}
    for child in sorted(tbl_pr, key=lambda el: rank.get(el.tag, len(rank))):
        tbl_pr.append(child)


# --- The document ---------------------------------------------------------------------------------


class OfficialDocument:
    """One GB/T 9704 document. Call the methods in reading order, then ``to_bytes()``."""

    def __init__(self, *, subject: str, author: str = "") -> None:
        self.fonts = fonts.all_choices()
        self.document = Document()
        props = self.document.core_properties
        props.title = subject
        props.author = author
        props.last_modified_by = author
        props.language = "zh-CN"
        props.comments = "GB/T 9704-2012"
        self._page_setup()
        self._styles()
        self._page_numbers()
        self._font_table()

    # Fonts ----------------------------------------------------------------------------------------

    def font(self, role: str) -> str:
        return self.fonts[role].name

    # Setup ----------------------------------------------------------------------------------------

    def _page_setup(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Twips(PAGE_WIDTH_TW)
        section.page_height = Twips(PAGE_HEIGHT_TW)
        section.top_margin = Twips(MARGIN_TOP_TW)
        section.bottom_margin = Twips(MARGIN_BOTTOM_TW)
        section.left_margin = Twips(MARGIN_LEFT_TW)
        section.right_margin = Twips(MARGIN_RIGHT_TW)
        section.gutter = Twips(0)
        section.header_distance = Mm(HEADER_DISTANCE_MM)
        section.footer_distance = Mm(FOOTER_DISTANCE_MM)
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        # A line grid of 22 lines. The character grid (type "linesAndChars" with w:charSpace=-842) is
        # what Word's 文档网格 dialog writes, and Word draws 28 characters with it; but LibreOffice
        # gives every 16 pt character two cells of a grid narrower than 16 pt and draws 14. The 28
        # characters come instead from condensing the text by 5 twips (CHAR_CONDENSE_TW), which
        # Word, WPS and LibreOffice all draw the same.
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TW))
        grid.attrib.pop(qn("w:charSpace"), None)
        settings = self.document.settings
        settings.odd_and_even_pages_header_footer = True  # page number right on odd pages, left on even
        theme_lang = settings.element.find(qn("w:themeFontLang"))
        if theme_lang is None:
            theme_lang = OxmlElement("w:themeFontLang")
            settings.element.append(theme_lang)
        theme_lang.set(qn("w:val"), "en-US")
        theme_lang.set(qn("w:eastAsia"), "zh-CN")

    def _styles(self) -> None:
        styles = self.document.styles
        body = self.font(fonts.BODY)
        # Document defaults: the body font and size (the character grid is computed from this size).
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _apply_fonts(rpr, body, BODY_PT, condense_tw=CHAR_CONDENSE_TW)
        lang = _set(rpr, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
        lang.set(qn("w:eastAsia"), "zh-CN")
        ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        _set(ppr, "w:spacing", after="0", line=str(LINE_PITCH_TW), lineRule="exact")

        normal = styles["Normal"]
        _apply_fonts(normal.element.get_or_add_rPr(), body, BODY_PT, condense_tw=CHAR_CONDENSE_TW)
        _paragraph_format(normal, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

        def paragraph_style(name: str, role: str, size: float, condense_tw: int = CHAR_CONDENSE_TW, **fmt):
            try:
                style = styles[name]
            except KeyError:
                style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                style.style_id = STYLE_IDS[name]  # ASCII ids, as Word writes them; the names stay Chinese
            style.base_style = normal
            style.quick_style = True
            rpr = style.element.get_or_add_rPr()
            color = rpr.find(qn("w:color"))
            if color is not None:
                rpr.remove(color)
            _apply_fonts(rpr, self.font(role), size, bold=False, condense_tw=condense_tw)
            _paragraph_format(style, **fmt)
            return style

        center = WD_ALIGN_PARAGRAPH.CENTER
        # The title is kept off the line grid: a 22 pt line would otherwise take two grid lines in
        # LibreOffice; with exact spacing of one pitch it takes one, and what follows stays on the grid.
        paragraph_style(
            STYLE_TITLE,
            fonts.TITLE,
            TITLE_PT,
            condense_tw=0,
            align=center,
            after_twips=LINE_PITCH_TW,
            snap_to_grid=False,
        )
        paragraph_style(
            STYLE_MASTHEAD,
            fonts.TITLE,
            MASTHEAD_PT,
            condense_tw=0,
            align=center,
            line_twips=round(MASTHEAD_PT * 20 * 1.2),
            snap_to_grid=False,
        )
        paragraph_style(STYLE_BODY, fonts.BODY, BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2)
        paragraph_style(STYLE_ADDRESSEE, fonts.BODY, BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        paragraph_style(STYLE_SIGNATURE, fonts.BODY, BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph_style(
            STYLE_HEADING_1, fonts.HEADING_1, BODY_PT, first_line_chars=2, keep_with_next=True, outline_level=0
        )
        paragraph_style(
            STYLE_HEADING_2, fonts.HEADING_2, BODY_PT, first_line_chars=2, keep_with_next=True, outline_level=1
        )
        table_line = round(TABLE_PT * 1.5 * 20)
        paragraph_style(STYLE_TABLE, fonts.BODY, TABLE_PT, line_twips=table_line, snap_to_grid=False)
        paragraph_style(
            STYLE_TABLE_HEADING, fonts.HEADING_1, TABLE_PT, line_twips=table_line, snap_to_grid=False, align=center
        )
        paragraph_style(
            STYLE_PAGE_NUMBER,
            fonts.PAGE_NUMBER,
            PAGE_NUMBER_PT,
            condense_tw=0,
            line_twips=PAGE_NUMBER_PT * 20,
            snap_to_grid=False,
        )
        for name in (STYLE_HEADING_1, STYLE_HEADING_2):
            # The built-in headings carry space before and after; the standard's headings sit on the grid.
            ppr = styles[name].element.get_or_add_pPr()
            _set(ppr, "w:spacing", before="0", after="0", line=str(LINE_PITCH_TW), lineRule="exact")

    def _page_numbers(self, section=None) -> None:
        """Page number "— N —" in 4号 宋体: right (one character in) on odd pages, left on even pages."""
        section = section if section is not None else self.document.sections[0]
        one_char = PAGE_NUMBER_PT * 20
        for footer, align, indent in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
        ):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = self.document.styles[STYLE_PAGE_NUMBER]
            paragraph.alignment = align
            ppr = paragraph._p.get_or_add_pPr()
            _set(ppr, "w:ind", **{indent: one_char})
            _reorder_ppr(ppr)
            self._page_number_runs(paragraph)

    def _page_number_runs(self, paragraph) -> None:
        name = self.font(fonts.PAGE_NUMBER)

        def run(text: str | None = None, field: str | None = None, instr: str | None = None):
            r = paragraph.add_run()
            _apply_fonts(r._r.get_or_add_rPr(), name, PAGE_NUMBER_PT)
            if text is not None:
                r.text = text
            if field is not None:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), field)
                r._r.append(fld)
            if instr is not None:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = instr
                r._r.append(element)
            return r

        run(f"{EM_DASH} ")
        run(field="begin")
        run(instr=" PAGE ")
        run(field="separate")
        run("1")
        run(field="end")
        run(f" {EM_DASH}")

    def _font_table(self) -> None:
        """Declares the official fonts as Chinese (GB2312 character set) in the font table and records
        the installed stand-in as ``w:altName``, so a reader without the official font substitutes a
        Chinese font of the same family rather than a Latin default."""
        part = self.document.part.part_related_by(RT.FONT_TABLE)
        root = parse_xml(part.blob)
        families = {fonts.HEADING_1: "modern"}
        for role, choice in self.fonts.items():
            entry = None
            for existing in root.findall(qn("w:font")):
                if existing.get(qn("w:name")) == choice.name:
                    entry = existing
            if entry is None:
                entry = OxmlElement("w:font")
                entry.set(qn("w:name"), choice.name)
                root.append(entry)
            for child in list(entry):
                entry.remove(child)
            if choice.fallback and choice.fallback != choice.name:
                _set(entry, "w:altName", val=choice.fallback)
            _set(entry, "w:charset", val="86")
            _set(entry, "w:family", val=families.get(role, "roman"))
            _set(entry, "w:pitch", val="variable")
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # Content --------------------------------------------------------------------------------------

    def _paragraph(self, style: str, text: str = ""):
        paragraph = self.document.add_paragraph(style=style)
        if text:
            self._run(paragraph, text, style)
        return paragraph

    def _run(self, paragraph, text: str, style: str, bold: bool | None = None):
        role, size = {
            STYLE_TITLE: (fonts.TITLE, TITLE_PT),
            STYLE_HEADING_1: (fonts.HEADING_1, BODY_PT),
            STYLE_HEADING_2: (fonts.HEADING_2, BODY_PT),
            STYLE_TABLE: (fonts.BODY, TABLE_PT),
            STYLE_TABLE_HEADING: (fonts.HEADING_1, TABLE_PT),
        }.get(style, (fonts.BODY, BODY_PT))
        # Direct formatting repeats the style's, so that readers that ignore East Asian style fonts
        # (and tools that read run properties) still see the standard's fonts and sizes.
        run = paragraph.add_run(text)
        _apply_fonts(run._r.get_or_add_rPr(), self.font(role), size, bold=bold)
        if "-" in text:
            _no_break_hyphens(run)
        return run

    def title(self, *lines: str):
        """The title (标题), 2号 小标宋, centred; several lines for a long title, then one blank line."""
        paragraph = self._paragraph(STYLE_TITLE)
        for number, line in enumerate(lines):
            run = self._run(paragraph, line, STYLE_TITLE)
            if number < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)
        return paragraph

    def addressee(self, names: Sequence[str]):
        """主送机关: flush left, the names separated by 、, a full-width colon after the last one."""
        return self._paragraph(STYLE_ADDRESSEE, "、".join(n for n in names if n) + "：")

    def paragraph(self, text: str):
        """A body paragraph: indented two characters, justified, on the grid."""
        return self._paragraph(STYLE_BODY, text)

    def labelled(self, label: str, text: str):
        """Body paragraphs opening with a label and a full-width colon (问题编号：…), all in the body
        font; each further line of ``text`` is a paragraph of its own."""
        first, *rest = (text or "").strip().split("\n")
        paragraph = self._paragraph(STYLE_BODY, f"{label}：{first.strip()}")
        for line in rest:
            if line.strip():
                self._paragraph(STYLE_BODY, line.strip())
        return paragraph

    def heading1(self, text: str):
        """Level-1 heading ("一、…"), 黑体."""
        return self._paragraph(STYLE_HEADING_1, text)

    def heading2(self, text: str):
        """Level-2 heading ("（一）…"), 楷体."""
        return self._paragraph(STYLE_HEADING_2, text)

    def run_in_heading2(self, heading: str, text: str):
        """A body paragraph that opens with a level-2 heading run in 楷体 ("（一）落实整改责任。")."""
        paragraph = self._paragraph(STYLE_BODY)
        self._run(paragraph, heading, STYLE_HEADING_2)
        self._run(paragraph, text, STYLE_BODY)
        return paragraph

    def blank_line(self):
        return self._paragraph(STYLE_BODY)

    def attachments(self, names: Sequence[str]):
        """附件说明: one blank line below the body, "附件：" two characters in, names numbered."""
        self.blank_line()
        if len(names) == 1:
            return self._paragraph(STYLE_BODY, f"附件：{names[0]}")
        first = self._paragraph(STYLE_BODY, f"附件：1．{names[0]}")
        for number, name in enumerate(names[1:], start=2):
            paragraph = self._paragraph(STYLE_BODY, f"{number}．{name}")
            _paragraph_format(paragraph, first_line_chars=0, left_chars=5)
        return first

    def attachment_heading(self, label: str, title: str):
        """An attachment on a new page: "附件" (黑体) flush left on the first line, its title centred."""
        head = self._paragraph(STYLE_HEADING_1, label)
        _paragraph_format(head, first_line_chars=0, keep_with_next=True)
        head.paragraph_format.page_break_before = True
        return self.title(title)

    def signature(self, issuer: str, date: datetime.date):
        """发文机关署名 and 成文日期 of a document without a seal (GB/T 9704 7.3.5.3): one blank line
        below the body, the issuer two characters from the right, the date on the next line with its
        first character two characters right of the issuer's first; a date longer than that keeps two
        characters from the right and pushes the issuer left.

        The issuer is right-aligned; the date is placed by a left indent counted from the issuer's
        first character, so that the two-character step holds whatever the width of the digits."""
        date_text = chinese_date(date)
        issuer_width, date_width = text_width(issuer), text_width(date_text)
        issuer_right = max(2.0, 4 + date_width - issuer_width)
        date_left = CHARS_PER_LINE - issuer_right - issuer_width + 2
        first = self._paragraph(STYLE_SIGNATURE, issuer)
        _paragraph_format(first, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=issuer_right, before_twips=LINE_PITCH_TW)
        second = self._paragraph(STYLE_SIGNATURE, date_text)
        _paragraph_format(second, align=WD_ALIGN_PARAGRAPH.LEFT, left_chars=date_left)
        return first, second

    # 版头 and 版记 ----------------------------------------------------------------------------------

    def _border(self, paragraph, side: str, *, size: int, color: str = "000000", space: int = 0) -> None:
        ppr = paragraph._p.get_or_add_pPr()
        borders = _set(ppr, "w:pBdr")
        _set(borders, f"w:{side}", val="single", sz=size, space=space, color=color)
        order = {qn(f"w:{tag}"): i for i, tag in enumerate(("top", "left", "bottom", "right", "between", "bar"))}
        for child in sorted(borders, key=lambda el: order.get(el.tag, 9)):
            borders.append(child)
        _reorder_ppr(ppr)

    def masthead(self, mark: str, number: str):
        """版头: the issuing office's mark (``…审计局文件``) in red 小标宋, two blank lines, the document
        number (发文字号) centred, and the red separator line below it across the text block."""
        size = min(MASTHEAD_PT, math.floor(TEXT_WIDTH_TW / 20 / max(text_width(mark), 1)))
        head = self.document.add_paragraph(style=STYLE_MASTHEAD)
        if size != MASTHEAD_PT:
            _paragraph_format(
                head, line_twips=round(size * 20 * 1.2), align=WD_ALIGN_PARAGRAPH.CENTER, snap_to_grid=False
            )
        run = head.add_run(mark)
        _apply_fonts(run._r.get_or_add_rPr(), self.font(fonts.TITLE), size)
        run.font.color.rgb = RGBColor.from_string(RED)
        _reorder(run._r.get_or_add_rPr())
        self.blank_line()
        self.blank_line()
        line = self._paragraph(STYLE_ADDRESSEE, number)
        _paragraph_format(line, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_chars=0)
        self._border(line, "bottom", size=SEPARATOR_EIGHTHS, color=RED, space=SEPARATOR_GAP_PT)
        self.blank_line()
        return head, line

    def imprint(self, issuer: str, date: datetime.date, *, copies: Sequence[str] = ()):
        """版记 (7.4) at the foot of the last page, which is an even page (封四).

        The 版记 goes in a last section that starts on an even page (``w:type="evenPage"``; when the
        text before it ends on an even page, the reader inserts a blank page, which has no page
        number; the 版记's page keeps its number either way, since which case occurs is known only
        when the reader lays out the pages). Its page holds nothing else, so its height is known: a
        spacer of exact height puts
        the 版记's last rule on the bottom edge of the text block, in every reader, without a frame
        (LibreOffice ignores the bottom alignment of frames and floating tables from Word files).

        The 版记 is a table across the text block: 抄送 (when there are copies: "抄送：" and the names,
        a continued line aligned after the colon, a full stop after the last) above 印发机关 (one
        character in from the left) and 印发日期 ("…印发", one character in from the right), 4号 仿宋;
        the first and last rules thick (0.35 mm), the one between thin (0.25 mm)."""
        self._start_even_page_section()
        one_char = IMPRINT_PT * 20
        inner = TEXT_WIDTH_TW - 2 * CELL_MARGIN_TW
        rows: list[tuple[str, int]] = []
        if copies:
            text = "抄送：" + "、".join(copies) + "。"
            rows.append((text, _imprint_lines(text, inner - 2 * one_char, hanging=3)))
        rows.append(("", 1))
        heights = [lines * IMPRINT_LINE_TW for _text, lines in rows]
        spacer = TEXT_HEIGHT_TW - sum(heights) - TINY_PARAGRAPH_TW - IMPRINT_SLACK_TW
        top = self._paragraph(STYLE_BODY)
        _paragraph_format(top, line_twips=spacer, snap_to_grid=False, first_line_chars=0)

        half = TEXT_WIDTH_MM / 2
        table, _widths = self._table([half, half], len(rows))
        borders = _set(table._tbl.tblPr, "w:tblBorders")
        for child in list(borders):
            borders.remove(child)
        for side, size in (("top", IMPRINT_THICK_EIGHTHS), ("left", 0), ("bottom", IMPRINT_THICK_EIGHTHS),
                           ("right", 0), ("insideH", IMPRINT_THIN_EIGHTHS), ("insideV", 0)):  # fmt: skip
            _set(borders, f"w:{side}", val="single" if size else "nil", sz=size, space=0, color="000000")
        _order_tbl_pr(table._tbl.tblPr)
        for row, (text, _lines), height in zip(table.rows, rows, heights, strict=True):
            _set(row._tr.get_or_add_trPr(), "w:cantSplit")
            _set(row._tr.get_or_add_trPr(), "w:trHeight", val=height, hRule="exact")
            if text:
                cell = row.cells[0].merge(row.cells[1])
                self._fill(cell, text, line_twips=IMPRINT_LINE_TW)
                ppr = cell.paragraphs[0]._p.get_or_add_pPr()
                # "抄送：" one character in; a continued line under the first name, after the colon.
                _set(ppr, "w:ind", left=4 * one_char, right=one_char, hanging=3 * one_char)
                _reorder_ppr(ppr)
            else:
                issuer_cell, date_cell = row.cells
                self._fill(issuer_cell, issuer, line_twips=IMPRINT_LINE_TW)
                self._fill(date_cell, f"{chinese_date(date)}印发", align="right", line_twips=IMPRINT_LINE_TW)
                for cell, side in ((issuer_cell, "left"), (date_cell, "right")):
                    ppr = cell.paragraphs[0]._p.get_or_add_pPr()
                    _set(ppr, "w:ind", **{side: one_char})
                    _reorder_ppr(ppr)
        self._tiny(self._paragraph(STYLE_BODY))
        return table

    def _start_even_page_section(self) -> None:
        """A new last section starting on an even page, with its own page numbers (LibreOffice drops the
        footers an even-page section would inherit). The paragraph that holds the break is one point
        high and off the grid, so that it adds no line to the page before; it has the Normal style, as a
        break in a paragraph of the body style (indented two characters) makes LibreOffice indent the
        版记's 印发机关 by two characters too."""
        section = self.document.add_section(WD_SECTION.EVEN_PAGE)
        self._page_numbers(section)
        # No line grid on the 版记's page: nothing on it is body text, and LibreOffice lays the first
        # line of a gridded page a few points lower, which would push the 版记 off the page.
        section._sectPr.find(qn("w:docGrid")).set(qn("w:type"), "default")
        holder = Paragraph(self.document.element.body.findall(qn("w:p"))[-1], self.document._body)
        self._tiny(holder, "Normal")

    # Tables ---------------------------------------------------------------------------------------

    def _table(self, columns_mm: Sequence[float], rows: int):
        scale = TEXT_WIDTH_MM / sum(columns_mm)
        widths = [Mm(w * scale) for w in columns_mm]
        table = self.document.add_table(rows=rows, cols=len(widths))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        _set(tbl_pr, "w:tblW", w=TEXT_WIDTH_TW, type="dxa")
        # Cell margins of 1.5 mm left and right (the Table Grid style has 1.9 mm).
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            _set(margins, f"w:{side}", w=CELL_MARGIN_TW, type="dxa")
        look = tbl_pr.find(qn("w:tblLook"))
        if look is not None:
            look.addprevious(margins)
        else:
            tbl_pr.append(margins)
        grid = table._tbl.tblGrid
        for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
            col.set(qn("w:w"), str(width.twips))
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
        return table, widths

    def _fill(
        self, cell, text: str, *, heading: bool = False, align: str = "left", line_twips: int | None = None
    ) -> None:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        style = STYLE_TABLE_HEADING if heading else STYLE_TABLE
        lines = (text or "").split("\n")
        paragraph = cell.paragraphs[0]
        for number, line in enumerate(lines):
            if number:
                paragraph = cell.add_paragraph()
            paragraph.style = self.document.styles[style]
            paragraph.alignment = {
                "left": WD_ALIGN_PARAGRAPH.LEFT,
                "center": WD_ALIGN_PARAGRAPH.CENTER,
                "right": WD_ALIGN_PARAGRAPH.RIGHT,
            }[("center" if heading else align)]
            if line_twips is not None:
                paragraph.paragraph_format.line_spacing = Twips(line_twips)
            if line:
                self._run(paragraph, line, style)

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[str]],
        columns_mm: Sequence[float],
        *,
        align: Sequence[str] | None = None,
    ):
        """A ruled table across the text block; the header row repeats on every page."""
        rows = [list(r) for r in rows]
        table, _widths = self._table(columns_mm, 1 + len(rows))
        header_row = table.rows[0]
        _set(header_row._tr.get_or_add_trPr(), "w:tblHeader")
        for cell, text in zip(header_row.cells, header, strict=True):
            self._fill(cell, text, heading=True)
        for row, values in zip(table.rows[1:], rows, strict=True):
            _set(row._tr.get_or_add_trPr(), "w:cantSplit")
            for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
                self._fill(cell, str(text), align=(align[index] if align else "left"))
        self._paragraph(STYLE_BODY)  # Word needs a paragraph after a table; it also spaces what follows
        return table

    def form(self, rows: Sequence[Sequence[Cell]], columns_mm: Sequence[float], *, line_scale: float | None = None):
        """A form (登记表、销号单): rows of labelled cells spanning grid columns; labels in 黑体.
        ``line_scale``: the lines of the cells at that multiple of 4号 (1.5 by default), so that a
        one-page form (the close-out sheet) fits its page."""
        line_twips = round(TABLE_PT * line_scale * 20) if line_scale is not None else None
        table, widths = self._table(columns_mm, len(rows))
        for row, cells in zip(table.rows, rows, strict=True):
            _set(row._tr.get_or_add_trPr(), "w:cantSplit")
            column = 0
            for spec in cells:
                cell = row.cells[column]
                if spec.span > 1:
                    cell = cell.merge(row.cells[column + spec.span - 1])
                if spec.label:
                    self._fill(cell, spec.text, heading=True, line_twips=line_twips)
                else:
                    self._fill(cell, spec.text, align=spec.align, line_twips=line_twips)
                column += spec.span
            if column != len(widths):
                raise ValueError(f"form row spans {column} columns of {len(widths)}")
        # The paragraph Word needs after a table, one point high and off the grid, so that a form
        # filling its page does not push an empty page after it.
        self._tiny(self._paragraph(STYLE_BODY))
        return table

    def _tiny(self, paragraph, style: str = STYLE_BODY) -> None:
        """An empty paragraph one point high and off the grid (after a table that fills its page, or
        holding a section break), so that it never takes a line of its own."""
        paragraph.style = self.document.styles[style]
        _paragraph_format(paragraph, line_twips=TINY_PARAGRAPH_TW, snap_to_grid=False, first_line_chars=0)
        ppr = paragraph._p.get_or_add_pPr()
        _apply_fonts(_set(ppr, "w:rPr"), self.font(fonts.BODY), 1)  # the paragraph mark's size
        _reorder_ppr(ppr)

    # Output ---------------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
