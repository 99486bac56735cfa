"""The one money parser (``rectify.core.money.parse_amount``): what it takes, what it refuses, and a fuzz
showing it never raises anything but its located refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rectify.core.exceptions import ActionRefused
from rectify.core.money import MAX_AMOUNT, parse_amount

LABEL = "涉及金额（元）"


def refusal(value) -> str:
    with pytest.raises(ActionRefused) as info:
        parse_amount(value, LABEL)
    (message,) = info.value.messages
    return message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e26", "涉及金额「1e26」不是有效金额。"),
        ("1E+400", "涉及金额「1E+400」不是有效金额。"),
        ("12,3,4", "涉及金额「12,3,4」不是有效金额。"),
        ("1,23", "涉及金额「1,23」不是有效金额。"),
        ("1234,567", "涉及金额「1234,567」不是有效金额。"),
        ("1_000", "涉及金额「1_000」不是有效金额。"),
        ("１２３", "涉及金额「１２３」不是有效金额。"),  # full-width digits
        ("١٢٣", "涉及金额「١٢٣」不是有效金额。"),  # Arabic-Indic digits
        ("۱۲۳", "涉及金额「۱۲۳」不是有效金额。"),  # Persian digits
        ("+5", "涉及金额「+5」不是有效金额。"),
        (".5", "涉及金额「.5」不是有效金额。"),
        ("0x10", "涉及金额「0x10」不是有效金额。"),
        ("-5", "涉及金额不能为负数。"),
        ("-1,000.00", "涉及金额不能为负数。"),
        (Decimal("1E+30"), "涉及金额超出允许范围。"),  # a JSON number 1e30, as the API's parser reads it
        (Decimal("1E+400"), "涉及金额超出允许范围。"),
        (Decimal("-Infinity"), "涉及金额「-Infinity」不是有效金额。"),
        (Decimal("sNaN"), "涉及金额「sNaN」不是有效金额。"),
        ("10,000,000,000,000", "涉及金额超出允许范围。"),
        (True, "涉及金额「True」不是有效金额。"),
        ([1], "涉及金额「[1]」不是有效金额。"),
        ({"a": 1}, "涉及金额「{'a': 1}」不是有效金额。"),
        ("9" * 5000, "涉及金额「" + "9" * 50 + "…」不是有效金额。"),
    ],
)
def test_malformed_amounts_are_refused_with_the_chinese_label(value, message):
    assert refusal(value) == message


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("1,234,567.89", Decimal("1234567.89")),
        ("123", Decimal("123.00")),
        ("  12.5 ", Decimal("12.50")),
        ("-0", Decimal("0.00")),
        ("999", Decimal("999.00")),
        ("1,000", Decimal("1000.00")),
        (Decimal("1E+4"), Decimal("10000.00")),  # computed by the system (Decimal(1000000) / 100)
        (12, Decimal("12.00")),
        ("9,999,999,999,999.99", MAX_AMOUNT - Decimal("0.01")),
    ],
)
def test_well_formed_amounts_are_read_exactly(value, amount):
    parsed = parse_amount(value, LABEL)
    assert parsed == amount and str(parsed) == str(amount)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="0123456789,.-+eE_ １２٣ \t"),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.none(),
        st.lists(st.integers(), max_size=3),
    )
)
def test_fuzz_the_parser_refuses_or_reads_never_crashes(value):
    try:
        amount = parse_amount(value, LABEL)
    except ActionRefused as refused:
        assert refused.messages and all(message.startswith("涉及金额") for message in refused.messages)
        return
    assert isinstance(amount, Decimal)
    assert Decimal(0) <= amount < MAX_AMOUNT and amount == amount.quantize(Decimal("0.01"))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=int(MAX_AMOUNT * 100) - 1), st.booleans())
def test_fuzz_every_amount_round_trips_through_its_text(cents, grouped):
    amount = Decimal(cents) / 100
    text = f"{amount:,.2f}" if grouped else f"{amount:.2f}"
    assert parse_amount(text, LABEL) == amount
    assert parse_amount(str(parse_amount(text, LABEL)), LABEL) == amount


# --- the web forms read amounts with the same parser --------------------------------------------------


@pytest.mark.parametrize("value", ["1e26", "1E+400", "12,3,4", "1_000", "１２３", "١٢٣"])
def test_a_form_field_refuses_what_the_parser_refuses_with_the_same_message(value):
    from django import forms

    from rectify.core.forms import MoneyField

    with pytest.raises(forms.ValidationError) as info:
        MoneyField(label="涉及金额（元）").clean(value)
    assert info.value.messages == [refusal(value)]


def test_a_form_field_reads_thousands_separators():
    from rectify.core.forms import MoneyField

    assert MoneyField(label="涉及金额（元）").clean("1,234,567.89") == Decimal("1234567.89")
    assert MoneyField(label="涉及金额（元）").clean("") is None


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1e26", "12,3,4", "１２３"])
def test_the_verification_page_answers_a_bad_amount_at_its_field(client, world, value):
    from rectify.rectification.models import Verification
    from rectify.testing import PASSWORD, make_finding

    finding = make_finding(world, state="submitted")
    assert client.login(username="auditor", password=PASSWORD)
    response = client.post(
        f"/findings/{finding.pk}/verify/",
        {"verdict": "rectified", "verified_amount": value, "reasons": "核实", "confirm_close": "on"},
    )
    assert response.status_code == 200
    assert f"认定整改金额「{value}」不是有效金额。" in response.content.decode()
    assert not Verification.objects.exists()
