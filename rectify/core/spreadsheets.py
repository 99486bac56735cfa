"""What a spreadsheet takes for a formula: the one check behind every workbook and CSV the system
writes from user data (``rectify.exchange.cells`` for the ledger's workbooks, the security log's export)."""

from __future__ import annotations

# What a spreadsheet takes for the start of a formula (the tab and the carriage return because some
# programs drop them and read on; the full-width signs because WPS reads them as the ASCII ones).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (before or after its leading blanks)."""
    return text.startswith(FORMULA_TRIGGERS) or text.lstrip(" \t\r\n").startswith(FORMULA_TRIGGERS)
