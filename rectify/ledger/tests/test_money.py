"""Money in one format everywhere, in Chinese too (issue 8): 356,800.00 元 on every page, totals in
万元 where summaries use them, through the one template filter ``money``."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

import rectify
from rectify.core.money import format_money
from rectify.testing import PASSWORD, make_finding

AMOUNT = Decimal("356800.00")


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (Decimal("356800"), "yuan", "356,800.00"),
        (Decimal("1234567.89"), "yuan", "1,234,567.89"),
        (Decimal("0"), "yuan", "0.00"),
        (None, "yuan", "—"),
        (Decimal("1234567.00"), "wan", "123.46"),
        (Decimal("123456789012.00"), "wan", "12,345,678.90"),
        ("356800.00", "yuan", "356,800.00"),
    ],
)
def test_one_format_for_money(value, unit, shown):
    assert format_money(value, unit) == shown


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_filter_groups_thousands_in_every_language(language):
    with translation.override(language):
        rendered = Template('{% load rectify_format %}{{ a|money }} {{ a|money:"wan" }}').render(Context({"a": AMOUNT}))
    assert rendered == "356,800.00 35.68"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/findings/{pk}/", "/findings/{pk}/print/", "/ledger/"])
def test_the_pages_show_money_with_separators_in_chinese(client, world, page):
    finding = make_finding(world, state="submitted", amount_involved=AMOUNT)
    assert client.login(username="auditor", password=PASSWORD)
    html = client.get(page.format(pk=finding.pk), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "356,800.00" in html
    assert "356800.00" not in html
    if "findings" in page:
        assert "125,000.00" in html  # the report round's amount (make_finding reports 125000.00)


def test_every_template_that_shows_money_uses_the_money_filter():
    root = Path(rectify.__file__).parent
    shown = re.compile(r"\{\{[^}]*amount[^}]*\}\}")
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        assert "intcomma" not in text and "|yuan" not in text, template
        for variable in shown.findall(text):
            if "|money" not in variable and "amount_min" not in variable and "amount_max" not in variable:
                offenders.append(f"{template.relative_to(root)}: {variable}")
    assert not offenders
