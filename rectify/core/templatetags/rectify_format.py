"""Chinese conventions for figures: 万元 in summaries, exact yuan elsewhere."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def wan(value) -> str:
    """Yuan shown in 万元 with two places, as summaries do (1,234,567.00 → 123.46)."""
    if value in (None, ""):
        return "—"
    amount = (Decimal(value) / Decimal(10000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{amount:,.2f}"


@register.filter
def yuan(value) -> str:
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):,.2f}"
