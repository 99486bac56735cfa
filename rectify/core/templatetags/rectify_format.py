"""Figures as the pages show them.

Money in one format everywhere: ``{{ amount|money }}`` in yuan, ``{{ amount|money:"wan" }}`` in 万元 for
the totals of summaries. The table of the ledger formats with the same function."""

from django import template

from rectify.core.money import format_money

register = template.Library()


@register.filter
def money(value, unit: str = "yuan") -> str:
    """356800 → 356,800.00 (yuan); with ``"wan"`` → 35.68 (万元)."""
    return format_money(value, unit or "yuan")


@register.filter
def wan(value) -> str:
    """The same as ``money:"wan"``, for templates written before ``money``."""
    return format_money(value, "wan")


@register.filter
def yuan(value) -> str:
    """The same as ``money``, for templates written before it."""
    return format_money(value)


@register.filter
def minutes(value) -> int:
    """A duration (a timedelta) in whole minutes, rounded up: a lock of 15 minutes shows as 15."""
    seconds = value.total_seconds() if hasattr(value, "total_seconds") else float(value or 0)
    return int(-(-seconds // 60))
