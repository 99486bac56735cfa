"""Money is Decimal yuan with two places, never float; shown in one format in every language.

``parse_amount`` is the one reader of amounts: the web forms (``rectify.core.forms.MoneyField``), the
API (``rectify.api.fields.MoneyField``), the services and the Excel import all go through it, so an
amount accepted in one place is accepted everywhere, and refused everywhere with the same message.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from rectify.core.exceptions import ActionRefused

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e13")
# Digits of the largest accepted amount, with room for the separators and the decimals: anything
# longer is refused before Decimal sees it.
_MAX_TEXT = 40

# ASCII digits only (no full-width or Arabic-Indic digits, which Decimal would read), an optional
# minus (to say "negative" rather than "invalid"), thousands separators only in groups of three,
# no exponent, no underscore, no sign other than the minus.
_AMOUNT_TEXT = re.compile(r"(-)?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")
_YUAN_SUFFIX = re.compile(r"\s*[（(]元[)）]\s*$")


def amount_label(field_label) -> str:
    """The field's name as messages say it: “涉及金额（元）” reads “涉及金额” (the unit belongs to the input)."""
    return _YUAN_SUFFIX.sub("", str(field_label))


def _refuse_invalid(label: str, value) -> ActionRefused:
    shown = str(value)
    if len(shown) > 50:
        shown = shown[:50] + "…"
    return ActionRefused(_("%(field)s「%(value)s」不是有效金额。") % {"field": label, "value": shown})


def parse_amount(value, field_label, *, field: str | None = None) -> Decimal:
    """A non-negative amount with at most two decimal places below ``MAX_AMOUNT``, or an ``ActionRefused``
    naming the field: never any other exception, whatever ``value`` is.

    Text must be a plain decimal (``1234567.89``, or ``1,234,567.89`` with correct separators); an
    int or a Decimal (a JSON number read by the API's parser, a value computed by the system) is
    taken by its value; a float, whose binary value is not what anyone typed, is refused."""
    label = amount_label(field_label)
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, bool):
        raise _refuse_invalid(label, value)
    if isinstance(value, float):
        raise ActionRefused(_("%(field)s须以精确的十进制数填写，不能使用浮点数。") % {"field": label})
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise _refuse_invalid(label, value)
        amount = value
    elif isinstance(value, str):
        text = value.strip()
        match = _AMOUNT_TEXT.fullmatch(text) if len(text) <= _MAX_TEXT else None
        if match is None:
            raise _refuse_invalid(label, value)
        amount = Decimal(text.replace(",", ""))
    else:
        raise _refuse_invalid(label, value)
    if amount < 0:
        raise ActionRefused(_("%(field)s不能为负数。") % {"field": label})
    # Below 10^13 yuan: with the two decimals that is 15 significant digits, what SQLite (the embedded
    # default) keeps exactly; larger values would come back rounded, or fail to load at all. Checked
    # before quantize, which fails on values beyond the context's 28 digits.
    if amount >= MAX_AMOUNT:
        raise ActionRefused(_("%(field)s超出允许范围。") % {"field": label})
    try:
        cents = amount.quantize(CENT)
    except InvalidOperation:  # pragma: no cover - bounded above; kept so no other exception escapes
        raise _refuse_invalid(label, value) from None
    if amount != cents:
        raise ActionRefused(_("%(field)s最多保留两位小数（分）。") % {"field": label})
    return cents + 0  # + 0: "-0.00" reads as "0.00"


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
