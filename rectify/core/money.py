"""Money is Decimal yuan with two places, never float; shown in one format in every language."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from rectify.core.exceptions import ActionRefused

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e13")


def parse_amount(value, field_label: str, *, field: str | None = None) -> Decimal:
    """A non-negative amount with at most two decimal places, or a located refusal."""
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, float):
        raise ActionRefused(_("%(field)s须以精确的十进制数填写，不能使用浮点数。") % {"field": field_label})
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ActionRefused(
            _("%(field)s「%(value)s」不是有效金额。") % {"field": field_label, "value": value}
        ) from None
    if not amount.is_finite():
        raise ActionRefused(_("%(field)s「%(value)s」不是有效金额。") % {"field": field_label, "value": value})
    if amount < 0:
        raise ActionRefused(_("%(field)s不能为负数。") % {"field": field_label})
    if amount != amount.quantize(CENT):
        raise ActionRefused(_("%(field)s最多保留两位小数（分）。") % {"field": field_label})
    # Below 10^13 yuan: with the two decimals that is 15 significant digits, what SQLite (the embedded
    # default) keeps exactly; larger values would come back rounded, or fail to load at all.
    if amount >= MAX_AMOUNT:
        raise ActionRefused(_("%(field)s超出允许范围。") % {"field": field_label})
    return amount.quantize(CENT)


WAN = Decimal(10000)


def format_money(value, unit: str = "yuan") -> str:
    """An amount as every page shows it: thousands separators and two places whatever the language
    (356,800.00), in yuan, or in 万元 (``unit="wan"``) as summaries show totals (1,234,567.00 → 123.46).
    Django's localisation would drop the separators in Chinese, so it is not used for money."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value)
    if unit == "wan":
        amount = amount / WAN
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
