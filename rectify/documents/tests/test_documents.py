"""The three documents, generated from the test world and read back with python-docx: GB/T 9704 page
geometry, fonts and sizes, the page-number field, and the ledger's facts in the text."""

from decimal import Decimal

import pytest
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length

from rectify.core.exceptions import ActionRefused
from rectify.documents import builder, fonts, services
from rectify.documents.tests.helpers import all_text, east_asia_font, mm, open_docx, rich_finding, style_east_asia_font
from rectify.testing import make_finding

pytestmark = pytest.mark.django_db


def assert_gbt9704(content: bytes) -> None:
    """Everything the standard fixes that a reader can check in the file."""
    document = open_docx(content)
    # One section; a document with a 版记 has a second, last one for it, starting on an even page.
    assert len(document.sections) in (1, 2)
    if len(document.sections) == 2:
        assert document.sections[1].start_type == WD_SECTION.EVEN_PAGE
    for section in document.sections:
        # A4 portrait, margins 37 / 28 / 35 / 26 mm, so a 156 × 225 mm text block.
        assert mm(section.page_width) == pytest.approx(210, abs=0.5)
        assert mm(section.page_height) == pytest.approx(297, abs=0.5)
        assert mm(section.top_margin) == pytest.approx(37, abs=0.5)
        assert mm(section.left_margin) == pytest.approx(28, abs=0.5)
        assert mm(section.bottom_margin) == pytest.approx(35, abs=0.5)
        assert mm(section.right_margin) == pytest.approx(26, abs=0.5)
        assert mm(section.gutter) == 0
        text_height = Length(section.page_height - section.top_margin - section.bottom_margin)
        assert mm(text_height) == pytest.approx(225, abs=0.5)
        assert mm(section.page_width - section.left_margin - section.right_margin) == pytest.approx(156, abs=0.5)
    section = document.sections[0]

    # 22 lines: the grid's pitch is the text block's height / 22 (rounded down to whole twips).
    grid = section._sectPr.find(qn("w:docGrid"))
    pitch = int(grid.get(qn("w:linePitch")))
    assert pitch == 579  # 28.95 pt
    assert 22 * pitch <= text_height.twips < 23 * pitch
    # The body paragraphs are exactly one pitch apart.
    normal = document.styles["Normal"].paragraph_format
    assert normal.line_spacing.twips == pitch
    assert normal.line_spacing_rule is not None and normal.line_spacing_rule.name == "EXACTLY"
    # 28 characters: 3号 condensed to a pitch at which 28 fit in 156 mm and 29 do not.
    spacing = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:spacing"))
    char_pitch = 16 * 20 + int(spacing.get(qn("w:val")))
    width = Length(section.page_width - section.left_margin - section.right_margin).twips
    assert 28 * char_pitch <= width < 29 * char_pitch

    # The title: 2号 (22 pt) in the title font; only a 版头 (the issuing office's mark, the number and
    # the red line) may come before it.
    title = next(p for p in document.paragraphs if p.style.name == builder.STYLE_TITLE)
    before = document.paragraphs[: [p._p for p in document.paragraphs].index(title._p)]
    assert not before or before[0].style.name == builder.STYLE_MASTHEAD
    assert (title.alignment or title.style.paragraph_format.alignment) == WD_ALIGN_PARAGRAPH.CENTER
    for run in title.runs:
        assert run.font.size.pt == 22
        assert east_asia_font(run) == fonts.choose(fonts.TITLE).name
    assert style_east_asia_font(title.style) == fonts.choose(fonts.TITLE).name

    # The body: 3号 (16 pt) in the body font, two characters in.
    body = [p for p in document.paragraphs if p.style.name == builder.STYLE_BODY and p.text.strip()]
    assert body
    for paragraph in body:
        assert paragraph.style.paragraph_format.first_line_indent.twips == 2 * builder.CHAR_PITCH_TW
        for run in paragraph.runs:
            assert run.font.size.pt == 16
            assert east_asia_font(run) in {fonts.choose(fonts.BODY).name, fonts.choose(fonts.HEADING_2).name}
    assert style_east_asia_font(document.styles["Normal"]) == fonts.choose(fonts.BODY).name
    assert document.styles["Normal"].font.size.pt == 16
    for heading, role in ((builder.STYLE_HEADING_1, fonts.HEADING_1), (builder.STYLE_HEADING_2, fonts.HEADING_2)):
        for paragraph in (p for p in document.paragraphs if p.style.name == heading):
            assert {east_asia_font(r) for r in paragraph.runs} == {fonts.choose(role).name}
            assert {r.font.size.pt for r in paragraph.runs} == {16}

    # Page numbers "— N —" in 4号 宋体: a PAGE field between em dashes, odd pages right, even pages left.
    assert document.settings.odd_and_even_pages_header_footer
    for footer, alignment in (
        (footer, alignment)
        for section in document.sections
        for footer, alignment in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        )
    ):
        (paragraph,) = footer.paragraphs
        assert paragraph.alignment == alignment
        xml = paragraph._p.xml
        assert "PAGE" in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert [f.get(qn("w:fldCharType")) for f in paragraph._p.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]
        assert paragraph.text.startswith("\u2014 ") and paragraph.text.endswith(" \u2014"), xml
        assert paragraph.text == "\u2014 1 \u2014"
        for run in paragraph.runs:
            assert run.font.size.pt == 14
            assert east_asia_font(run) == fonts.choose(fonts.PAGE_NUMBER).name
    assert fonts.choose(fonts.PAGE_NUMBER).official == "宋体"


def test_notice_lists_the_problems_with_everything_the_unit_needs(world):
    closed = make_finding(world, state="closed")
    issued = make_finding(world, state="issued", title="食堂收入未纳入单位预算", legal_basis="《预算法》第四条")
    draft = make_finding(world, state="draft", title="草稿问题不应出现")
    document = services.rectification_notice(world["auditor"], world.project)
    assert document.filename == f"{world.project.name}审计整改通知书.docx"
    assert document.content_type == services.DOCX_CONTENT_TYPE
    assert_gbt9704(document.content)
    docx = open_docx(document.content)
    text = all_text(docx)
    texts = [p.text for p in docx.paragraphs]
    assert texts[0] == "甲区审计局文件"  # 版头
    title = texts.index("审计整改通知书")
    assert texts[title + 1] == "甲区第一中学："  # 主送, flush left, full-width colon
    for expected in (
        closed.ledger_number,
        issued.ledger_number,
        "往来款长期挂账未清理",
        "截至2024年末",  # 具体描述
        "125,000.00元",  # 涉及金额
        "《预算法》第四条",  # 定性依据
        "1．清理长期挂账的往来款项",  # 整改要求
        "2．建立往来款定期清理制度",
        "立行立改，须于2025年9月30日前完成整改。",  # 整改期限
        "审计查出问题清单",  # the attachment
        "甲区审计局",  # 落款
    ):
        assert expected in text, expected
    assert draft.ledger_number not in text and "草稿问题" not in text
    # Headings: 一、 in 黑体, （一） in 楷体.
    headings = {p.text: p.style.name for p in docx.paragraphs}
    assert headings["一、审计查出的问题及整改要求"] == builder.STYLE_HEADING_1
    assert headings["（一）往来款长期挂账未清理"] == builder.STYLE_HEADING_2
    # The problem list as a table whose header repeats (the other table is the 版记).
    table, _imprint = docx.tables
    assert [c.text for c in table.rows[0].cells] == ["序号", "问题编号及摘要", "涉及金额（元）", "整改类型及期限"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [r.cells[1].text.split("\n")[0] for r in table.rows[1:]] == [closed.ledger_number, issued.ledger_number]
    assert [c.text for c in table.rows[1].cells] == [
        "1",
        f"{closed.ledger_number}\n往来款长期挂账未清理",
        "125,000.00",
        "立行立改\n2025年9月30日",
    ]


def test_notice_for_one_unit_addresses_only_that_unit(world):
    mine = make_finding(world, state="issued")
    theirs = make_finding(world, state="issued", unit=world.sibling_unit, title="固定资产未入账")
    whole = all_text(open_docx(services.rectification_notice(world["auditor"], world.project).content))
    assert mine.ledger_number in whole and theirs.ledger_number in whole
    assert "甲区第一中学、甲区第二中学：" in whole and "整改责任单位：甲区第二中学" in whole
    document = services.rectification_notice(world["auditor"], world.project, world.sibling_unit)
    assert document.filename.endswith("（甲区第二中学）.docx")
    text = all_text(open_docx(document.content))
    assert theirs.ledger_number in text and mine.ledger_number not in text
    assert "甲区第二中学：" in text and "甲区第一中学" not in text


def test_a_unit_user_gets_a_notice_of_its_own_problems_only(world):
    mine = make_finding(world, state="issued")
    theirs = make_finding(world, state="issued", unit=world.sibling_unit)
    text = all_text(open_docx(services.rectification_notice(world["unit"], world.project).content))
    assert mine.ledger_number in text and theirs.ledger_number not in text


def test_notice_without_issued_problems_is_refused(world):
    make_finding(world, state="draft")
    with pytest.raises(ActionRefused, match="没有可列入审计整改通知书的已下达问题"):
        services.rectification_notice(world["auditor"], world.project)


def test_close_out_sheet_is_a_form_with_the_verdict_and_signature_lines(world):
    finding = rich_finding(world)
    document = services.close_out_sheet(world["auditor"], finding)
    assert document.filename == f"{finding.ledger_number}对账销号单.docx"
    assert_gbt9704_form(document.content)
    docx = open_docx(document.content)
    assert docx.paragraphs[0].text == "审计查出问题整改对账销号单"
    (table,) = docx.tables
    cells = form_cells(table)
    assert cells["问题编号"] == finding.ledger_number
    assert cells["审计项目"] == world.project.name
    assert cells["整改责任单位"] == "甲区第一中学"
    assert cells["问题摘要"] == "公务用车运行维护费超预算列支"
    assert cells["涉及金额（元）"] == "380,000.00"
    assert cells["整改要求"] == "1．收回超预算列支的资金\n2．修订公务用车管理办法"
    assert "已将超支款项分别上缴财政和归还原资金渠道" in cells["整改情况"]
    assert cells["佐证材料"] == "凭证.png"
    assert cells["上缴财政（元）"] == "200,000.00"
    assert cells["归还原资金渠道（元）"] == "180,000.00"
    assert cells["调整账务（元）"] == "0.00"
    assert cells["整改金额合计（元）"] == "380,000.00"
    assert cells["制定完善制度"] == "《公务用车管理办法》（甲一中〔2025〕12号）"
    assert cells["追责问责"] == "王五（批评教育，总务处主任）"
    assert cells["认定结论"] == "已整改"
    assert cells["认定金额（元）"] == "380,000.00"
    assert cells["核实人"] == world["auditor"].display_name
    assert cells["销号情况"].startswith("已销号（")
    last = [c.text for c in table.rows[-1].cells]
    assert "负责人（签字）" in last[0] and "核实人（签字）" in last[-1] and "（盖章）" in last[0]
    # Labels in the heading font (黑体), values in the body font, 4号.
    label_run = table.rows[0].cells[0].paragraphs[0].runs[0]
    value_run = table.rows[0].cells[1].paragraphs[0].runs[0]
    assert east_asia_font(label_run) == fonts.choose(fonts.HEADING_1).name
    assert east_asia_font(value_run) == fonts.choose(fonts.BODY).name
    assert label_run.font.size.pt == value_run.font.size.pt == 14


def form_cells(table) -> dict[str, str]:
    """label → value of a form whose rows are label, value[, label, value] (merged cells repeat)."""
    cells: dict[str, str] = {}
    for row in table.rows:
        values = [c.text for c in row.cells]
        for label, value in zip(values[0::2], values[1::2], strict=False):
            cells.setdefault(label, value)
    return cells


def assert_gbt9704_form(content: bytes) -> None:
    """A form has no body paragraphs of text; the page, title and footer rules still hold."""
    document = open_docx(content)
    section = document.sections[0]
    assert (round(mm(section.page_width)), round(mm(section.page_height))) == (210, 297)
    assert [round(mm(m)) for m in (section.top_margin, section.left_margin, section.bottom_margin)] == [37, 28, 35]
    assert round(mm(section.right_margin)) == 26
    assert section._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")) == "579"
    title = document.paragraphs[0]
    assert {r.font.size.pt for r in title.runs} == {22}
    assert {east_asia_font(r) for r in title.runs} == {fonts.choose(fonts.TITLE).name}
    assert section.footer.paragraphs[0].text == "\u2014 1 \u2014"
    (table,) = document.tables
    assert mm(sum(int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))) * 635) == (
        pytest.approx(156, abs=0.5)
    )


def test_close_out_sheet_of_a_partly_rectified_finding_says_it_is_not_closed(world):
    from rectify.rectification import services as rectification

    finding = make_finding(world, state="submitted")
    rectification.verify(world["auditor"], finding.reports.get(), verdict="partly_rectified", reasons="尚有余款未收回")
    text = all_text(open_docx(services.close_out_sheet(world["auditor"], finding).content))
    assert "部分整改" in text and "未销号（整改中）" in text


def test_close_out_sheet_of_an_unverified_finding_is_refused(world):
    finding = make_finding(world, state="submitted")
    with pytest.raises(ActionRefused, match="尚未经审计机关核实认定，不能生成对账销号单") as refusal:
        services.close_out_sheet(world["auditor"], finding)
    assert refusal.value.code == "invalid_state"


def test_unit_report_assembles_the_ledger(world):
    closed = rich_finding(world)
    open_ = make_finding(world, state="rectifying", title="食堂收入未纳入单位预算", amount_involved="50000.00")
    other = make_finding(world, state="issued", unit=world.other_unit, title="别的单位的问题")
    document = services.unit_report(world["unit"], world.unit)
    assert document.filename == "甲区第一中学整改情况报告.docx"
    assert_gbt9704(document.content)
    docx = open_docx(document.content)
    assert docx.paragraphs[0].text == "甲区第一中学\n关于审计查出问题整改情况的报告"  # two lines, one paragraph
    assert docx.paragraphs[1].text == "甲区审计局："
    text = all_text(docx)
    for expected in (
        "审计查出问题2个，已完成整改并销号1个，整改率50.0%；尚未销号1个",
        # The report's totals in 万元.
        "问题涉及金额43.00万元，已整改金额38.00万元（其中上缴财政20.00万元、归还原资金渠道18.00万元）",
        "经审计机关认定的整改金额38.00万元",
        "制定完善制度1项，追责问责1人",
        closed.ledger_number,
        open_.ledger_number,
        "整改方案：清理超支款项，修订公务用车管理办法（责任人：财务科、李四；计划完成时间：2025年11月30日）",
        "整改措施：已将超支款项分别上缴财政和归还原资金渠道；整改进展：全部整改完成",
        "制定完善制度：1项：《公务用车管理办法》（甲一中〔2025〕12号）。",
        "追责问责：1人：王五（批评教育，总务处主任）。",
        "经审计机关核实认定为「已整改」，认定整改金额38.00万元",
        "涉及金额38.00万元；分阶段整改",  # per finding in 万元 too
        "整改金额：累计38.00万元，其中上缴财政20.00万元、归还原资金渠道18.00万元。",
        "整改进展：尚未报送整改情况。",
        f"对尚未完成整改的1个问题（{open_.ledger_number}）",
    ):
        assert expected in text, expected
    assert other.ledger_number not in text
    signature, date = docx.paragraphs[-2:]
    assert signature.text == "甲区第一中学" and signature.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date.text.endswith("日") and "年" in date.text


def test_unit_report_of_a_competent_department_covers_the_units_under_it(world):
    mine = make_finding(world, state="issued")
    sibling = make_finding(world, state="issued", unit=world.sibling_unit)
    text = all_text(open_docx(services.unit_report(world["dept"], world.dept).content))
    assert mine.ledger_number in text and sibling.ledger_number in text
    assert "整改责任单位甲区第二中学" in text and "我单位及所属单位" in text


def test_unit_report_without_findings_is_refused(world):
    with pytest.raises(ActionRefused, match="没有已下达的审计查出问题"):
        services.unit_report(world["unit"], world.unit)


def test_query_counts_do_not_grow_with_the_ledger(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    finding = rich_finding(world)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            services.rectification_notice(world["auditor"], world.project)
            services.close_out_sheet(world["auditor"], finding)
            services.unit_report(world["unit"], world.unit)
        return len(queries)

    count()  # the first call also reads what it then keeps on the world's instances (their related rows)
    before = count()
    for _ in range(3):
        rich_finding(world)
    make_finding(world, state="rectifying")
    assert count() == before


def test_signature_steps_the_date_two_characters_right_of_the_issuer():
    import datetime

    doc = builder.OfficialDocument(subject="t")
    issuer, date = doc.signature("甲区审计局", datetime.date(2025, 9, 3))
    # Issuer 5 characters, date 6 (four half-width digits count as two): the date keeps two characters
    # from the right, so the issuer moves to five from the right and the date starts two right of it.
    assert issuer.paragraph_format.right_indent.twips == 5 * builder.CHAR_PITCH_TW
    assert date.paragraph_format.left_indent.twips == (28 - 5 - 5 + 2) * builder.CHAR_PITCH_TW
    assert date.text == "2025年9月3日"
    issuer, date = doc.signature("甲区第一中学教育教学管理委员会", datetime.date(2025, 12, 25))
    assert issuer.paragraph_format.right_indent.twips == 2 * builder.CHAR_PITCH_TW


def test_geometry_constants():
    assert builder.LINE_PITCH_TW == 579
    assert builder.CHAR_PITCH_TW == 315 and builder.CHAR_CONDENSE_TW == -5
    assert builder.CHAR_SPACE == -842  # what Word's document grid would store for 28 characters
    assert 24.5 < builder.FOOTER_DISTANCE_MM < 26.5
    assert builder.chinese_date(__import__("datetime").date(2025, 1, 5)) == "2025年1月5日"
    assert services.chinese_number(1) == "一" and services.chinese_number(10) == "十"
    assert services.chinese_number(12) == "十二" and services.chinese_number(40) == "四十"
    assert services.safe_filename('a/b:c*"d') == "a_b_c_d"


def test_unit_report_counts_what_is_awaiting_verification_long_term_and_overdue(world):
    import datetime

    import time_machine

    make_finding(world, state="submitted")
    make_finding(world, state="long_term")
    make_finding(world, state="rectifying", deadline=datetime.date(2025, 6, 30))
    with time_machine.travel(datetime.datetime(2025, 8, 1, 10, tzinfo=datetime.UTC), tick=False):
        text = all_text(open_docx(services.unit_report(world["unit"], world.unit).content))
    assert "截至2025年8月1日，审计查出问题3个，已完成整改并销号0个，整改率0.0%；" in text
    assert "尚未销号3个（其中待审计机关核实认定1个、持续整改1个、已超过整改期限1个）。" in text


def test_money_of_a_rejected_round_does_not_count(world):
    """As in the ledger's figures: a round verified as not rectified (or falsely rectified) is void."""
    from rectify.findings.models import Finding
    from rectify.ledger.figures import ledger_figures
    from rectify.rectification import services as rectification

    finding = make_finding(world, state="submitted")
    rectification.verify(world["auditor"], finding.reports.get(), verdict="not_rectified", reasons="挂账未实际清理")
    finding.refresh_from_db()
    report = rectification.submit_report(
        world["unit"],
        finding,
        measures="重新清理挂账款项",
        progress="全部完成",
        amounts={"amount_adjusted_in_accounts": "125000.00"},
    )
    rectification.verify(world["auditor"], report, verdict="rectified", reasons="核实无误", verified_amount="125000.00")
    finding.refresh_from_db()

    sheet = open_docx(services.close_out_sheet(world["auditor"], finding).content)
    cells = form_cells(sheet.tables[0])
    assert cells["调整账务（元）"] == "125,000.00"
    assert cells["整改金额合计（元）"] == "125,000.00" and cells["报送轮次"] == "2"
    assert "第1轮经审计机关认定未整改到位，其报送的整改金额不予计入。" in cells["整改情况"]

    text = all_text(open_docx(services.unit_report(world["unit"], world.unit).content))
    figures = ledger_figures(Finding.objects.filter(pk=finding.pk))
    assert figures["amount_rectified"] == 125000
    assert "已整改金额12.50万元" in text and "整改金额：累计12.50万元，其中调整账务12.50万元。" in text
    assert "（经审计机关认定为「未整改」，本轮报送的整改金额不予计入）" in text


# --- 审计整改通知书: 版头, 发文字号, 版记 ------------------------------------------------------------


def _red(run) -> bool:
    color = run._r.rPr.find(qn("w:color")) if run._r.rPr is not None else None
    return color is not None and color.get(qn("w:val")).upper() == builder.RED


def test_notice_has_the_red_masthead_its_number_and_the_red_line(world):
    make_finding(world, state="issued")
    docx = open_docx(services.rectification_notice(world["auditor"], world.project).content)
    mark = docx.paragraphs[0]
    assert mark.text == "甲区审计局文件"
    assert mark.style.name == builder.STYLE_MASTHEAD
    assert (mark.alignment or mark.style.paragraph_format.alignment) == WD_ALIGN_PARAGRAPH.CENTER
    assert all(_red(run) for run in mark.runs)
    assert {east_asia_font(run) for run in mark.runs} == {fonts.choose(fonts.TITLE).name}
    year = services.local_today().year
    (number,) = [p for p in docx.paragraphs[:6] if p.text.startswith("甲审改")]
    assert number.text == f"甲审改〔{year}〕1号"
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == builder.RED and bottom.get(qn("w:val")) == "single"
    texts = [p.text for p in docx.paragraphs]
    assert texts.index("审计整改通知书") > texts.index(number.text)


def test_notice_numbers_run_per_office_and_year_and_a_notice_keeps_its_number(world):
    make_finding(world, state="issued")
    make_finding(world, state="issued", unit=world.sibling_unit)
    year = services.local_today().year

    def number(unit=None):
        docx = open_docx(services.rectification_notice(world["auditor"], world.project, unit).content)
        return next(p.text for p in docx.paragraphs if p.text.startswith("甲审改"))

    assert number() == f"甲审改〔{year}〕1号"
    assert number(world.sibling_unit) == f"甲审改〔{year}〕2号"
    assert number(world.unit) == f"甲审改〔{year}〕3号"
    # Downloaded again: the same numbers.
    assert number() == f"甲审改〔{year}〕1号"
    assert number(world.sibling_unit) == f"甲审改〔{year}〕2号"
    from rectify.documents.models import DocumentNumber

    assert DocumentNumber.objects.count() == 3


def test_notice_ends_with_the_annex_and_the_imprint_on_an_even_page(world):
    make_finding(world, state="issued")
    make_finding(world, state="issued", unit=world.sibling_unit)
    make_finding(world, state="issued", unit=world.other_unit)  # audited by no competent department
    docx = open_docx(services.rectification_notice(world["auditor"], world.project).content)
    texts = [p.text for p in docx.paragraphs]
    assert "附件：审计查出问题清单" in texts
    assert texts.index("附件") > texts.index("附件：审计查出问题清单")  # the annex on its own page
    today = services.local_today()
    annex, imprint = docx.tables
    body = docx.element.body
    assert body.index(imprint._tbl) > body.index(annex._tbl)  # 版记 after the annex
    # 抄送 the units' competent department once (7.4.2), above 印发机关 and 印发日期 (7.4.3).
    assert [c.text for c in imprint.rows[0].cells] == ["抄送：甲区教育委员会。"] * 2  # one merged cell
    assert [c.text for c in imprint.rows[1].cells] == ["甲区审计局办公室", f"{builder.chinese_date(today)}印发"]
    assert imprint.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # Thick first and last rules, a thin one between, nothing at the sides (7.4.1).
    borders = imprint._tbl.tblPr.find(qn("w:tblBorders"))
    sizes = {side: (borders.find(qn(f"w:{side}")).get(qn("w:val")), borders.find(qn(f"w:{side}")).get(qn("w:sz")))
             for side in ("top", "bottom", "insideH", "left", "right", "insideV")}  # fmt: skip
    assert sizes == {
        "top": ("single", "8"), "bottom": ("single", "8"), "insideH": ("single", "6"),
        "left": ("nil", "0"), "right": ("nil", "0"), "insideV": ("nil", "0"),
    }  # fmt: skip
    # The 版记 alone in the last section, which starts on an even page; the rows are exactly one 4号
    # line and a line-high spacer above puts them at the foot of the page.
    last = docx.sections[-1]
    assert last.start_type == WD_SECTION.EVEN_PAGE
    heights = [int(row._tr.trPr.find(qn("w:trHeight")).get(qn("w:val"))) for row in imprint.rows]
    assert heights == [builder.IMPRINT_LINE_TW] * 2
    spacer = imprint._tbl.getprevious()
    line = int(spacer.pPr.find(qn("w:spacing")).get(qn("w:line")))
    assert 0 <= builder.TEXT_HEIGHT_TW - line - sum(heights) <= 3 * builder.TINY_PARAGRAPH_TW


def test_notice_copies_go_on_as_many_lines_as_they_need(world):
    from rectify.organizations.models import Organization

    departments = []
    for n, unit in enumerate((world.unit, world.sibling_unit, world.other_unit)):
        department = Organization.objects.create(
            name=f"甲区某某很长名称的主管部门第{n}号委员会", code=f"DEPT{n}", jurisdiction=world.district_a,
            kind=world.dept.kind,
        )  # fmt: skip
        unit.competent_department = department
        unit.save()
        departments.append(department.name)
        make_finding(world, state="issued", unit=unit)
    docx = open_docx(services.rectification_notice(world["auditor"], world.project).content)
    _annex, imprint = docx.tables
    assert imprint.rows[0].cells[0].text == "抄送：" + "、".join(departments) + "。"
    height = int(imprint.rows[0]._tr.trPr.find(qn("w:trHeight")).get(qn("w:val")))
    assert height == 3 * builder.IMPRINT_LINE_TW  # 64½ characters: 28 on the first line, 25 on the next ones


def test_notice_amount_column_holds_the_longest_amount_on_one_line(world):
    from decimal import Decimal

    make_finding(world, state="issued", amount_involved=Decimal("123456789.00"))
    docx = open_docx(services.rectification_notice(world["auditor"], world.project).content)
    table, _imprint = docx.tables
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    amount = "123,456,789.00"
    assert table.rows[1].cells[2].text == amount
    needed_tw = builder.text_width(amount) * builder.TABLE_PT * 20 + 2 * builder.CELL_MARGIN_TW
    assert widths[2] > needed_tw
    assert sum(widths) == pytest.approx(builder.TEXT_WIDTH_TW, abs=5)
    # 序号 on one line too (two characters of 4号 and the cell's margins).
    assert widths[0] > 2 * builder.TABLE_PT * 20 + 2 * builder.CELL_MARGIN_TW


def test_notice_file_name_does_not_say_audit_twice(world):
    world.project.name = "2025年度甲区教育经费专项审计"
    world.project.save()
    make_finding(world, state="issued")
    document = services.rectification_notice(world["auditor"], world.project)
    assert document.filename == "2025年度甲区教育经费专项审计整改通知书.docx"
    assert open_docx(document.content).core_properties.title == "2025年度甲区教育经费专项审计整改通知书"


# --- 对账销号单: each rule once, one page -------------------------------------------------------------


def _reported_twice(world):
    """A finding whose unit reported the same rule in both rounds; the first round was not accepted."""
    from rectify.rectification import services as rectification

    finding = make_finding(world, state="issued")
    rule = {"title": "往来款项管理办法", "document_number": "甲一中〔2025〕7号"}
    first = rectification.submit_report(world["unit"], finding, measures="清理挂账", progress="部分完成", rules=[rule])
    rectification.verify(world["auditor"], first, verdict="not_rectified", reasons="挂账未实际清理")
    finding.refresh_from_db()
    second = rectification.submit_report(
        world["unit"],
        finding,
        measures="重新清理挂账款项",
        progress="全部完成",
        amounts={"amount_adjusted_in_accounts": "125000.00"},
        rules=[{"title": "《往来款项管理办法》", "document_number": "甲一中〔2025〕7号"}],
    )
    rectification.verify(world["auditor"], second, verdict="rectified", reasons="核实无误", verified_amount="125000.00")
    finding.refresh_from_db()
    return finding


def test_close_out_sheet_and_report_list_a_rule_reported_in_two_rounds_once(world):
    finding = _reported_twice(world)
    sheet = open_docx(services.close_out_sheet(world["auditor"], finding).content)
    assert form_cells(sheet.tables[0])["制定完善制度"] == "《往来款项管理办法》（甲一中〔2025〕7号）"
    text = all_text(open_docx(services.unit_report(world["unit"], world.unit).content))
    assert "制定完善制度：1项：《往来款项管理办法》（甲一中〔2025〕7号）。" in text
    assert text.count("《往来款项管理办法》") == 1
    assert "通过整改制定完善制度1项" in text


# --- 整改情况报告: the period it covers, totals in 万元, ledger numbers in one piece --------------------


def _closed_on(finding, day):
    """Moves a closed finding's close-out to ``day`` (noon, local time)."""
    import datetime

    from django.utils import timezone

    from rectify.findings.models import Finding

    closed_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Finding.all_objects.filter(pk=finding.pk).update(closed_at=closed_at)


def test_unit_report_covers_the_open_findings_and_those_closed_in_the_period(world):
    import datetime

    today = services.local_today()
    last_year = rich_finding(world, title="上年已销号的问题")
    _closed_on(last_year, datetime.date(today.year - 1, 6, 1))
    this_year = rich_finding(world, title="本年已销号的问题")
    _closed_on(this_year, datetime.date(today.year, 1, 1))
    open_ = make_finding(world, state="rectifying", title="尚未整改的问题")

    def text(period=None):
        return all_text(open_docx(services.unit_report(world["unit"], world.unit, period).content))

    default = text()  # open + closed this year
    assert open_.ledger_number in default and this_year.ledger_number in default
    assert last_year.ledger_number not in default and "上年已销号的问题" not in default
    assert f"本报告列出尚未销号的问题和{today.year}年1月1日至{builder.chinese_date(today)}期间已销号的问题。" in default
    assert "审计查出问题2个，已完成整改并销号1个，整改率50.0%；尚未销号1个" in default

    only_open = text(services.ReportPeriod.from_query({"period": "open"}))
    assert open_.ledger_number in only_open
    assert this_year.ledger_number not in only_open and last_year.ledger_number not in only_open
    assert "本报告列出尚未销号的问题。" in only_open

    span = services.ReportPeriod.from_query({"from": f"{today.year - 1}-01-01", "to": f"{today.year - 1}-12-31"})
    last = text(span)
    assert last_year.ledger_number in last and open_.ledger_number in last
    assert this_year.ledger_number not in last


def test_unit_report_period_from_the_query(world):
    import datetime

    today = services.local_today()
    assert services.ReportPeriod.from_query({}) == services.ReportPeriod(datetime.date(today.year, 1, 1), today)
    assert services.ReportPeriod.from_query({"period": "open"}).open_only
    assert services.ReportPeriod.from_query({"to": "2025-03-31"}) == services.ReportPeriod(
        datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)
    )
    with pytest.raises(ActionRefused, match="YYYY-MM-DD"):
        services.ReportPeriod.from_query({"from": "31/03/2025"})
    with pytest.raises(ActionRefused, match="开始日期晚于结束日期"):
        services.ReportPeriod.from_query({"from": "2025-04-01", "to": "2025-03-31"})


def test_unit_report_with_nothing_in_the_period_is_refused(world):
    finding = rich_finding(world)
    import datetime

    _closed_on(finding, datetime.date(2020, 1, 2))
    with pytest.raises(ActionRefused, match="所选报告期内没有"):
        services.unit_report(world["unit"], world.unit)


def test_ledger_numbers_do_not_break_across_lines(world):
    finding = make_finding(world, state="rectifying")
    assert "-" in finding.ledger_number
    for document in (
        services.unit_report(world["unit"], world.unit),
        services.rectification_notice(world["auditor"], world.project),
    ):
        docx = open_docx(document.content)
        assert finding.ledger_number in all_text(docx)  # read back unchanged
        body = docx.element.body
        # Every hyphen is a non-breaking one: no line may break inside QJ-2025-003-012.
        assert not [t.text for t in body.iter(qn("w:t")) if "-" in (t.text or "")]
        assert body.findall(".//" + qn("w:noBreakHyphen"))


def test_each_office_numbers_its_notices_from_one(world):
    from rectify.documents import numbering

    make_finding(world, state="issued")
    make_finding(
        world,
        state="issued",
        actor=world["auditor_b"],
        project=world.project_b,
        unit=world.unit_b,
        category=world.category,
    )
    year = services.local_today().year

    def number(user, project):
        docx = open_docx(services.rectification_notice(user, project).content)
        return docx.paragraphs[0].text, next(p.text for p in docx.paragraphs if "审改〔" in p.text)

    assert number(world["auditor"], world.project) == ("甲区审计局文件", f"甲审改〔{year}〕1号")
    assert number(world["auditor_b"], world.project_b) == ("乙区审计局文件", f"乙审改〔{year}〕1号")
    # A new year starts again from 1; the office's earlier numbers stay as they were.
    again = numbering.notice_number(world.office_a, world.cadre_project, None, year + 1)
    assert again.text == f"甲审改〔{year + 1}〕1号"
    assert numbering.notice_number(world.office_a, world.project, world.unit, year).text == f"甲审改〔{year}〕1号"


def _three_rounds(world):
    """A finding reported three times (February, May and August 2025), returned twice, then closed."""
    import datetime

    from django.utils import timezone

    from rectify.rectification import services as rectification
    from rectify.rectification.models import ProgressReport

    finding = make_finding(world, state="issued", title="专项资金结余未上缴")
    for number, (day, amount, verdict) in enumerate(
        [
            (datetime.date(2025, 2, 10), "30000.00", "partly_rectified"),
            (datetime.date(2025, 5, 10), "40000.00", "partly_rectified"),
            (datetime.date(2025, 8, 10), "55000.00", "rectified"),
        ],
        start=1,
    ):
        report = rectification.submit_report(
            world["unit"],
            finding,
            measures=f"第{number}次上缴结余资金",
            progress=f"上缴{amount}元",
            unfinished_reason="" if verdict == "rectified" else "尚有结余未上缴",
            amounts={"amount_to_treasury": amount},
        )
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        ProgressReport.objects.filter(pk=report.pk).update(submitted_at=moment)
        rectification.verify(world["auditor"], report, verdict=verdict, reasons="核实", verified_amount=amount)
        finding.refresh_from_db()
    _closed_on(finding, datetime.date(2025, 8, 20))
    return finding


def test_unit_report_for_a_period_lists_only_its_rounds_and_not_what_closed_before(world):
    import datetime

    closed_before = rich_finding(world, title="报告期前已销号的问题")
    _closed_on(closed_before, datetime.date(2025, 3, 1))
    several = _three_rounds(world)  # closed in the period, its first round before it
    open_ = make_finding(world, state="rectifying", title="尚未整改的问题", amount_involved=Decimal("8888.88"))

    period = services.ReportPeriod.from_query({"from": "2025-04-01", "to": "2025-09-30"})
    docx = open_docx(services.unit_report(world["unit"], world.unit, period).content)
    text = all_text(docx)
    assert closed_before.ledger_number not in text and "报告期前已销号的问题" not in text
    assert "本报告列出尚未销号的问题和2025年4月1日至2025年9月30日期间已销号的问题。" in text
    assert several.ledger_number in text
    assert "第2轮报送（2025年5月10日）" in text and "第3轮报送（2025年8月10日）" in text
    assert "第1轮报送" not in text and "第1次上缴结余资金" not in text
    assert "以往报送：第1轮在报告期外报送，不在本报告中列出。" in text
    # Per finding and in total, in 万元 with two decimals; the money counts every round that counts.
    assert "整改金额：累计12.50万元，其中上缴财政12.50万元。" in text
    assert "涉及金额0.89万元" in text  # 8,888.88 元
    (table,) = docx.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["问题编号", "问题摘要", "涉及金额（万元）", "已整改金额（万元）", "整改状态"]
    assert rows[1:] == [
        [several.ledger_number, "专项资金结余未上缴", "12.50", "12.50", "已销号"],
        [open_.ledger_number, "尚未整改的问题", "0.89", "0.00", "整改中"],
        ["合计", "2个问题", "13.39", "12.50", ""],
    ]
    assert "问题涉及金额13.39万元，已整改金额12.50万元" in text

    # A period from January: the finding closed in March is in it, and so are all three rounds.
    spring = services.ReportPeriod.from_query({"from": "2025-01-01", "to": "2025-08-31"})
    spring_text = all_text(open_docx(services.unit_report(world["unit"], world.unit, spring).content))
    assert closed_before.ledger_number in spring_text  # closed in March: in this period
    assert "第1轮报送（2025年2月10日）" in spring_text and "第3轮报送" in spring_text

    # The open findings alone: not the closed ones.
    open_only = all_text(
        open_docx(services.unit_report(world["unit"], world.unit, services.ReportPeriod(open_only=True)).content)
    )
    assert several.ledger_number not in open_only and open_.ledger_number in open_only


def test_unit_report_of_open_findings_lists_their_latest_round(world):
    from rectify.rectification import services as rectification

    finding = make_finding(world, state="submitted")
    rectification.verify(world["auditor"], finding.reports.get(), verdict="partly_rectified", reasons="尚有余款")
    finding.refresh_from_db()
    rectification.submit_report(world["unit"], finding, measures="继续清理挂账", progress="已清理大部分")
    text = all_text(
        open_docx(services.unit_report(world["unit"], world.unit, services.ReportPeriod(open_only=True)).content)
    )
    assert "第2轮报送" in text and "继续清理挂账" in text and "第1轮报送" not in text
    assert "以往报送：此前报送的第1轮不再列出，本报告只列出最近一轮。" in text


def test_unit_report_table_keeps_each_ledger_number_and_amount_on_one_line(world):
    finding = make_finding(world, state="rectifying", amount_involved=Decimal("9876543210.00"))
    docx = open_docx(services.unit_report(world["unit"], world.unit).content)
    (table,) = docx.tables
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(widths) == pytest.approx(builder.TEXT_WIDTH_TW, abs=5)

    def needed(text: str) -> float:
        return builder.text_width(text) * builder.TABLE_PT * 20 + 2 * builder.CELL_MARGIN_TW

    assert table.rows[1].cells[0].text == finding.ledger_number
    assert widths[0] > needed(finding.ledger_number)
    assert table.rows[1].cells[2].text == "987,654.32"  # 万元
    assert widths[2] > needed("987,654.32") and widths[3] > needed("987,654.32")
    assert widths[4] > needed("持续整改")
    # The hyphens cannot break either.
    cell = table.rows[1].cells[0]._tc
    assert len(cell.findall(".//" + qn("w:noBreakHyphen"))) == 3
    assert not [t.text for t in cell.iter(qn("w:t")) if "-" in (t.text or "")]
