"""Special campaigns and consultations: scope of the chooser, transitions and refusals (nothing changed),
progress and the tracking table, consultations and their measures, visibility for every role, the web pages
(forms keep what was typed, query counts pinned) and the API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rectify.campaigns import services
from rectify.campaigns.choices import CampaignState
from rectify.campaigns.models import AgreedMeasure, Campaign, CampaignProgress, CampaignStep, Consultation
from rectify.campaigns.tests.helpers import days, dept_findings, open_dept_campaign
from rectify.core.exceptions import ActionRefused
from rectify.findings.warning import local_today
from rectify.testing import ADMINISTRATORS, PASSWORD, api_token

pytestmark = pytest.mark.django_db

EVERY_ROLE = (
    "auditor", "auditor2", "auditlead", "auditor_b", "city_auditor", "unit", "unithead", "sibling", "other",
    "unit_b", "dept", "orgdept", "finance", "discipline", "committee", "gov", "congress", "sysadmin", "secadmin",
    "logaudit",
)  # fmt: skip


def snapshot():
    return (
        list(Campaign.objects.values_list("pk", "state", "version", "title")),
        sorted(Campaign.findings.through.objects.values_list("campaign_id", "finding_id")),
        sorted(Campaign.units.through.objects.values_list("campaign_id", "organization_id")),
        CampaignProgress.objects.count(),
        CampaignStep.objects.count(),
        Consultation.objects.count(),
        AgreedMeasure.objects.count(),
    )


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


# --- scope of the chooser -------------------------------------------------------------------------


def test_the_department_chooses_only_its_units_findings(world):
    closed, late, foreign = dept_findings(world)
    chooser = set(services.finding_choices(world["dept"]).values_list("pk", flat=True))
    assert {closed.pk, late.pk} <= chooser and foreign.pk not in chooser
    # The audit office chooses in its jurisdiction; a unit chooses nothing.
    assert {closed.pk, late.pk, foreign.pk} <= set(
        services.finding_choices(world["auditor"]).values_list("pk", flat=True)
    )
    assert not services.finding_choices(world["unit"]).exists()


def test_another_departments_finding_is_refused_on_the_field_and_nothing_is_written(world):
    closed, _late, foreign = dept_findings(world)
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        open_dept_campaign(world, [closed, foreign])
    assert "findings" in refused.value.error_dict
    assert snapshot() == before
    campaign = open_dept_campaign(world, [closed])
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        services.update_campaign(
            world["dept"], campaign, title=campaign.title, problem=campaign.problem, findings=[closed, foreign],
            target_date=campaign.target_date, version=campaign.version,
        )  # fmt: skip
    assert "findings" in refused.value.error_dict
    assert snapshot() == before


def test_the_web_chooser_lists_and_accepts_only_the_scope(world, client):
    closed, late, foreign = dept_findings(world)
    login(client, "dept")
    page = client.get("/campaigns/new/").content.decode()
    assert closed.ledger_number in page and late.ledger_number in page and foreign.ledger_number not in page
    before = snapshot()
    response = client.post(
        "/campaigns/new/",
        {
            "title": "我写的名称",
            "problem": "我写的问题表述",
            "findings": [closed.pk, foreign.pk],
            "target_date": days(30),
        },
    )
    assert response.status_code == 200 and snapshot() == before
    form = response.context["form"]
    assert "findings" in form.errors
    body = response.content.decode()
    assert "我写的名称" in body and "我写的问题表述" in body  # what was typed is kept


def test_prefill_from_a_list_of_ids_keeps_only_the_scope(world, client):
    closed, _late, foreign = dept_findings(world)
    login(client, "dept")
    response = client.get(f"/campaigns/new/?findings={closed.pk},{foreign.pk},x&cluster=999999")
    initial = response.context["form"].initial
    assert [f.pk for f in initial["findings"]] == [closed.pk]


# --- the life of a campaign -------------------------------------------------------------------------


def test_a_campaign_runs_from_open_to_concluded_with_progress_and_notifications(
    world, django_capture_on_commit_callbacks
):
    closed, late, _foreign = dept_findings(world)
    with django_capture_on_commit_callbacks(execute=True):
        campaign = open_dept_campaign(world, [closed, late])
    assert set(campaign.units.values_list("pk", flat=True)) == {world.unit.pk, world.sibling_unit.pk}
    assert campaign.lead_organization == world.dept and campaign.state == CampaignState.OPEN
    assert world["unit"].notifications.filter(title__contains="专项整治").exists()
    assert world["sibling"].notifications.filter(title__contains="专项整治").exists()
    assert not world["other"].notifications.filter(title__contains="专项整治").exists()

    # Concluding straight from open is refused; so is a stranger's move.
    before = snapshot()
    with pytest.raises(ActionRefused, match="推进中"):
        services.conclude_campaign(world["dept"], campaign, conclusion="x", outcome="y")
    with pytest.raises(ActionRefused) as refused:
        services.start_campaign(world["unit"], campaign)
    assert refused.value.code == "forbidden"
    with pytest.raises(ActionRefused) as refused:
        services.start_campaign(world["auditor_b"], campaign)
    assert refused.value.code == "not_found"
    assert snapshot() == before

    services.start_campaign(world["dept"], campaign)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_progress(world["unit"], campaign, text="已清理挂账两笔。")
    assert world["dept"].notifications.filter(title__contains="专项整治进展").exists()
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        services.report_progress(world["other"], campaign, text="不相干")
    assert refused.value.code == "not_found"  # the transport bureau does not even see it
    with pytest.raises(ActionRefused) as refused:
        services.report_progress(world["dept"], campaign, text="部门不是涉及单位")
    assert refused.value.code == "forbidden"
    assert snapshot() == before

    rows = {row.unit.pk: row for row in services.tracking_rows(world["dept"], campaign)}
    assert rows[world.unit.pk].closed == 1 and rows[world.unit.pk].overdue == 0
    assert rows[world.unit.pk].last_progress.text == "已清理挂账两笔。"
    assert rows[world.sibling_unit.pk].overdue == 1 and rows[world.sibling_unit.pk].last_progress is None
    # A unit sees its own row only.
    assert [row.unit.pk for row in services.tracking_rows(world["sibling"], campaign)] == [world.sibling_unit.pk]

    with pytest.raises(ActionRefused) as refused:
        services.conclude_campaign(world["dept"], campaign, conclusion="", outcome="")
    assert {"conclusion", "outcome"} <= set(refused.value.error_dict)
    services.conclude_campaign(world["dept"], campaign, conclusion="总体完成", outcome="清理挂账 12.5 万元")
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CONCLUDED and campaign.concluded_by == world["dept"]
    with pytest.raises(ActionRefused, match="已总结"):
        services.report_progress(world["unit"], campaign, text="迟到的进展")
    assert [s.kind for s in campaign.steps.order_by("at", "pk")] == ["opened", "started", "progress", "concluded"]
    assert campaign.history.count() >= 3


def test_an_edit_from_a_stale_version_changes_nothing(world):
    closed, late, _foreign = dept_findings(world)
    campaign = open_dept_campaign(world, [closed])
    seen = campaign.version
    services.update_campaign(
        world["dept"], campaign, title="改过的名称", problem=campaign.problem, findings=[closed, late],
        target_date=campaign.target_date, version=seen,
    )  # fmt: skip
    campaign.refresh_from_db()
    assert campaign.version == seen + 1 and campaign.units.count() == 2
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        services.update_campaign(
            world["dept"], campaign, title="旧版本的修改", problem=campaign.problem, findings=[closed],
            target_date=campaign.target_date, version=seen,
        )  # fmt: skip
    assert refused.value.code == "stale"
    assert snapshot() == before


def test_the_audit_office_opens_a_campaign_across_its_jurisdiction(world):
    closed, _late, foreign = dept_findings(world)
    campaign = services.open_campaign(
        world["auditor"], title="全区专项", problem="跨部门问题", findings=[closed, foreign], target_date=days(60),
        lead_organization=world.dept,
    )  # fmt: skip
    assert campaign.owner == world["auditor"].organization and campaign.lead_organization == world.dept
    assert Campaign.objects.restrict(world["other"]).filter(pk=campaign.pk).exists()
    assert Campaign.objects.restrict(world["dept"]).filter(pk=campaign.pk).exists()  # lead and its units
    with pytest.raises(ActionRefused) as refused:
        services.open_campaign(world["unit"], title="x", problem="y", findings=[closed], target_date=days(1))
    assert refused.value.code == "forbidden"


def test_who_sees_a_campaign(world, client):
    closed, _late, _foreign = dept_findings(world)
    campaign = open_dept_campaign(world, [closed])
    sees = {"dept", "unit", "unithead", "auditor", "auditor2", "auditlead", "city_auditor"}
    for username in EVERY_ROLE:
        user = world[username]
        visible = Campaign.objects.restrict(user).filter(pk=campaign.pk).exists()
        assert visible == (username in sees), username
    for username in ("sibling", "other", "sysadmin"):
        client.logout()
        login(client, username)
        assert client.get(campaign.get_absolute_url()).status_code == 404, username
    for username in ADMINISTRATORS:
        assert not Campaign.objects.restrict(world[username]).exists()


def test_a_unit_sees_only_its_own_findings_of_a_campaign(world, client):
    closed, late, _foreign = dept_findings(world)
    campaign = open_dept_campaign(world, [closed, late])
    login(client, "sibling")
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert late.ledger_number in page and closed.ledger_number not in page


# --- consultations ------------------------------------------------------------------------------------


def test_a_consultation_agrees_measures_that_are_followed_up(world, django_capture_on_commit_callbacks):
    closed, late, _foreign = dept_findings(world)
    campaign = open_dept_campaign(world, [closed, late])
    with django_capture_on_commit_callbacks(execute=True):
        consultation = services.record_consultation(
            world["dept"], title="往来款清理会商", held_on=local_today(), topics="挂账清理口径",
            participants=[world.unit, world.sibling_unit, world.other_unit], campaign=campaign,
            measures=[
                services.MeasureSpec("统一清理口径", world.unit, days(-1)),
                services.MeasureSpec("报送清理台账", world.sibling_unit, days(30)),
            ],
        )  # fmt: skip
    assert world["unit"].notifications.filter(title__contains="议定措施").exists()
    first, second = consultation.measures.order_by("due_date")
    assert first.is_overdue() and not second.is_overdue()
    # The transport bureau takes part: it sees the consultation (not the campaign).
    assert Consultation.objects.restrict(world["other"]).filter(pk=consultation.pk).exists()
    assert not Campaign.objects.restrict(world["other"]).filter(pk=campaign.pk).exists()
    # Only the organizer or the organization responsible follows a measure up.
    before = snapshot()
    with pytest.raises(ActionRefused):
        services.follow_up_measure(world["sibling"], first, note="别人的措施", done_on=local_today())
    assert snapshot() == before
    services.follow_up_measure(world["unit"], first, note="已统一口径", done_on=local_today())
    first.refresh_from_db()
    assert first.is_done and not first.is_overdue()
    # A standalone consultation needs findings of the scope.
    with pytest.raises(ActionRefused) as refused:
        services.record_consultation(
            world["dept"], title="x", held_on=local_today(), topics="y", participants=[world.unit]
        )
    assert "findings" in refused.value.error_dict


def test_the_workbench_shows_consultation_panels(world, client):
    _closed, late, _foreign = dept_findings(world)
    services.record_consultation(
        world["dept"], title="单独会商", held_on=local_today(), topics="食堂收支", participants=[world.sibling_unit],
        findings=[late], measures=[services.MeasureSpec("食堂收支纳入预算", world.sibling_unit, days(10))],
    )  # fmt: skip
    login(client, "sibling")
    page = client.get("/workbench/").content.decode()
    assert 'data-testid="consultations-panel"' in page and "单独会商" in page and "1 项措施待落实" in page


# --- pages and the API --------------------------------------------------------------------------------


def test_pages_answer_in_bounded_queries(world, client, django_assert_max_num_queries):
    closed, late, _foreign = dept_findings(world)
    for i in range(3):
        campaign = open_dept_campaign(world, [closed, late])
        services.report_progress(world["unit"], campaign, text=f"进展{i}")
        services.record_consultation(
            world["dept"], title=f"会商{i}", held_on=local_today(), topics="议题", participants=[world.unit],
            campaign=campaign, measures=[services.MeasureSpec("措施", world.unit, days(5))],
        )  # fmt: skip
    login(client, "dept")
    with django_assert_max_num_queries(20):
        assert client.get("/campaigns/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(campaign.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/consultations/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(Consultation.objects.first().get_absolute_url()).status_code == 200


def test_the_web_flow_start_conclude_and_report(world, client):
    closed, _late, _foreign = dept_findings(world)
    campaign = open_dept_campaign(world, [closed])
    login(client, "unit")
    assert client.get(f"/campaigns/{campaign.pk}/start/").status_code == 403
    response = client.post(f"/campaigns/{campaign.pk}/progress/", {"text": "进展一"})
    assert response.status_code == 302 and campaign.progress.count() == 1
    client.logout()
    login(client, "dept")
    assert client.post(f"/campaigns/{campaign.pk}/start/", {}).status_code == 302
    response = client.post(f"/campaigns/{campaign.pk}/conclude/", {"conclusion": "我写的总结", "outcome": ""})
    assert response.status_code == 200 and "我写的总结" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.IN_PROGRESS
    response = client.post(f"/campaigns/{campaign.pk}/conclude/", {"conclusion": "总结", "outcome": "成效"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CONCLUDED


def test_the_api(world):
    closed, late, foreign = dept_findings(world)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world['dept'])}")
    before = snapshot()
    response = api.post(
        "/api/campaigns/",
        {"title": "API 专项", "problem": "问题", "findings": [closed.pk, foreign.pk], "target_date": str(days(30))},
        format="json",
    )
    assert response.status_code == 400 and "findings" in response.json()
    assert snapshot() == before
    response = api.post(
        "/api/campaigns/",
        {"title": "API 专项", "problem": "问题", "findings": [closed.pk, late.pk], "target_date": str(days(30))},
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert api.post(f"/api/campaigns/{pk}/start/", {}, format="json").status_code == 200
    response = api.post(
        f"/api/campaigns/{pk}/edit/",
        {"title": "改", "problem": "问题", "findings": [closed.pk], "target_date": str(days(30)), "version": 1},
        format="json",
    )
    assert response.status_code == 412
    listed = api.get("/api/campaigns/").json()
    assert listed["count"] == 1 and listed["results"][0]["units"]
    response = api.post(
        "/api/consultations/",
        {
            "title": "API 会商", "held_on": str(local_today()), "topics": "议题", "participants": [world.unit.pk],
            "campaign": pk, "measures": [{"text": "措施", "organization": world.unit.pk, "due_date": str(days(3))}],
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    measure = response.json()["measures"][0]["id"]
    unit_api = APIClient()
    unit_api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world['unit'])}")
    response = unit_api.post(
        f"/api/consultations/{response.json()['id']}/follow-up/",
        {"measure": measure, "note": "已落实", "done_on": str(local_today())},
        format="json",
    )
    assert response.status_code == 200 and response.json()["measures"][0]["done"] is True
    assert unit_api.post(f"/api/campaigns/{pk}/progress/", {"text": "单位进展"}, format="json").status_code == 200
    assert (
        unit_api.post(f"/api/campaigns/{pk}/conclude/", {"conclusion": "x", "outcome": "y"}, format="json").status_code
        == 403
    )
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world['sysadmin'])}")
    assert other.get(f"/api/campaigns/{pk}/").status_code == 404


def test_the_edit_page_refuses_a_stale_version_and_keeps_what_was_typed(world, client):
    closed, late, _foreign = dept_findings(world)
    campaign = open_dept_campaign(world, [closed])
    login(client, "dept")
    page = client.get(f"/campaigns/{campaign.pk}/edit/")
    assert page.status_code == 200 and [f.pk for f in page.context["form"].initial["findings"]] == [closed.pk]
    services.update_campaign(
        world["dept"], campaign, title="别人先改了", problem=campaign.problem, findings=[closed],
        target_date=campaign.target_date, version=campaign.version,
    )  # fmt: skip
    before = snapshot()
    response = client.post(
        f"/campaigns/{campaign.pk}/edit/",
        {
            "title": "我的修改",
            "problem": "我的表述",
            "findings": [closed.pk, late.pk],
            "target_date": days(40),
            "version": 1,
        },
    )
    assert response.status_code == 200 and snapshot() == before
    body = response.content.decode()
    assert "我的修改" in body and "第 1 版" in body


def test_the_consultation_form_keeps_what_was_typed(world, client):
    closed, _late, foreign = dept_findings(world)
    login(client, "dept")
    before = snapshot()
    response = client.post(
        "/consultations/new/",
        {"title": "我写的会商", "held_on": local_today(), "topics": "我写的议题", "participants": [world.unit.pk],
         "findings": [foreign.pk], "measure_text": "只写了措施"},
    )  # fmt: skip
    assert response.status_code == 200 and snapshot() == before
    form = response.context["form"]
    assert "findings" in form.errors and form.non_field_errors()
    assert "我写的会商" in response.content.decode() and "我写的议题" in response.content.decode()
    response = client.post(
        "/consultations/new/",
        {"title": "会商", "held_on": local_today(), "topics": "议题", "participants": [world.unit.pk],
         "findings": [closed.pk], "measure_text": "措施", "measure_organization": world.unit.pk,
         "measure_due_date": days(7)},
    )  # fmt: skip
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.measures.get().organization == world.unit
