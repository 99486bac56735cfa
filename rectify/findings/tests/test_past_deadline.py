"""A deadline before today (Asia/Shanghai) is refused when a finding is recorded or corrected, through the
service, the web form and the API, located on the deadline field (issue 8). Historical data still loads:
the import, the demo and the test factories pass ``allow_past_deadline=True``; an old finding whose
deadline has passed can still be corrected in its other fields."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from rectify.core.exceptions import ActionRefused
from rectify.findings import services as findings
from rectify.findings.models import Finding
from rectify.testing import PASSWORD, finding_data, make_finding

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2025, 8, 1)
YESTERDAY = TODAY - datetime.timedelta(days=1)
PAST_MESSAGE = "整改期限 2025-07-31 早于今天（2025-08-01），请填写今天或以后的日期。"


@pytest.fixture(autouse=True)
def _today():
    # 01:30 in Shanghai is still the day before in UTC: "today" is the Shanghai day.
    with time_machine.travel(datetime.datetime(2025, 8, 1, 1, 30, tzinfo=SHANGHAI), tick=False):
        yield


def deadline_refusal(call) -> list[str]:
    """The refusal's messages, which must be located on the deadline field."""
    with pytest.raises(ActionRefused) as caught:
        call()
    assert set(caught.value.message_dict) == {"deadline"}, caught.value.message_dict
    return caught.value.message_dict["deadline"]


# --- the service ------------------------------------------------------------------------------------------


def test_recording_a_deadline_before_today_is_refused_and_today_is_accepted(world):
    auditor = world["auditor"]
    refused = deadline_refusal(lambda: findings.create_finding(auditor, **finding_data(world, deadline=YESTERDAY)))
    assert refused == [PAST_MESSAGE]
    assert not Finding.all_objects.exists()
    assert findings.create_finding(auditor, **finding_data(world, deadline=TODAY)).deadline == TODAY


def test_a_deadline_the_rule_computes_before_today_is_refused_too(world):
    world.project.report_number, world.project.report_date = "甲审报〔2025〕3号", datetime.date(2025, 6, 1)
    world.project.save()
    refused = deadline_refusal(lambda: findings.create_finding(world["auditor"], **finding_data(world, deadline=None)))
    assert refused == ["按整改类型规则计算的整改期限 2025-07-01 早于今天（2025-08-01），请填写整改期限。"]
    phased = findings.create_finding(world["auditor"], **finding_data(world, deadline=None, kind="phased"))
    assert phased.deadline == datetime.date(2025, 8, 30)


def test_historical_data_may_carry_past_deadlines(world):
    """The import, the demo and the factories record history: they say so, and nothing else may."""
    auditor = world["auditor"]
    old = findings.create_finding(auditor, allow_past_deadline=True, **finding_data(world, deadline=YESTERDAY))
    assert old.deadline == YESTERDAY
    built = findings.build_finding(auditor, allow_past_deadline=True, **finding_data(world, deadline=YESTERDAY))
    assert built.finding.deadline == YESTERDAY
    assert make_finding(world, state="issued", deadline=datetime.date(2025, 3, 31)).deadline.year == 2025
    # The audit office's own rules still hold for history.
    before_start = deadline_refusal(
        lambda: findings.create_finding(
            auditor, allow_past_deadline=True, **finding_data(world, deadline=datetime.date(2025, 2, 1))
        )
    )
    assert before_start == ["整改期限 2025-02-01 早于审计项目开始日期 2025-03-01。"]


def test_moving_a_deadline_before_today_is_refused(world):
    finding = make_finding(world, state="issued", deadline=datetime.date(2025, 9, 30))
    refused = deadline_refusal(
        lambda: findings.update_finding(world["auditor"], finding, reason="提前", deadline=YESTERDAY)
    )
    assert refused == [PAST_MESSAGE]
    finding.refresh_from_db()
    assert finding.deadline == datetime.date(2025, 9, 30)


def test_an_old_finding_past_its_deadline_can_still_be_corrected(world):
    old = make_finding(world, state="issued", deadline=datetime.date(2025, 6, 30))
    # Sending the deadline again unchanged (as a form or a full PATCH does) blocks nothing.
    findings.update_finding(world["auditor"], old, reason="更正摘要", title="更正后的摘要", deadline=old.deadline)
    old.refresh_from_db()
    assert (old.title, old.deadline) == ("更正后的摘要", datetime.date(2025, 6, 30))


# --- the web form --------------------------------------------------------------------------------------------


def form_data(world, **overrides) -> dict:
    data = {
        "project": world.project.pk, "unit": world.unit.pk, "title": "往来款长期挂账",
        "description": "其他应收款3笔共12.5万元挂账超过三年。", "category": world.category.pk,
        "amount_involved": "125000.00", "requirements": "清理挂账", "kind": "immediate",
        "disclosure": "public", "deadline": YESTERDAY.isoformat(),
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_form_refuses_a_past_deadline_on_the_deadline_field(client, world):
    assert client.login(username="auditor", password=PASSWORD)
    response = client.post(reverse("findings:finding-create"), form_data(world))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"deadline": [PAST_MESSAGE]}
    html = response.content.decode()
    assert 'data-testid="form-errors"' not in html  # located on the field, not above the form
    assert not Finding.all_objects.exists()
    assert client.post(reverse("findings:finding-create"), form_data(world, deadline="2025-08-01")).status_code == 302


def test_the_edit_form_refuses_a_past_deadline_and_saves_other_fields_of_an_old_finding(client, world):
    old = make_finding(world, state="issued", deadline=datetime.date(2025, 6, 30))
    assert client.login(username="auditor", password=PASSWORD)
    url = reverse("findings:finding-edit", args=[old.pk])
    initial = client.get(url).context["form"].initial
    data = form_data(
        world,
        title="更正后的摘要",
        requirements="\n".join(r.text for r in old.requirements.all()),
        deadline="2025-06-30",
        reason="更正摘要",
        version=initial["version"],
    )
    moved = client.post(url, {**data, "deadline": "2025-07-15"})
    assert moved.status_code == 200 and moved.context["form"].errors == {
        "deadline": ["整改期限 2025-07-15 早于今天（2025-08-01），请填写今天或以后的日期。"]
    }
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["form"].errors
    old.refresh_from_db()
    assert (old.title, old.deadline) == ("更正后的摘要", datetime.date(2025, 6, 30))


# --- the API ----------------------------------------------------------------------------------------------


def api_client(user):
    from rest_framework.test import APIClient

    from rectify.testing import api_token

    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_the_api_refuses_a_past_deadline_keyed_by_the_field(world):
    api = api_client(world["auditor"])
    payload = {
        "project": world.project.pk, "unit": world.unit.pk, "title": "专项资金结余未上缴",
        "description": "结余12.5万元未上缴财政。", "category": world.category.pk,
        "requirements": ["上缴结余资金"], "deadline": YESTERDAY.isoformat(),
    }  # fmt: skip
    response = api.post("/api/findings/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"deadline": [PAST_MESSAGE]}
    assert not Finding.all_objects.exists()

    old = make_finding(world, state="issued", deadline=datetime.date(2025, 6, 30))
    moved = api.patch(f"/api/findings/{old.pk}/", {"deadline": "2025-07-15", "reason": "提前"}, format="json")
    assert moved.status_code == 400 and list(moved.json()) == ["deadline"]
    kept = api.patch(
        f"/api/findings/{old.pk}/", {"title": "更正后的摘要", "deadline": "2025-06-30", "reason": "更正"}, format="json"
    )
    assert kept.status_code == 200, kept.json()
    assert kept.json()["title"] == "更正后的摘要" and kept.json()["deadline"] == "2025-06-30"
