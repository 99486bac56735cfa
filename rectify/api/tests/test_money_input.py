"""Amounts through the API (issue 11, defect 4): every malformed amount of every money field is a 400
keyed by its field, in Chinese with the field's Chinese name, never a 500, and changes nothing."""

from __future__ import annotations

import json

import pytest

from rectify.api.tests.test_refusals import snapshot

pytestmark = pytest.mark.django_db

# As the JSON body would carry them: strings, and raw JSON numbers (written into the body as they are).
BAD = ['"1e26"', '"1E+400"', "1e30", "1E+400", '"12,3,4"', '"1_000"', '"１２３"', '"١٢٣"', '"-5"', "-5", "[1]", "{}"]


def post_raw(client, url: str, body: str, method: str = "post"):
    return getattr(client, method)(url, data=body, content_type="application/json")


def body(fields: dict, amount_field: str, raw_amount: str) -> str:
    """A JSON body with the amount spliced in verbatim (so ``1e30`` is a JSON number, not a string)."""
    text = json.dumps({**fields, amount_field: "__AMOUNT__"}, ensure_ascii=False)
    return text.replace('"__AMOUNT__"', raw_amount)


@pytest.fixture
def cases(world, ledger):
    base = {
        "project": world.project.pk,
        "unit": world.unit.pk,
        "title": "金额有误",
        "description": "金额有误",
        "category": world.category.pk,
        "requirements": ["整改"],
    }
    return [
        ("auditor", "post", "/api/findings/", base, "amount_involved", "涉及金额"),
        ("auditor", "patch", f"/api/findings/{ledger['draft'].pk}/", {}, "amount_involved", "涉及金额"),
        (
            "unit",
            "post",
            f"/api/findings/{ledger['rectifying_red'].pk}/reports/",
            {"measures": "m", "progress": "p"},
            "amount_to_treasury",
            "整改金额（上缴财政）",
        ),
        (
            "auditor",
            "post",
            f"/api/findings/{ledger['submitted'].pk}/verify/",
            {"verdict": "rectified", "reasons": "核实"},
            "verified_amount",
            "认定整改金额",
        ),
    ]


@pytest.mark.parametrize("raw", BAD)
def test_a_malformed_amount_is_a_400_keyed_by_its_field_in_chinese(api, cases, raw):
    before = snapshot()
    for user, method, url, fields, field, label in cases:
        response = post_raw(api(user), url, body(fields, field, raw), method)
        assert response.status_code == 400, (url, raw, response.content)
        errors = response.json()
        assert set(errors) == {field}, (url, raw, errors)
        (message,) = errors[field]
        assert message.startswith(label), message
        assert "Amount" not in message and "amount" not in message
    assert snapshot() == before


def test_a_negative_amount_names_the_field_in_chinese_not_english(api, cases):
    response = api("auditor").post("/api/findings/", {**cases[0][3], "amount_involved": "-1"}, format="json")
    assert response.json() == {"amount_involved": ["涉及金额不能为负数。"]}
    english = api("auditor", "en").post("/api/findings/", {**cases[0][3], "amount_involved": "-1"}, format="json")
    assert english.status_code == 400 and "不能为负数" not in english.json()["amount_involved"][0]


def test_well_formed_amounts_are_taken(api, cases):
    fields = cases[0][3]
    for raw, stored in [('"1,234,567.89"', "1234567.89"), ("125000.5", "125000.50"), ("1E+4", "10000.00")]:
        response = post_raw(api("auditor"), "/api/findings/", body({**fields, "title": raw}, "amount_involved", raw))
        assert response.status_code == 201, response.content
        assert response.json()["amount_involved"] == stored
