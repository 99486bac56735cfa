"""The pages and the API of sharing: each action via the web and the API, 404 outside the scope,
403 for a role that sees but may not act, what was typed kept on a refusal."""

import datetime

import pytest
from rest_framework.test import APIClient

from rectify.sharing import services
from rectify.sharing.choices import PackageStatus, SubscriptionState, Target
from rectify.sharing.models import InspectionPackage, Subscription
from rectify.testing import make_finding


def request(world):
    return services.request_subscription(world["inspector"], target=Target.UNIT, unit=world.unit, purpose="巡察")


def test_request_and_decide_on_the_web(sharing, client):
    world = sharing
    client.force_login(world["inspector"])
    assert client.get("/sharing/").status_code == 200
    refused = client.post("/sharing/new/", {"target": "unit", "purpose": "巡察一中", "period_days": 7})
    assert refused.status_code == 200 and "请选择要订阅的" in refused.content.decode()
    assert "巡察一中" in refused.content.decode()  # what was typed is kept
    answer = client.post(
        "/sharing/new/", {"target": "unit", "unit": world.unit.pk, "purpose": "巡察一中", "period_days": 14}
    )
    subscription = Subscription.objects.get()
    assert answer.status_code == 302 and answer.url == subscription.get_absolute_url()
    assert subscription.period_days == 14 and subscription.state == SubscriptionState.PENDING
    assert client.get(f"/sharing/{subscription.pk}/approve/").status_code == 403
    client.force_login(world["auditlead"])
    page = client.get(f"/sharing/{subscription.pk}/")
    assert 'data-testid="approve"' in page.content.decode()
    answer = client.post(f"/sharing/{subscription.pk}/approve/", {"comment": "同意"}, follow=True)
    assert "已同意订阅" in answer.content.decode()
    subscription.refresh_from_db()
    assert subscription.state == SubscriptionState.APPROVED


@pytest.mark.parametrize("name", ["unit", "dept", "discipline", "sysadmin", "auditor_b", "sasac"])
def test_outsiders_get_404(sharing, client, name):
    world = sharing
    subscription = request(world)
    client.force_login(world[name])
    assert client.get(f"/sharing/{subscription.pk}/").status_code == 404
    assert client.post(f"/sharing/{subscription.pk}/approve/", {}).status_code in (403, 404)
    subscription.refresh_from_db()
    assert subscription.state == SubscriptionState.PENDING


def test_request_refused_to_other_roles(sharing, client):
    world = sharing
    client.force_login(world["auditor"])
    assert client.get("/sharing/new/").status_code == 403


def test_subscriber_reads_the_ledger_and_the_finding(sharing, client):
    world = sharing
    finding = make_finding(world, "submitted")
    subscription = request(world)
    client.force_login(world["inspector"])
    assert client.get(f"/findings/{finding.pk}/").status_code == 404
    services.approve_subscription(world["auditor"], subscription)
    assert client.get(f"/findings/{finding.pk}/").status_code == 200
    assert finding.ledger_number in client.get("/ledger/").content.decode()


def test_api(sharing):
    world = sharing
    api = APIClient()
    api.force_authenticate(world["inspector"])
    created = api.post(
        "/api/subscriptions/", {"target": "unit", "unit": world.unit.pk, "purpose": "巡察"}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert api.post(f"/api/subscriptions/{pk}/approve/", {}, format="json").status_code == 403
    assert api.get("/api/subscriptions/").json()["count"] == 1
    outsider = APIClient()
    outsider.force_authenticate(world["sasac"])
    assert outsider.get(f"/api/subscriptions/{pk}/").status_code == 404
    auditor = APIClient()
    auditor.force_authenticate(world["auditor"])
    answer = auditor.post(f"/api/subscriptions/{pk}/approve/", {"comment": "同意"}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "approved"
    assert auditor.post(f"/api/subscriptions/{pk}/approve/", {}, format="json").status_code == 400
    assert api.get(f"/api/subscriptions/{pk}/digests/").json() == []
    answer = api.post(f"/api/subscriptions/{pk}/revoke/", {"comment": "巡察结束"}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "revoked"


def built_package(client, unit_id: int, capture) -> InspectionPackage:
    """Asks for the package of a unit on the web and lets the job run (after the commit, inline in tests, as
    the referral package's job does); the package page shows it ready."""
    with capture(execute=True):
        answer = client.post(f"/sharing/units/{unit_id}/package/")
    package = InspectionPackage.objects.latest("pk")
    assert answer.status_code == 302 and answer.url == package.get_absolute_url()
    package.refresh_from_db()
    assert package.status == PackageStatus.DONE
    return package


def download(client, package, kind: str) -> bytes:
    answer = client.get(f"/sharing/packages/{package.pk}/package.{kind}")
    assert answer.status_code == 200
    return b"".join(answer.streaming_content)


def test_package_of_one_unit(sharing, client, django_capture_on_commit_callbacks):
    import io

    from docx import Document
    from openpyxl import load_workbook

    world = sharing
    closed = make_finding(world, "closed", title='=HYPERLINK("http://x")挂账')
    make_finding(world, "issued", unit=world.other_unit)
    subscription = request(world)
    client.force_login(world["inspector"])
    assert client.get(f"/sharing/units/{world.unit.pk}/package/").status_code == 404  # nothing seen yet
    assert client.post(f"/sharing/units/{world.unit.pk}/package/").status_code == 404
    assert not InspectionPackage.objects.exists()
    services.approve_subscription(world["auditor"], subscription)
    page = client.get(f"/sharing/{subscription.pk}/").content.decode()
    assert 'data-testid="package"' in page
    # The former addresses lead to the package page.
    for old in ("package.xlsx", "package.docx"):
        moved = client.get(f"/sharing/units/{world.unit.pk}/{old}")
        assert moved.status_code == 302 and moved.url == f"/sharing/units/{world.unit.pk}/package/"
    # Asked for, the package is queued, not built in the request: the job builds it after the commit.
    client.post(f"/sharing/units/{world.unit.pk}/package/")
    queued = InspectionPackage.objects.get()
    assert queued.status == PackageStatus.QUEUED and not queued.workbook
    page = client.get(queued.get_absolute_url()).content.decode()
    assert 'data-status="queued"' in page and "hx-get" in page and 'data-testid="package-xlsx"' not in page
    assert client.get(f"/sharing/packages/{queued.pk}/package.xlsx").status_code == 404
    package = built_package(client, world.unit.pk, django_capture_on_commit_callbacks)
    page = client.get(package.get_absolute_url()).content.decode()
    assert 'data-status="done"' in page and 'data-testid="package-xlsx"' in page and "hx-get" not in page
    assert package.findings_count == 1
    workbook = load_workbook(io.BytesIO(download(client, package, "xlsx")))
    assert workbook.sheetnames == ["问题", "整改历程", "整改方案", "整改报告", "核实认定", "约谈", "提请追责"]
    rows = list(workbook["问题"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == closed.ledger_number
    title_cell = workbook["问题"].cell(row=2, column=6)
    assert title_cell.data_type == "s" and title_cell.value.startswith("=HYPERLINK")
    assert len(list(workbook["整改历程"].iter_rows())) == 1 + closed.events.count()
    assert len(list(workbook["核实认定"].iter_rows())) == 2
    assert client.get(f"/sharing/units/{world.other_unit.pk}/package/").status_code == 404
    text = "\n".join(p.text for p in Document(io.BytesIO(download(client, package, "docx"))).paragraphs)
    assert "共1个" in text and "整改历程" in text
    unit_page = client.get(f"/sharing/units/{world.unit.pk}/package/").content.decode()
    assert unit_page.count('data-testid="package-row"') == 2
    # A package is its requester's alone.
    client.force_login(world["auditor"])
    assert client.get(package.get_absolute_url()).status_code == 404
    assert client.get(f"/sharing/packages/{package.pk}/package.xlsx").status_code == 404


def test_the_package_over_the_api(sharing, django_capture_on_commit_callbacks):
    world = sharing
    make_finding(world, "closed")
    services.approve_subscription(world["auditor"], request(world))
    api = APIClient()
    api.force_authenticate(world["inspector"])
    assert api.post("/api/inspection-packages/", {"unit": world.other_unit.pk}, format="json").status_code == 404
    queued = api.post("/api/inspection-packages/", {"unit": world.unit.pk}, format="json")
    assert queued.status_code == 201 and queued.json()["status"] == "queued"
    assert api.get(f"/api/inspection-packages/{queued.json()['id']}/workbook/").status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post("/api/inspection-packages/", {"unit": world.unit.pk}, format="json")
    pk = answer.json()["id"]
    shown = api.get(f"/api/inspection-packages/{pk}/").json()
    assert shown["status"] == "done" and shown["findings_count"] == 1
    workbook = api.get(f"/api/inspection-packages/{pk}/workbook/")
    assert workbook.status_code == 200 and b"".join(workbook.streaming_content)[:2] == b"PK"
    assert api.get(f"/api/inspection-packages/{pk}/document/").status_code == 200
    assert api.get("/api/inspection-packages/").json()["count"] == 2
    api.force_authenticate(world["auditor"])
    assert api.get(f"/api/inspection-packages/{pk}/").status_code == 404
    assert api.get("/api/inspection-packages/").json()["count"] == 0


def test_a_failed_build_is_shown_and_changes_nothing_else(sharing, client, django_capture_on_commit_callbacks):
    from unittest import mock

    world = sharing
    make_finding(world, "closed")
    services.approve_subscription(world["auditor"], request(world))
    client.force_login(world["inspector"])
    with (
        mock.patch("rectify.exchange.sharing.package_workbook", side_effect=RuntimeError("磁盘已满")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(f"/sharing/units/{world.unit.pk}/package/")  # the queue records the job's error
    package = InspectionPackage.objects.get()
    assert package.status == PackageStatus.FAILED and "磁盘已满" in package.error and not package.workbook
    page = client.get(package.get_absolute_url()).content.decode()
    assert 'data-testid="package-error"' in page and "hx-get" not in page


def test_the_package_and_the_scope_carry_the_accountability_the_findings_led_to(
    sharing, client, django_capture_on_commit_callbacks
):
    """A subscribing body reads the decided interviews and the sent referrals of its findings, not the audit
    office's proposals and drafts, nor those of units it did not subscribe to."""
    import io

    from openpyxl import load_workbook

    from rectify.interviews import services as interviews
    from rectify.interviews.models import Interview
    from rectify.referrals import services as referrals
    from rectify.referrals.models import Referral

    world = sharing
    finding = make_finding(world, "rectifying", deadline=datetime.date.today() + datetime.timedelta(days=30))
    elsewhere = make_finding(world, "rectifying", unit=world.other_unit)
    decided = interviews.propose(finding, "repeat", basis="屡审屡犯")
    interviews.decide(world["auditlead"], decided.pk, approve=True, reason="约谈主要负责人")
    proposal = interviews.propose(finding, "overdue", basis="逾期未报送")
    hidden = interviews.propose(elsewhere, "repeat", basis="屡审屡犯")
    interviews.decide(world["auditlead"], hidden.pk, approve=True, reason="约谈")
    sent = referrals.create_referral(
        world["auditor"], recipient=world.discipline, ground="refusal", findings=[finding], facts="拒不整改"
    )
    referrals.approve_referral(world["auditlead"], sent.pk)
    referrals.send_referral(world["auditlead"], sent.pk)
    draft = referrals.create_referral(
        world["auditor"], recipient=world.discipline, ground="obstruction", findings=[finding], facts="阻碍检查"
    )
    inspector = world["inspector"]
    assert not Interview.objects.restrict(inspector).exists() and not Referral.objects.restrict(inspector).exists()
    services.approve_subscription(world["auditor"], request(world))
    inspector = type(inspector).objects.get(pk=inspector.pk)  # scopes are cached per user object (request)
    assert set(Interview.objects.restrict(inspector).values_list("pk", flat=True)) == {decided.pk}
    assert set(Referral.objects.restrict(inspector).values_list("pk", flat=True)) == {sent.pk}
    assert not Interview.objects.restrict(inspector, "act").exists()
    assert proposal.pk and draft.pk
    client.force_login(inspector)
    package = built_package(client, world.unit.pk, django_capture_on_commit_callbacks)
    workbook = load_workbook(io.BytesIO(download(client, package, "xlsx")))
    assert workbook.sheetnames[-2:] == ["约谈", "提请追责"]
    interview_rows = list(workbook["约谈"].iter_rows(values_only=True))[1:]
    referral_rows = list(workbook["提请追责"].iter_rows(values_only=True))[1:]
    assert [row[0] for row in interview_rows] == [finding.ledger_number]
    assert [row[0] for row in referral_rows] == [finding.ledger_number] and referral_rows[0][2] == world.discipline.name
