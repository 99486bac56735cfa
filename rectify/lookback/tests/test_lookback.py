"""Looking back: the draw is deterministic and stratified by rule, each item explained; re-checks (relapsed
flags the finding); re-occurrence after close-out on both findings' pages and on /lookback/; who sees and who
acts; pages in bounded queries; the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from rectify.audits.choices import AuditType
from rectify.core.exceptions import ActionRefused
from rectify.findings import services as findings
from rectify.lookback import services
from rectify.lookback.choices import LookbackRule, RecheckResult
from rectify.lookback.models import LookbackSample, SampleItem
from rectify.testing import ADMINISTRATORS, PASSWORD, api_token, make_finding, make_project

pytestmark = pytest.mark.django_db


def closed_ledger(world):
    """Closed findings: two large ones, two of the fiscal category, two small ones of the transport bureau."""
    big = [make_finding(world, "closed", amount_involved=Decimal("900000.00"), title=f"大额{i}") for i in range(2)]
    fiscal = [
        make_finding(world, "closed", unit=world.sibling_unit, category=world.fiscal_category, title=f"挪用{i}",
                     amount_involved=Decimal("200000.00"))
        for i in range(2)
    ]  # fmt: skip
    small = [
        make_finding(world, "closed", unit=world.other_unit, amount_involved=Decimal("130000.00"), title=f"小额{i}")
        for i in range(2)
    ]
    return big, fiscal, small


def repeat_after_close_out(world, earlier):
    """A finding of a later audit confirmed to repeat ``earlier`` (closed before it was recorded)."""
    project = make_project(world, world.office_a, [earlier.unit], AuditType.BUDGET_EXECUTION, year=2026)
    later = make_finding(
        world,
        "issued",
        project=project,
        unit=earlier.unit,
        title="往来款再次长期挂账",
        deadline=datetime.date(2026, 12, 31),
    )
    findings.link_repeats(world["auditor"], later, [earlier])
    return later


RULES = dict(min_amount=Decimal("500000"), repeat_history=True)


def test_the_draw_is_deterministic_stratified_and_explained(world):
    big, fiscal, small = closed_ledger(world)
    rules = services.Rules(min_amount=Decimal("500000"), categories=(world.fiscal_category,))
    office = world.office_a
    first, population = services.plan_draw(office, rules, seed=42, size=3)
    again, _population = services.plan_draw(office, rules, seed=42, size=3)
    assert first == again and population == 4
    # Shared out between the two rules (2 + 1), each finding chosen by a rule it matches.
    by_rule = {rule: [pk for pk, r in first if r == rule] for rule in (LookbackRule.AMOUNT, LookbackRule.CATEGORY)}
    assert len(by_rule[LookbackRule.AMOUNT]) == 2 and len(by_rule[LookbackRule.CATEGORY]) == 1
    assert set(by_rule[LookbackRule.AMOUNT]) == {f.pk for f in big}
    assert set(by_rule[LookbackRule.CATEGORY]) <= {f.pk for f in fiscal}
    # A stratum short of findings passes its share on: 4 asked of the amount rule alone gives its 2 only,
    # and with the category rule too, all four.
    assert len(services.plan_draw(office, services.Rules(min_amount=Decimal("500000")), seed=1, size=4)[0]) == 2
    assert len(services.plan_draw(office, rules, seed=1, size=4)[0]) == 4
    # Different seeds draw different categories' findings over time, same seed always the same.
    picks = {tuple(services.plan_draw(office, services.Rules(categories=(world.fiscal_category,)), seed=s, size=1)[0])
             for s in range(12)}  # fmt: skip
    assert len(picks) == 2

    sample = services.draw_sample(world["auditor"], title="2026年回头看", seed=42, size=3, rules=rules)
    items = list(sample.items.select_related("finding").order_by("position"))
    assert [(i.finding_id, i.rule) for i in items] == first
    for item in items:
        if item.rule == LookbackRule.AMOUNT:
            assert "900000.00" in item.reason and "500000" in item.reason
        else:
            assert world.fiscal_category.name in item.reason
    # Small findings of the transport bureau match no rule and are never drawn.
    assert not SampleItem.objects.filter(finding__in=small).exists()


def test_unit_history_rules(world):
    big, _fiscal, small = closed_ledger(world)
    repeat_after_close_out(world, big[0])  # the first school has a repeat history
    rules = services.Rules(repeat_history=True)
    chosen = {pk for pk, _rule in services.plan_draw(world.office_a, rules, seed=3, size=10)[0]}
    assert chosen == {f.pk for f in big}
    # A false-rectification verdict on the transport bureau puts its closed findings in the other stratum.
    from rectify.rectification import services as rectification

    suspect = make_finding(world, "submitted", unit=world.other_unit)
    rectification.verify(
        world["auditor"], suspect.reports.latest("pk"), verdict="false_rectification", reasons="凭证系事后补造",
        verified_amount="0",
    )  # fmt: skip
    chosen = services.plan_draw(world.office_a, services.Rules(false_history=True), seed=3, size=10)[0]
    assert {pk for pk, _ in chosen} == {f.pk for f in small}
    sample = services.draw_sample(world["auditor"], title="单位历史", seed=3, size=10,
                                  rules=services.Rules(false_history=True))  # fmt: skip
    assert all("虚假整改" in item.reason for item in sample.items.all())


def test_refusals_change_nothing(world):
    closed_ledger(world)
    count = LookbackSample.objects.count()
    with pytest.raises(ActionRefused):
        services.draw_sample(world["auditor"], title="无规则", seed=1, size=5, rules=services.Rules())
    with pytest.raises(ActionRefused) as refused:
        services.draw_sample(world["dept"], title="部门", seed=1, size=5, rules=services.Rules(**RULES))
    assert refused.value.code == "forbidden"
    with pytest.raises(ActionRefused):
        services.draw_sample(world["auditor"], title="x", seed=1, size=0, rules=services.Rules(**RULES))
    assert LookbackSample.objects.count() == count


def test_a_relapsed_recheck_flags_the_finding(world, client):
    _big, _fiscal, _small = closed_ledger(world)
    sample = services.draw_sample(
        world["auditor"], title="回头看", seed=5, size=2, rules=services.Rules(min_amount=Decimal("500000"))
    )
    first, second = sample.items.order_by("position")
    services.assign_auditor(world["auditlead"], first, world["auditor2"])
    with pytest.raises(ActionRefused) as refused:
        services.record_recheck(world["auditor"], first, result=RecheckResult.RELAPSED, note="")
    assert "note" in refused.value.error_dict
    services.record_recheck(world["auditor2"], first, result=RecheckResult.RELAPSED, note="挂账再次出现")
    services.record_recheck(world["auditor"], second, result=RecheckResult.HOLDS, note="")
    first.refresh_from_db()
    assert first.checked_by == world["auditor2"] and first.auditor == world["auditor2"] and first.checked_on
    # A stale edit is refused.
    with pytest.raises(ActionRefused) as refused:
        services.record_recheck(world["auditor"], first, result=RecheckResult.HOLDS, note="", version=1)
    assert refused.value.code == "stale"
    # Who acts: the office that drew it; a higher office reads it; another district and units do not see it.
    for username, code in (("city_auditor", "forbidden"), ("auditor_b", "not_found"), ("unit", "not_found")):
        with pytest.raises(ActionRefused) as refused:
            services.record_recheck(world[username], second, result=RecheckResult.RELAPSED, note="x")
        assert refused.value.code == code, username
    assert services.progress(sample) == {"relapsed": 1, "holds": 1, "not_checked": 0}
    assert client.login(username="unit", password=PASSWORD)
    page = client.get(first.finding.get_absolute_url()).content.decode()
    assert 'data-testid="relapsed-flag"' in page and "挂账再次出现" in page
    assert sample.get_absolute_url() not in page  # the unit is not shown the office's working papers
    page = client.get(second.finding.get_absolute_url()).content.decode()
    assert 'data-testid="relapsed-flag"' not in page


def test_reoccurrence_after_close_out_is_flagged_on_both_pages_and_listed(world, client):
    big, _fiscal, _small = closed_ledger(world)
    earlier = big[0]
    later = repeat_after_close_out(world, earlier)
    # A repeat of a finding still open is no re-occurrence after close-out.
    open_one = make_finding(world, "rectifying", title="尚未销号")
    project = make_project(world, world.office_a, [world.unit], AuditType.BUDGET_EXECUTION, year=2027)
    not_after = make_finding(
        world, "issued", project=project, title="重复未销号问题", deadline=datetime.date(2027, 12, 31)
    )
    findings.link_repeats(world["auditor"], not_after, [open_one])

    links = list(services.reoccurrences())
    assert [(link.from_finding_id, link.to_finding_id) for link in links] == [(later.pk, earlier.pk)]
    assert services.reoccurrence_of(earlier) == {"earlier": [], "later": [later]}
    assert services.reoccurrence_of(open_one) == {"earlier": [], "later": []}
    assert client.login(username="unit", password=PASSWORD)
    assert 'data-testid="reoccurred-flag"' in client.get(later.get_absolute_url()).content.decode()
    assert 'data-testid="reoccurred-later-flag"' in client.get(earlier.get_absolute_url()).content.decode()
    assert 'data-testid="reoccurred' not in client.get(not_after.get_absolute_url()).content.decode()
    assert client.get("/lookback/").status_code == 404  # the page is the audit office's
    client.logout()
    assert client.login(username="auditor", password=PASSWORD)
    page = client.get("/lookback/").content.decode()
    assert page.count('data-testid="reoccurrence-row"') == 1 and later.ledger_number in page
    client.logout()
    assert client.login(username="auditor_b", password=PASSWORD)  # another district: not its ledger
    assert 'data-testid="reoccurrence-row"' not in client.get("/lookback/").content.decode()


def test_who_sees_samples(world, client):
    closed_ledger(world)
    sample = services.draw_sample(world["auditor"], title="回头看", seed=1, size=2, rules=services.Rules(**RULES))
    for username in ("auditor", "auditor2", "auditlead", "city_auditor"):
        assert LookbackSample.objects.restrict(world[username]).filter(pk=sample.pk).exists(), username
    for username in ("auditor_b", "unit", "dept", "gov", "committee", *ADMINISTRATORS):
        assert not LookbackSample.objects.restrict(world[username]).exists(), username
        client.logout()
        assert client.login(username=username, password=PASSWORD)
        assert client.get(sample.get_absolute_url()).status_code == 404, username


def test_pages_answer_in_bounded_queries(world, client, django_assert_max_num_queries):
    big, _fiscal, _small = closed_ledger(world)
    repeat_after_close_out(world, big[0])
    repeat_after_close_out(world, big[1])
    for seed in range(3):
        services.draw_sample(world["auditor"], title=f"回头看{seed}", seed=seed, size=4, rules=services.Rules(**RULES))
    sample = LookbackSample.objects.first()
    assert client.login(username="auditor", password=PASSWORD)
    with django_assert_max_num_queries(16):
        assert client.get("/lookback/").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get(sample.get_absolute_url()).status_code == 200


def test_the_form_keeps_what_was_typed(world, client):
    assert client.login(username="auditor", password=PASSWORD)
    response = client.post("/lookback/samples/new/", {"title": "我写的名称", "size": "5", "seed": "9"})
    assert response.status_code == 200 and "我写的名称" in response.content.decode()
    assert "请至少设置一条复查规则" in response.content.decode()
    assert not LookbackSample.objects.exists()


def test_the_api(world):
    closed_ledger(world)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world['auditor'])}")
    response = api.post(
        "/api/lookback-samples/",
        {"title": "API", "seed": 11, "size": 3, "min_amount": "500000", "categories": [world.fiscal_category.pk]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["items"]) == 3 and all(item["reason"] for item in body["items"])
    item = body["items"][0]
    response = api.post(
        f"/api/lookback-samples/{body['id']}/recheck/",
        {"item": item["id"], "result": "relapsed", "note": "反弹", "version": item["version"]},
        format="json",
    )
    assert response.status_code == 200 and response.json()["items"][0]["result"] == "relapsed"
    response = api.post(
        f"/api/lookback-samples/{body['id']}/recheck/",
        {"item": item["id"], "result": "holds", "version": item["version"]},
        format="json",
    )
    assert response.status_code == 412
    unit = APIClient()
    unit.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world['unit'])}")
    assert unit.get(f"/api/lookback-samples/{body['id']}/").status_code == 404
    assert unit.get("/api/lookback-samples/").json()["count"] == 0


def test_the_api_names_no_other_office_s_auditor(world):
    """An auditor id of another office and one that does not exist get the same refusal, and nothing changes:
    the answer is no oracle of other offices' accounts."""
    from rectify.accounts.models import User

    closed_ledger(world)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world['auditor'])}")
    body = api.post("/api/lookback-samples/", {"title": "API", "seed": 3, "size": 2, **RULES}, format="json").json()
    item = body["items"][0]
    missing = User.objects.order_by("-pk").first().pk + 1000
    answers = []
    for auditor in (world["auditor_b"].pk, missing):
        response = api.post(
            f"/api/lookback-samples/{body['id']}/recheck/",
            {
                "item": item["id"],
                "result": "relapsed",
                "note": "再次挂账",
                "auditor": auditor,
                "version": item["version"],
            },
            format="json",
        )
        assert response.status_code == 400
        answers.append(response.json())
    assert answers[0] == answers[1] and "auditor" in answers[0]
    assert SampleItem.objects.get(pk=item["id"]).result == RecheckResult.NOT_CHECKED
    response = api.post(
        f"/api/lookback-samples/{body['id']}/recheck/",
        {
            "item": item["id"],
            "result": "relapsed",
            "note": "再次挂账",
            "auditor": world["auditor2"].pk,
            "version": item["version"],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert SampleItem.objects.get(pk=item["id"]).auditor == world["auditor2"]
