"""Variation on the demo's texts: reworded phrases, and restatements of an earlier finding (屡审屡犯).

A restatement keeps the substance of the earlier finding and changes what a later audit would change:
the amounts, the years, the counts, some wording, an opening phrase. The analysis of repeat findings
(similar-text search) is measured on these, so they must not be copies.
"""

from __future__ import annotations

import random
import re

from rectify.demo import texts as demo_texts
from rectify.demo.base import money_text

# Phrases audit reports write in more than one way; each is replaced by one of its alternatives.
SYNONYMS: dict[str, list[str]] = {
    "未按规定": ["未按照规定", "违反规定", "未严格按规定"],
    "未按照规定": ["未按规定", "未严格按照规定"],
    "不规范": ["不够规范", "存在不规范情况"],
    "不到位": ["落实不到位", "不够到位"],
    "存在": ["存在着", "仍存在"],
    "资金": ["款项", "资金"],
    "未及时": ["没有及时", "未能及时"],
    "不完善": ["不健全", "尚不完善"],
    "未经": ["没有经过", "未经过"],
    "挤占挪用": ["挪用", "挤占"],
    "超标准": ["超范围超标准", "超过标准"],
    "管理不严": ["管理不严格", "监管不严"],
    "滞留": ["滞拨", "滞留"],
    "截至": ["截止到", "截至"],
    "涉及金额": ["金额", "涉及资金"],
    "审计发现": ["审计中发现", "经审计发现"],
    "相关": ["有关", "相应"],
    "导致": ["造成", "致使"],
}
_SYNONYM_RE = re.compile("|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)))
OPENINGS = ["经查，", "审计发现，", "延伸审计发现，", "抽查发现，", "审计抽查显示，", ""]
_OPENING_RE = re.compile(r"^(经审计|经查|审计发现|抽查发现|延伸审计发现|审计抽查显示)[，,]")
_AMOUNT_RE = re.compile(r"(\d+(?:\.\d+)?)(万元|元)")
_YEAR_RE = re.compile(r"(20\d\d)(年)")
_REPEAT_RE = re.compile(
    "|".join(re.escape(s).replace(re.escape("{year}"), r"\d{4}") for s in demo_texts.REPEAT_SENTENCES)
)
_COUNT_RE = re.compile(r"(?<![\d.])(\d{1,3})(个|项|笔|次|家|户|人|所|批)")


def reword(rng: random.Random, text: str, share: float) -> str:
    """``text`` with about ``share`` of its known phrases replaced by another wording."""

    def swap(match: re.Match) -> str:
        word = match.group(0)
        return rng.choice(SYNONYMS[word]) if rng.random() < share else word

    return _SYNONYM_RE.sub(swap, text)


def restate(
    rng: random.Random, text: str, *, years: int, factor: float, title: bool = False, since: int | None = None
) -> str:
    """An earlier finding's ``text`` as a later audit states the same problem again: every amount scaled by
    ``factor`` (the new finding's amount over the earlier one's, so the sums still add up), its years moved
    on by ``years``, its counts changed, some phrases reworded, the opening varied; a description ends
    saying it was found before (in year ``since``)."""

    def amount(match: re.Match) -> str:
        cents = float(match.group(1)) * (10000 if match.group(2) == "万元" else 1) * 100
        scaled = max(100, round(cents * factor))
        scaled = round(scaled / 10000) * 10000 if scaled >= 100_0000 else round(scaled / 100) * 100
        return money_text(max(100, scaled))

    def year(match: re.Match) -> str:
        return f"{int(match.group(1)) + years}{match.group(2)}"

    def count(match: re.Match) -> str:
        number = int(match.group(1))
        return f"{max(1, number + rng.randint(-2, 4))}{match.group(2)}"

    # The earlier finding's own "found before" sentence is not carried over; this one says it.
    text = _REPEAT_RE.sub("", text)
    text = _AMOUNT_RE.sub(amount, text)
    text = _YEAR_RE.sub(year, text)
    text = _COUNT_RE.sub(count, text)
    text = reword(rng, text, 0.6)
    if title:
        return text[:200]
    text = _OPENING_RE.sub("", text)
    text = rng.choice(OPENINGS) + text
    if since is not None:
        text += rng.choice(demo_texts.REPEAT_SENTENCES).format(year=since)
    return text


def scale(text: str, factor: int) -> str:
    """``text`` with every amount multiplied by the whole number ``factor`` (exactly: 150万元 → 300万元)."""
    if factor == 1 or "元" not in text:
        return text

    def amount(match: re.Match) -> str:
        cents = round(float(match.group(1)) * (10000 if match.group(2) == "万元" else 1) * 100)
        return money_text(cents * factor)

    return _AMOUNT_RE.sub(amount, text)


def vary(rng: random.Random, text: str, factor: int, *, opening: bool = False) -> str:
    """Another district's statement of the same finding: amounts multiplied by ``factor``, counts changed,
    most of the known phrases worded otherwise, and (a description: ``opening``) another opening phrase;
    years and the rest kept."""

    def count(match: re.Match) -> str:
        return f"{max(1, int(match.group(1)) + rng.randint(-2, 4))}{match.group(2)}"

    text = scale(text, factor)
    text = _COUNT_RE.sub(count, text)
    text = reword(rng, text, 0.6)
    if opening:
        text = rng.choice(OPENINGS) + _OPENING_RE.sub("", text)
    return text
