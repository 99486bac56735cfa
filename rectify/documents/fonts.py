"""The fonts of GB/T 9704-2012 documents, and the installed CJK font that stands in for each when absent.

Each *role* (title, body, level-1 and level-2 headings, page number) has an official font and a list of
fallback candidates. ``RECTIFY_DOCUMENT_FONTS`` (optional, read with ``getattr``) overrides them::

    RECTIFY_DOCUMENT_FONTS = {
        "mode": "official",                       # or "installed"
        "body": ["仿宋_GB2312", "FangSong", "Noto Serif CJK SC"],   # official name first, then fallbacks
    }

``mode``:

- ``"official"`` (default): the .docx names the official fonts (方正小标宋简体, 仿宋_GB2312 …), because
  the document is read and printed on office machines that have them, and a name the reader's Word or
  WPS does not know would be replaced by whatever it picks. The installed fallback is recorded beside
  each official name in the document's font table (``w:altName``), and the PDF conversion tells
  LibreOffice to use it (see ``fontconfig_file``).
- ``"installed"``: the .docx names the first candidate that is actually installed here (the official
  font when present), for deployments whose readers have the same fonts as the server.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings

TITLE = "title"
BODY = "body"
HEADING_1 = "heading1"
HEADING_2 = "heading2"
PAGE_NUMBER = "page_number"

# The serif CJK families are the closer match for Song/FangSong/Kai; the sans family for Hei.
DEFAULT_FONTS: dict[str, tuple[str, ...]] = {
    TITLE: ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "Source Han Serif SC"),
    BODY: ("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC", "Source Han Serif SC"),
    HEADING_1: ("黑体", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC"),
    HEADING_2: ("楷体_GB2312", "楷体", "KaiTi", "Noto Serif CJK SC", "Source Han Serif SC"),
    PAGE_NUMBER: ("宋体", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC"),
}
# The official fonts that are heavier than the regular weight of their stand-in.
BOLD_WHEN_SUBSTITUTED = frozenset({TITLE})

OFFICIAL = "official"
INSTALLED = "installed"


@dataclass(frozen=True)
class FontChoice:
    role: str
    official: str
    fallback: str | None  # the installed font that stands in, None when nothing CJK is installed
    name: str  # the name written into the document

    @property
    def official_installed(self) -> bool:
        return self.fallback == self.official


def _configured() -> dict:
    value = getattr(settings, "RECTIFY_DOCUMENT_FONTS", None) or {}
    if not isinstance(value, dict):
        raise TypeError("RECTIFY_DOCUMENT_FONTS must be a dict")
    return value


def font_mode() -> str:
    mode = _configured().get("mode", OFFICIAL)
    if mode not in (OFFICIAL, INSTALLED):
        raise ValueError(f"RECTIFY_DOCUMENT_FONTS['mode'] must be {OFFICIAL!r} or {INSTALLED!r}, not {mode!r}")
    return mode


def candidates(role: str) -> tuple[str, ...]:
    """The official font of ``role`` first, then its fallbacks, as configured."""
    configured = _configured().get(role)
    if configured:
        names = (configured,) if isinstance(configured, str) else tuple(configured)
        return names
    return DEFAULT_FONTS[role]


@functools.lru_cache(maxsize=1)
def _installed_families() -> tuple[dict[str, str], dict[str, str]]:
    """Every family fontconfig knows, and the CJK ones among them, keyed by lower-cased name; empty
    without fc-list. Cached for the life of the process: fonts are installed with the system."""

    def families(pattern: str) -> dict[str, str]:
        try:
            output = subprocess.run(
                ["fc-list", pattern, "family"], capture_output=True, text=True, timeout=20, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return {}
        names: dict[str, str] = {}
        for line in output.splitlines():
            for name in line.split(","):
                name = name.strip().replace("\\-", "-")
                if name:
                    names.setdefault(name.lower(), name)
        return names

    if shutil.which("fc-list") is None:
        return {}, {}
    return families(":"), families(":lang=zh")


def installed_fonts() -> set[str]:
    return set(_installed_families()[0].values())


def is_installed(name: str) -> bool:
    return name.lower() in _installed_families()[0]


def available_cjk_font(role: str = BODY) -> str | None:
    """The font that will actually draw ``role`` here: the official one if installed, else the first
    installed fallback, else any installed CJK font (a Simplified Chinese serif preferred); None when
    there is none."""
    for name in candidates(role):
        if is_installed(name):
            return name
    cjk = sorted(_installed_families()[1].values())
    if not cjk:
        return None
    sc = [n for n in cjk if n.lower().endswith((" sc", " cn")) or "gb" in n.lower()]
    serif = [n for n in sc if "serif" in n.lower() or "song" in n.lower()]
    return (serif or sc or cjk)[0]


def choose(role: str) -> FontChoice:
    official = candidates(role)[0]
    fallback = available_cjk_font(role)
    name = official if font_mode() == OFFICIAL or fallback is None else fallback
    return FontChoice(role=role, official=official, fallback=fallback, name=name)


def all_choices() -> dict[str, FontChoice]:
    return {role: choose(role) for role in DEFAULT_FONTS}


def fontconfig_file(directory: Path) -> Path | None:
    """A fontconfig file that maps every absent official font to its installed stand-in, so that the
    PDF LibreOffice renders uses the fallback chosen here rather than whatever fontconfig guesses.
    None when there is nothing to map (all official fonts installed, or no fontconfig)."""
    system = Path("/etc/fonts/fonts.conf")
    rules = []
    for choice in all_choices().values():
        if choice.fallback is None or choice.official_installed:
            continue
        bold = (
            "<edit name='weight' mode='assign'><const>bold</const></edit>"
            if choice.role in BOLD_WHEN_SUBSTITUTED
            else ""
        )
        official, fallback = escape(choice.official), escape(choice.fallback)
        rules.append(
            f"<match target='pattern'><test name='family'><string>{official}</string></test>"
            f"<edit name='family' mode='assign' binding='strong'><string>{fallback}</string></edit>{bold}</match>"
        )
    if not rules or not system.exists():
        return None
    path = Path(directory) / "fonts.conf"
    path.write_text(
        "<?xml version='1.0'?>\n<!DOCTYPE fontconfig SYSTEM 'fonts.dtd'>\n<fontconfig>\n"
        f"<include ignore_missing='yes'>{system}</include>\n" + "\n".join(rules) + "\n</fontconfig>\n",
        encoding="utf-8",
    )
    return path
