"""The official fonts, their installed stand-ins, and how both reach the .docx and the PDF conversion."""

import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from rectify.documents import builder, fonts
from rectify.documents.tests.helpers import east_asia_font, open_docx


def fake_fonts(monkeypatch, *names: str, cjk: tuple[str, ...] | None = None) -> None:
    """Pretends that exactly ``names`` are installed (``cjk`` of them Chinese; all by default)."""
    installed = {n.lower(): n for n in names}
    chinese = installed if cjk is None else {n.lower(): n for n in cjk}
    monkeypatch.setattr(fonts, "_installed_families", lambda: (installed, chinese))


def test_official_font_is_used_when_installed(monkeypatch):
    fake_fonts(monkeypatch, "仿宋_GB2312", "Noto Serif CJK SC")
    assert fonts.available_cjk_font(fonts.BODY) == "仿宋_GB2312"
    choice = fonts.choose(fonts.BODY)
    assert choice.official_installed and choice.name == "仿宋_GB2312"


def test_fallback_order_serif_for_song_and_fangsong_sans_for_hei(monkeypatch):
    fake_fonts(
        monkeypatch,
        "Noto Serif CJK SC",
        "Noto Sans CJK SC",
        "DejaVu Sans",
        cjk=("Noto Serif CJK SC", "Noto Sans CJK SC"),
    )
    assert fonts.available_cjk_font(fonts.TITLE) == "Noto Serif CJK SC"
    assert fonts.available_cjk_font(fonts.BODY) == "Noto Serif CJK SC"
    assert fonts.available_cjk_font(fonts.HEADING_1) == "Noto Sans CJK SC"
    assert fonts.available_cjk_font(fonts.HEADING_2) == "Noto Serif CJK SC"
    assert fonts.available_cjk_font(fonts.PAGE_NUMBER) == "Noto Serif CJK SC"


def test_any_chinese_font_when_no_candidate_is_installed(monkeypatch):
    fake_fonts(
        monkeypatch, "DejaVu Sans", "WenQuanYi Zen Hei", "AR PL UMing CN", cjk=("WenQuanYi Zen Hei", "AR PL UMing CN")
    )
    assert fonts.available_cjk_font(fonts.BODY) == "AR PL UMing CN"  # simplified Chinese preferred
    fake_fonts(monkeypatch, "DejaVu Sans", cjk=())
    assert fonts.available_cjk_font(fonts.BODY) is None
    choice = fonts.choose(fonts.BODY)
    assert choice.fallback is None and choice.name == "仿宋_GB2312"


def test_the_docx_keeps_the_official_names_and_records_the_fallback(monkeypatch):
    fake_fonts(monkeypatch, "Noto Serif CJK SC", "Noto Sans CJK SC")
    doc = builder.OfficialDocument(subject="t")
    doc.title("标题")
    doc.paragraph("正文")
    document = open_docx(doc.to_bytes())
    assert east_asia_font(document.paragraphs[0].runs[0]) == "方正小标宋简体"
    assert east_asia_font(document.paragraphs[1].runs[0]) == "仿宋_GB2312"
    table = parse_xml(document.part.part_related_by(RT.FONT_TABLE).blob)
    entries = {f.get(qn("w:name")): f for f in table.findall(qn("w:font"))}
    for official, fallback in (
        ("方正小标宋简体", "Noto Serif CJK SC"),
        ("仿宋_GB2312", "Noto Serif CJK SC"),
        ("黑体", "Noto Sans CJK SC"),
    ):
        entry = entries[official]
        assert entry.find(qn("w:altName")).get(qn("w:val")) == fallback
        assert entry.find(qn("w:charset")).get(qn("w:val")) == "86"  # GB2312: a reader substitutes a Chinese font


def test_installed_mode_writes_the_fallback_names(monkeypatch, settings):
    fake_fonts(monkeypatch, "Noto Serif CJK SC", "Noto Sans CJK SC")
    settings.RECTIFY_DOCUMENT_FONTS = {"mode": "installed"}
    doc = builder.OfficialDocument(subject="t")
    doc.title("标题")
    doc.heading1("一、总体情况")
    document = open_docx(doc.to_bytes())
    assert east_asia_font(document.paragraphs[0].runs[0]) == "Noto Serif CJK SC"
    assert east_asia_font(document.paragraphs[1].runs[0]) == "Noto Sans CJK SC"


def test_fonts_are_configurable_per_role(monkeypatch, settings):
    fake_fonts(monkeypatch, "FangSong", "Noto Serif CJK SC")
    settings.RECTIFY_DOCUMENT_FONTS = {"body": ["仿宋", "FangSong"], "title": "方正小标宋_GBK"}
    assert fonts.choose(fonts.BODY).official == "仿宋" and fonts.choose(fonts.BODY).fallback == "FangSong"
    assert fonts.choose(fonts.TITLE).official == "方正小标宋_GBK"
    settings.RECTIFY_DOCUMENT_FONTS = {"mode": "nonsense"}
    with pytest.raises(ValueError, match="mode"):
        fonts.font_mode()


def test_fontconfig_file_maps_absent_official_fonts(monkeypatch, tmp_path):
    fake_fonts(monkeypatch, "Noto Serif CJK SC", "Noto Sans CJK SC")
    path = fonts.fontconfig_file(tmp_path)
    if path is None:
        pytest.skip("no system fontconfig configuration to include")
    text = path.read_text(encoding="utf-8")
    assert "<string>仿宋_GB2312</string>" in text and "<string>Noto Serif CJK SC</string>" in text
    assert "<string>黑体</string>" in text and "<string>Noto Sans CJK SC</string>" in text
    assert "<const>bold</const>" in text  # 小标宋 is heavier than the regular serif
    fake_fonts(monkeypatch, *(names[0] for names in fonts.DEFAULT_FONTS.values()))
    assert fonts.fontconfig_file(tmp_path / "none") is None  # all official fonts installed: nothing to map


def test_real_fc_list_is_read():
    fonts._installed_families.cache_clear()
    installed, chinese = fonts._installed_families()
    if not installed:
        pytest.skip("fontconfig (fc-list) is not installed")
    assert set(chinese) <= set(installed)
