"""Repeat proposals, the similar-findings API, the finding page's panel, clusters and the analysis page,
against a tiny index built in the test."""

import pytest
from django.urls import reverse

from rectify.analysis import services
from rectify.analysis.choices import ProposalState
from rectify.analysis.models import Cluster, RepeatProposal
from rectify.findings.models import FindingEvent
from rectify.notifications.models import Notification
from rectify.testing import api_token, build_world, make_finding, make_project

EARLIER = {
    "title": "挪用专项资金用于日常开支",
    "description": "2023年该单位从农业产业发展专项资金中列支办公楼修缮款12万元。",
    "requirements": ["归还被挪用的专项资金"],
}
LATER = {
    "title": "专项资金未按规定用途使用",
    "description": "2025年度该单位将农业产业发展专项资金35.6万元用于支付办公楼维修费用。",
    "requirements": ["将资金归垫原渠道"],
}
OTHER = {"title": "公务接待超标准", "description": "接待人均餐费超过规定标准。", "requirements": ["退还超标准部分"]}


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    world = build_world()
    old = make_project(
        world, world.office_a, [world.unit, world.sibling_unit, world.other_unit], "budget_execution", year=2024
    )
    world.earlier = make_finding(world, "issued", project=old, **EARLIER)
    world.sibling_earlier = make_finding(world, "issued", project=old, unit=world.sibling_unit, **EARLIER)
    world.other = make_finding(world, "issued", project=old, unit=world.other_unit, **OTHER)
    services.rebuild()
    return world


def test_entering_a_finding_proposes_the_earlier_ones_and_tells_the_auditors(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        later = make_finding(world, "draft", **LATER)
    proposals = list(RepeatProposal.objects.filter(finding=later).order_by("-same_unit", "-score"))
    assert [p.earlier_id for p in proposals] == [world.earlier.pk, world.sibling_earlier.pk]
    assert proposals[0].same_unit and proposals[0].state == ProposalState.PROPOSED
    assert world.other.pk not in {p.earlier_id for p in proposals}
    assert Notification.objects.filter(recipient=world["auditor"], title__contains=later.ledger_number).exists()
    # Idempotent: a second refresh proposes nothing new.
    services.refresh()
    assert RepeatProposal.objects.filter(finding=later).count() == 2


def test_confirm_links_the_repeat_and_reject_needs_a_reason(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        later = make_finding(world, "draft", **LATER)
    first, second = RepeatProposal.objects.filter(finding=later).order_by("-same_unit")
    client.force_login(world["unit"])
    assert client.post(reverse("analysis:proposal-confirm", args=[first.pk])).status_code == 404
    client.force_login(world["auditor"])
    response = client.post(reverse("analysis:proposal-confirm", args=[first.pk]), {"reason": ""})
    assert response.status_code == 302
    assert list(later.repeats.all()) == [world.earlier]
    assert FindingEvent.objects.filter(finding=later, action="link_repeats").exists()
    first.refresh_from_db()
    assert first.state == ProposalState.CONFIRMED and first.decided_by == world["auditor"]
    refused = client.post(reverse("analysis:proposal-reject", args=[second.pk]), {"reason": ""})
    assert refused.status_code == 200 and RepeatProposal.objects.get(pk=second.pk).state == ProposalState.PROPOSED
    client.post(reverse("analysis:proposal-reject", args=[second.pk]), {"reason": "不同单位，问题实质不同"})
    assert RepeatProposal.objects.get(pk=second.pk).state == ProposalState.REJECTED
    # Decided once: the API answers the state conflict, outside scope 404.
    auditor = {"HTTP_AUTHORIZATION": f"Token {api_token(world['auditor'])}"}
    again = client.post(f"/api/repeat-proposals/{second.pk}/confirm/", {}, content_type="application/json", **auditor)
    assert again.status_code in (400, 409)
    other = {"HTTP_AUTHORIZATION": f"Token {api_token(world['auditor_b'])}"}
    assert (
        client.post(
            f"/api/repeat-proposals/{second.pk}/confirm/", {}, content_type="application/json", **other
        ).status_code
        == 404
    )


def _similar(client, user, **body):
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token(user)}"}
    return client.post("/api/analysis/similar/", body, content_type="application/json", **headers)


def test_similar_api_is_scoped_and_puts_the_units_repeats_first(world, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        response = _similar(
            client, world["auditor"], text=LATER["title"] + LATER["description"], unit=world.sibling_unit.pk, limit=5
        )
    results = response.json()["results"]
    assert response.status_code == 200
    assert results[0]["finding"] == world.sibling_earlier.pk and results[0]["repeat"] is True
    assert {r["finding"] for r in results} >= {world.earlier.pk, world.sibling_earlier.pk}
    assert set(results[0]) == {"finding", "ledger_number", "score", "repeat"}
    unit = _similar(client, world["unit"], text=LATER["title"], limit=5).json()["results"]
    assert {r["finding"] for r in unit} == {world.earlier.pk}
    assert _similar(client, world["auditor_b"], text=LATER["title"]).json()["results"] == []
    assert _similar(client, world["sysadmin"], text=LATER["title"]).status_code == 404


def test_the_finding_page_shows_the_panel(
    world, client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        later = make_finding(world, "draft", **LATER)
    client.force_login(world["auditor"])
    client.get(later.get_absolute_url())
    with django_assert_max_num_queries(30):
        page = client.get(later.get_absolute_url())
    assert page.status_code == 200
    # The page holds the panel's place; the panel is loaded beside it.
    url = reverse("analysis:finding-similar", args=[later.pk])
    assert f'hx-get="{url}"' in page.content.decode()
    with django_assert_max_num_queries(16):
        panel = client.get(url, headers={"HX-Request": "true"})
    body = panel.content.decode()
    assert 'data-testid="finding-similar"' in body and world.earlier.ledger_number in body
    assert "<html" not in body  # the panel alone, swapped into the page
    assert f'data-testid="confirm-{RepeatProposal.objects.filter(finding=later).first().pk}"' in body
    opened = client.get(url).content.decode()  # opened directly: a page of its own
    assert "<html" in opened and world.earlier.ledger_number in opened and later.ledger_number in opened


def test_the_similar_panel_answers_only_within_the_finding_scope(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        later = make_finding(world, "draft", **LATER)
    url = reverse("analysis:finding-similar", args=[later.pk])
    for username in ("auditor_b", "sysadmin", "unit"):  # another district; an administrator; a draft's unit
        client.force_login(world[username])
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 404, username
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_nothing_similar_removes_the_panels_place(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alone = make_finding(world, "draft", title="鹦鹉螺号", description="鹦鹉螺号", requirements=["鹦鹉螺号"])
    client.force_login(world["auditor"])
    url = reverse("analysis:finding-similar", args=[alone.pk])
    answer = client.get(url, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and answer.content == b"", answer.content.decode()
    assert 'data-testid="finding-similar-none"' in client.get(url).content.decode()


def test_clusters_span_units_and_a_department_sees_its_own(world, client, django_assert_max_num_queries):
    made = services.compute_clusters(world.district_a.pk)
    assert made >= 1
    district = Cluster.objects.get(scope="district")
    assert set(district.findings.values_list("pk", flat=True)) == {world.earlier.pk, world.sibling_earlier.pk}
    assert district.unit_count == 2 and district.by_year == {"2024": 2}
    department = Cluster.objects.get(scope="department")
    assert department.department == world.dept
    client.force_login(world["dept"])
    assert client.get(reverse("analysis:cluster", args=[district.pk])).status_code == 404
    with django_assert_max_num_queries(15):
        page = client.get(reverse("analysis:cluster", args=[department.pk]))
    assert page.status_code == 200 and f"/campaigns/new/?cluster={department.pk}" in page.content.decode()
    assert set(services.cluster_findings(world["dept"], department.pk)) == {world.earlier, world.sibling_earlier}
    with pytest.raises(Cluster.DoesNotExist):
        services.cluster_findings(world["unit"], department.pk)
    client.force_login(world["auditor"])
    with django_assert_max_num_queries(20):
        listing = client.get(reverse("analysis:clusters"))
    assert listing.content.decode().count("analysis/clusters/") >= 2
    # Recomputing retires the earlier clusters.
    services.compute_clusters(world.district_a.pk)
    assert Cluster.objects.count() == 2


def test_analysis_page(world, client, django_assert_max_num_queries):
    services.compute_clusters(world.district_a.pk)
    client.force_login(world["auditor"])
    with django_assert_max_num_queries(16):
        page = client.get(reverse("analysis:analysis"))
    body = page.content.decode()
    assert page.status_code == 200 and 'id="analysis-data"' in body and 'data-testid="top-clusters"' in body
    client.force_login(world["committee"])
    page = client.get(reverse("analysis:analysis"))
    assert page.status_code == 200 and 'data-testid="suppressed"' in page.content.decode()
    assert 'data-testid="top-clusters"' not in page.content.decode()
    client.force_login(world["sysadmin"])
    assert client.get(reverse("analysis:analysis")).status_code == 404


def test_an_edit_reaches_the_index_through_the_refresh(world, django_capture_on_commit_callbacks):
    from rectify.findings import services as findings

    before = services.current_index()
    assert before.delta is None
    old_score = before.search("公务接待超标准", limit=1)[0].score
    with django_capture_on_commit_callbacks(execute=True):
        findings.update_finding(world["auditor"], world.other, title="违规出借财政资金且未收回", reason="更正问题摘要")
    found = services.current_index()
    assert found.delta is not None and world.other.pk in set(found.delta.doc_pk.tolist())
    hits = found.search("违规出借财政资金且未收回", limit=3)
    assert hits[0].pk == world.other.pk
    # The base's row of the finding is overridden: the old title no longer scores.
    assert next(h.score for h in found.search("公务接待超标准", limit=5) if h.pk == world.other.pk) < old_score / 2


def test_findings_in_the_ledger_before_the_analysis_get_their_proposals_from_the_command(world, settings):
    from io import StringIO

    from django.core.management import call_command

    later = make_finding(world, "issued", **LATER)  # its commit's refresh never ran: no proposals yet
    # Rebuilt with the later finding in it, four findings' idf weighs the shared terms less than the
    # refresh's delta does (which takes the base's idf): the tiny corpus needs a lower threshold.
    settings.RECTIFY_REPEAT_THRESHOLD = 0.2
    assert not RepeatProposal.objects.filter(finding=later).exists()
    out = StringIO()
    call_command("analyse", "--propose-existing", "--no-clusters", stdout=out)
    assert {p.earlier_id for p in RepeatProposal.objects.filter(finding=later)} == {
        world.earlier.pk,
        world.sibling_earlier.pk,
    }
    assert "新提出屡审屡犯建议 2 条" in out.getvalue()
    rejected = RepeatProposal.objects.get(finding=later, earlier=world.sibling_earlier)
    services.reject(world["auditor"], rejected.pk, reason="不是同一问题")
    call_command("analyse", "--propose-existing", "--no-clusters", stdout=StringIO())
    assert RepeatProposal.objects.filter(finding=later).count() == 2  # once each, the rejected one not again
    assert RepeatProposal.objects.get(pk=rejected.pk).state == ProposalState.REJECTED
