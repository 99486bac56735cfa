"""Chinese text of findings into tokens, fully offline.

``normalise`` folds full-width forms to half-width (NFKC), lower-cases, and replaces every amount,
date, year, percentage and number (Arabic or Chinese numerals with a counting unit) by nothing, so
that the same problem with another amount or in another year reads the same. ``tokens`` then yields
jieba words (with the audit-term dictionary shipped in ``data/audit_terms.txt``) and the character
bigrams of each run of Chinese characters; stop words and single characters other than bigrams are
dropped. Clauses are memoised: ledgers repeat stock phrases, and jieba is the slow part.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

DICTIONARY = Path(__file__).resolve().parent / "data" / "audit_terms.txt"
# Terms longer than this are cut (the vocabulary is a fixed-width array, memory-mapped).
MAX_TERM = 12

_AFTER_DIGITS = (
    "万亿|亿元|万元|千元|元|亿|万|%|‰|年度|年|月份|月|日|号|期|届|个|项|笔|次|人|家|户|所|名|天|份|台|辆|套|处|批|条|张"
    "|平方米|亩|公里|米|吨"
)
_AFTER_CN_DIGITS = "个|项|笔|次|人|家|户|所|名|天|份|台|辆|套|间|处|批|条|张|年度|年|月份|月|日|周|季度|期|届"
_NUMBER = re.compile(
    rf"""
    (?:\d+(?:[.,]\d+)*\s*(?:{_AFTER_DIGITS})?)
    | (?:第?[零〇一二两三四五六七八九十百千]+(?:万|亿)?(?:{_AFTER_CN_DIGITS}))
    | (?:第[零〇一二两三四五六七八九十百千\d]+)
    | (?:[a-z]+\d+[a-z\d-]*)
    """,
    re.VERBOSE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_LATIN = re.compile(r"[a-z]{2,}")
_CLAUSE = re.compile(r"[^\u4e00-\u9fffa-z]+")

STOP_WORDS = frozenset(
    """的 了 和 与 及 或 等 在 对 为 是 有 将 把 被 由 于 其 中 该 此 已 也 并 但 而 向 从 至 以 之 所 上 下 内 外
    存在 问题 情况 相关 有关 方面 工作 进行 部分 其中 以及 通过 没有 未能 导致 造成 一些 一定
    按照 根据 要求 规定 单位 本单位
    该单位 我局 审计 发现 抽查 经查 合计 共计 金额 涉及 累计 截至 期间 年度 当年 其他""".split()
)

_lock = threading.Lock()
_tokenizer = None


def tokenizer():
    """The jieba tokenizer with the audit-term dictionary (built once per process)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                made = jieba.Tokenizer()
                made.initialize()
                made.load_userdict(str(DICTIONARY))
                _tokenizer = made
    return _tokenizer


def normalise(text: str) -> str:
    """Half-width, lower case, numbers/amounts/dates removed, punctuation turned into clause breaks."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _NUMBER.sub(" ", text)
    return text


@lru_cache(maxsize=200_000)
def _clause_tokens(clause: str) -> tuple[str, ...]:
    found: list[str] = []
    for word in tokenizer().lcut(clause, HMM=False):
        word = word.strip()
        if len(word) >= 2 and word not in STOP_WORDS and (_CJK.fullmatch(word) or _LATIN.fullmatch(word)):
            found.append("w:" + word[: MAX_TERM - 2])
    for run in _CJK.findall(clause):
        found.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tuple(found)


def tokens(text: str) -> list[str]:
    """The tokens of ``text``: ``w:``-prefixed words and plain character bigrams."""
    found: list[str] = []
    for clause in _CLAUSE.split(normalise(text)):
        if clause:
            found.extend(_clause_tokens(clause))
    return found


def finding_text(title: str, description: str, requirements: Iterable[str] = ()) -> str:
    """What is indexed of a finding. The title is what states the problem: it counts twice."""
    return "\n".join([title, title, description, *requirements])
