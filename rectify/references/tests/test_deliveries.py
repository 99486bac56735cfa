"""Sending a year's reference and acknowledging it: who may do which, on the web and over the API, and the
recipients' workbench panel."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rectify.core.exceptions import ActionRefused
from rectify.references import services
from rectify.references.choices import DeliveryState, ReferenceKind
from rectify.references.models import ReferenceDelivery
from rectify.testing import OrganizationFactory, api_token

pytestmark = pytest.mark.django_db


def send(world, kind=ReferenceKind.CADRE, recipient=None, year=2025, actor="auditlead"):
    recipient = recipient or (world.orgdept if kind == ReferenceKind.CADRE else world.finance)
    return services.send_reference(world[actor], kind=kind, year=year, recipient=recipient, note="请查收")


def test_send_and_acknowledge(world, django_capture_on_commit_callbacks):
    from rectify.core import events

    seen = []
    events.subscribe("reference.sent", seen.append)
    events.subscribe("reference.acknowledged", seen.append)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = send(world)
    assert delivery.state == DeliveryState.SENT and delivery.office == world.office_a
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge_reference(world["orgdept"], delivery, comment="已存入干部档案")
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.ACKNOWLEDGED and delivery.acknowledged_by == world["orgdept"]
    assert delivery.acknowledgement == "已存入干部档案" and delivery.acknowledged_at is not None
    assert [event.name for event in seen][-2:] == ["reference.sent", "reference.acknowledged"]
    with pytest.raises(ActionRefused, match="已于"):
        services.acknowledge_reference(world["orgdept"], delivery)
    assert delivery.history.count() == 2  # sent, acknowledged: kept


@pytest.mark.parametrize("username", ["unit", "dept", "orgdept", "finance", "committee", "sysadmin", "auditor_b"])
def test_only_the_audit_office_sends_to_its_own_jurisdictions_bodies(world, username):
    if username == "auditor_b":  # district B's office may not send to district A's organization department
        with pytest.raises(ActionRefused) as refused:
            send(world, actor=username)
        assert "recipient" in refused.value.message_dict
        return
    with pytest.raises(ActionRefused) as refused:
        send(world, actor=username)
    assert refused.value.code == "forbidden"


def test_send_checks_the_recipient_the_year_and_once_per_year(world):
    with pytest.raises(ActionRefused) as refused:
        send(world, kind=ReferenceKind.CADRE, recipient=world.finance)  # the finance bureau takes no cadre reference
    assert "recipient" in refused.value.message_dict
    with pytest.raises(ActionRefused) as refused:
        send(world, year=1999)
    assert "year" in refused.value.message_dict
    send(world)
    with pytest.raises(ActionRefused, match="已报送"):
        send(world, actor="auditor")
    send(world, year=2024)  # another year
    assert ReferenceDelivery.objects.count() == 2


@pytest.mark.parametrize("username", ["finance", "auditor", "auditlead", "unit", "dept", "committee"])
def test_only_the_recipient_acknowledges(world, username):
    delivery = send(world)
    with pytest.raises(ActionRefused):
        services.acknowledge_reference(world[username], delivery)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT


def test_who_sees_a_delivery(world):
    cadre, budget = send(world), send(world, kind=ReferenceKind.BUDGET)
    other_orgdept = OrganizationFactory(
        name="乙区委组织部", kind="organization_department", jurisdiction=world.district_b
    )
    from rectify.testing import make_user

    stranger = make_user("orgdept_b", other_orgdept, "org_officer")

    def seen(user):
        return set(ReferenceDelivery.objects.restrict(user).values_list("pk", flat=True))

    assert seen(world["orgdept"]) == {cadre.pk}
    assert seen(world["finance"]) == {budget.pk}
    assert seen(world["auditor"]) == seen(world["city_auditor"]) == {cadre.pk, budget.pk}
    for nobody in ("unit", "dept", "committee", "gov", "discipline", "auditor_b", "sysadmin", "secadmin", "logaudit"):
        assert seen(world[nobody]) == set(), nobody
    assert seen(stranger) == set()


def test_on_the_web(client, world):
    client.force_login(world["auditlead"])
    refused = client.post("/references/deliveries/new/", {"kind": "cadre", "year": 1999, "note": "第一批"})
    assert refused.status_code == 200 and "第一批" in refused.content.decode()  # what was typed is kept
    answer = client.post(
        "/references/deliveries/new/", {"kind": "cadre", "year": 2025, "recipient": world.orgdept.pk, "note": "第一批"}
    )
    delivery = ReferenceDelivery.objects.get()
    assert answer.status_code == 302 and answer.url == delivery.get_absolute_url()
    assert client.get(f"/references/deliveries/{delivery.pk}/acknowledge/").status_code == 403
    client.force_login(world["unit"])
    assert client.get("/references/deliveries/").status_code == 404
    assert client.get(f"/references/deliveries/{delivery.pk}/").status_code == 404
    client.force_login(world["finance"])
    assert client.get(f"/references/deliveries/{delivery.pk}/").status_code == 404
    assert client.get("/references/deliveries/new/").status_code == 403
    client.force_login(world["orgdept"])
    workbench = client.get("/", follow=True).content.decode()
    assert 'data-testid="references-panel"' in workbench and 'data-testid="panel-delivery"' in workbench
    assert 'data-testid="acknowledge"' in client.get(f"/references/deliveries/{delivery.pk}/").content.decode()
    done = client.post(f"/references/deliveries/{delivery.pk}/acknowledge/", {"comment": "收到"}, follow=True)
    assert "已签收" in done.content.decode()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.ACKNOWLEDGED
    workbench = client.get("/", follow=True).content.decode()
    assert 'data-testid="panel-delivery"' not in workbench  # nothing left awaiting
    assert client.get("/references/deliveries/").status_code == 200


def test_the_panel_is_the_recipients(client, world):
    send(world)
    send(world, kind=ReferenceKind.BUDGET)
    for username, shown in [("finance", 1), ("orgdept", 1), ("auditor", 0), ("unit", 0)]:
        client.force_login(world[username])
        content = client.get("/", follow=True).content.decode()
        assert content.count('data-testid="panel-delivery"') == shown, username


def api(world, username) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world[username])}")
    return client


def test_deliveries_over_the_api(world):
    lead = api(world, "auditlead")
    created = lead.post(
        "/api/reference-deliveries/", {"kind": "budget", "year": 2025, "recipient": world.finance.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = lead.post(
        "/api/reference-deliveries/", {"kind": "budget", "year": 2025, "recipient": world.orgdept.pk}, format="json"
    )
    assert bad.status_code == 400 and "recipient" in bad.json()
    assert api(world, "unit").post(
        "/api/reference-deliveries/", {"kind": "budget", "year": 2024, "recipient": world.finance.pk}, format="json"
    ).status_code == 403  # fmt: skip
    assert (
        api(world, "orgdept").post(f"/api/reference-deliveries/{pk}/acknowledge/", {}, format="json").status_code == 404
    )
    assert lead.post(f"/api/reference-deliveries/{pk}/acknowledge/", {}, format="json").status_code == 403
    finance = api(world, "finance")
    listed = finance.get("/api/reference-deliveries/").json()
    assert set(listed) == {"count", "next", "previous", "results"} and listed["count"] == 1
    done = finance.post(f"/api/reference-deliveries/{pk}/acknowledge/", {"comment": "收到"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "acknowledged"


def test_the_recipient_and_the_sender_are_notified(world, django_capture_on_commit_callbacks):
    from rectify.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        delivery = send(world, kind=ReferenceKind.BUDGET)
    inbox = Notification.objects.filter(recipient=world["finance"])
    assert inbox.count() == 1 and "2025年度预算安排参考" in inbox.get().title
    assert not Notification.objects.filter(recipient=world["orgdept"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge_reference(world["finance"], delivery, comment="收到")
    assert Notification.objects.filter(recipient=world["auditlead"], title__contains="已签收").count() == 1
