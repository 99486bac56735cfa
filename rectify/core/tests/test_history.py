"""History (core/models.py, core/history.py): every create, change, transition and deletion leaves a row with who,
when, which request, and the values before and after. Nothing is hard-deleted.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.forms.models import model_to_dict
from django.utils import timezone

from rectify.core.history import changes_of
from rectify.core.request_context import get_request_id, request_id_context
from rectify.findings import services as findings
from rectify.findings.models import Finding, FindingEvent, Requirement
from rectify.organizations.models import Organization
from rectify.rectification import services as rectification
from rectify.rectification.models import Evidence, ProgressReport, Verification
from rectify.testing import PASSWORD, finding_data, make_finding

pytestmark = pytest.mark.django_db

REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")


def change(record, field: str) -> dict:
    found = [c for c in changes_of(record) if c["field"] == field]
    assert len(found) == 1, (field, changes_of(record))
    return found[0]


def test_creating_a_finding_records_who_when_which_request_and_every_value(world):
    auditor = world["auditor"]
    before = timezone.now()
    with request_id_context("req-create-1") as request_id:
        finding = findings.create_finding(auditor, allow_past_deadline=True, **finding_data(world))
    assert request_id == "req-create-1"
    (record,) = finding.history.all()
    assert record.history_type == "+"
    assert record.history_user == auditor
    assert before <= record.history_date <= timezone.now()
    assert record.request_id == "req-create-1"
    assert change(record, "title") == {"field": "title", "before": None, "after": "往来款长期挂账未清理"}
    assert change(record, "amount_involved") == {"field": "amount_involved", "before": None, "after": Decimal("125000")}
    assert change(record, "state") == {"field": "state", "before": None, "after": "draft"}
    assert {c["field"] for c in changes_of(record)}.isdisjoint({"id", "created", "last_updated"})
    for requirement in finding.requirements.all():
        (row,) = requirement.history.all()
        assert (row.history_type, row.history_user, row.request_id) == ("+", auditor, "req-create-1")
    event = finding.events.get()
    assert event.request_id == "req-create-1"


def test_a_transition_leaves_a_history_row_with_before_and_after(world):
    finding = make_finding(world, state="draft")
    with request_id_context() as request_id:
        findings.issue_finding(world["auditlead"], finding, comment="审计报告已出具")
    assert request_id.startswith("cmd-")
    record = finding.history.first()
    assert record.history_type == "~"
    assert record.history_user == world["auditlead"]
    assert record.request_id == request_id
    assert record.history_change_reason == "issue: 审计报告已出具"
    assert change(record, "state") == {"field": "state", "before": "draft", "after": "issued"}
    assert change(record, "issued_at")["before"] is None and change(record, "issued_at")["after"] == finding.issued_at
    assert finding.events.get(action="issue").request_id == request_id


def test_outside_any_request_the_request_id_is_empty(world):
    assert get_request_id() == ""
    finding = make_finding(world, state="issued")
    assert set(finding.history.values_list("request_id", flat=True)) == {""}


def test_a_correction_records_the_reason_and_the_amount_before_and_after(world):
    finding = make_finding(world, state="issued")
    previous = finding.history.first()
    with request_id_context("req-fix-7"):
        findings.update_finding(world["auditor2"], finding, reason="复核后调整涉及金额", amount_involved="130000.50")
    finding.refresh_from_db()
    assert finding.amount_involved == Decimal("130000.50")
    record = finding.history.first()
    assert record.history_id != previous.history_id
    assert record.history_change_reason == "复核后调整涉及金额"
    assert record.history_user == world["auditor2"]
    assert record.request_id == "req-fix-7"
    assert changes_of(record) == [
        {"field": "amount_involved", "before": Decimal("125000.00"), "after": Decimal("130000.50")}
    ]
    assert previous.amount_involved == Decimal("125000.00")  # the earlier row keeps the earlier value


def test_every_record_of_a_rectification_keeps_its_history(world):
    finding = make_finding(world, state="issued", deadline=timezone.localdate())
    with request_id_context("req-plan"):
        plan = rectification.submit_plan(
            world["unit"],
            finding,
            measures="清理往来款项",
            responsible_person="李四",
            planned_completion=timezone.localdate(),
            milestones=[("完成清理", timezone.localdate())],
        )
    report = rectification.submit_report(world["unit"], finding, measures="清理", progress="完成")
    verification = rectification.verify(world["auditor"], report, verdict="rectified", reasons="核实无误")
    for obj, user, request_id in (
        (plan, world["unit"], "req-plan"),
        (plan.milestones.get(), world["unit"], "req-plan"),
        (report, world["unit"], ""),
        (verification, world["auditor"], ""),
    ):
        record = obj.history.first()
        assert (record.history_type, record.history_user, record.request_id) == ("+", user, request_id), obj


def test_deleting_a_record_keeps_it_marked_and_records_the_deletion(world):
    finding = make_finding(world, state="draft")
    requirement = finding.requirements.first()
    requirement._history_user = world["auditor"]
    with request_id_context("req-del"):
        assert requirement.delete() == (1, {"findings.Requirement": 1})
    assert not Requirement.objects.filter(pk=requirement.pk).exists()
    kept = Requirement.all_objects.get(pk=requirement.pk)
    assert kept.deleted_at is not None and kept.is_deleted
    record = requirement.history.first()
    assert (record.history_type, record.history_user, record.request_id) == ("~", world["auditor"], "req-del")
    assert change(record, "deleted_at") == {"field": "deleted_at", "before": None, "after": kept.deleted_at}
    assert requirement.history.count() == 2


def test_deleting_a_queryset_is_soft_too(world):
    one = make_finding(world, state="draft")
    two = make_finding(world, state="issued")
    three = make_finding(world, state="draft")
    history_before = {f.pk: f.history.count() for f in (one, two)}

    count, per_model = Finding.objects.filter(pk__in=[one.pk, two.pk]).delete()

    assert (count, per_model) == (2, {"findings.Finding": 2})
    assert set(Finding.objects.values_list("pk", flat=True)) == {three.pk}
    assert not Finding.objects.restrict(world["auditor"]).filter(pk__in=[one.pk, two.pk]).exists()
    for finding in (one, two):
        kept = Finding.all_objects.get(pk=finding.pk)
        assert kept.deleted_at is not None
        assert kept.history.count() == history_before[finding.pk] + 1
        assert kept.history.first().deleted_at == kept.deleted_at
        assert finding.requirements.count() == 2  # what hangs off it is not touched


def test_replacing_requirements_keeps_the_old_rows(world):
    finding = make_finding(world, state="draft")
    old = set(finding.requirements.values_list("pk", flat=True))
    findings.set_requirements(world["auditor"], finding, ["收回出借资金"])
    assert list(finding.requirements.values_list("text", flat=True)) == ["收回出借资金"]
    assert set(Requirement.all_objects.filter(pk__in=old, deleted_at__isnull=False).values_list("pk", flat=True)) == old
    for pk in old:
        assert Requirement.all_objects.get(pk=pk).history.first().history_user == world["auditor"]


def test_reports_their_evidence_and_verifications_are_soft_deleted(world):
    finding = make_finding(world, state="closed")
    for model in (Evidence, ProgressReport, Verification):
        obj = model.objects.filter(**({"finding": finding} if model is not Evidence else {"report__finding": finding}))
        obj = obj.get()
        obj.delete()
        assert not model.objects.filter(pk=obj.pk).exists()
        assert model.all_objects.get(pk=obj.pk).deleted_at is not None
        assert obj.history.first().deleted_at is not None


def test_finding_events_are_append_only(world):
    finding = make_finding(world, state="issued")
    events = list(finding.events.values_list("pk", flat=True))
    with pytest.raises(PermissionError):
        finding.events.first().delete()
    with pytest.raises(PermissionError):
        FindingEvent.objects.filter(finding=finding).delete()
    assert list(finding.events.values_list("pk", flat=True)) == events


# --- through HTTP ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_healthz_answers_ok_without_a_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Type"] == "application/json"


def test_every_response_carries_a_fresh_request_id(client, db):
    first = client.get("/healthz")
    second = client.get("/healthz")
    assert first.status_code == 200
    assert REQUEST_ID.match(first["X-Request-ID"]) and REQUEST_ID.match(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert get_request_id() == ""  # the id is the request's, not left behind for the next one


def test_a_change_made_in_a_request_is_stamped_with_its_user_and_request_id(client, world):
    admin = world["sysadmin"]
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(Permission.objects.filter(codename__in=["view_organization", "change_organization"]))
    assert client.login(username=admin.username, password=PASSWORD)
    unit = world.unit
    data = {key: ("" if value is None else value) for key, value in model_to_dict(unit).items()}
    data["head_name"] = "赵六"

    response = client.post(f"/admin/organizations/organization/{unit.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    unit.refresh_from_db()
    assert unit.head_name == "赵六"
    record = Organization.history.filter(id=unit.pk).first()
    assert record.history_user == admin
    assert record.request_id == response["X-Request-ID"]
    assert change(record, "head_name") == {"field": "head_name", "before": "张三", "after": "赵六"}


@pytest.mark.django_db
def test_a_role_grant_is_kept_in_the_history(world):
    from rectify.accounts.models import Role

    user = world["unit"]
    user._history_user = world["secadmin"]
    user.roles.add(Role.objects.get(code="unit_head"))
    latest = user.history.latest()
    assert set(latest.roles.values_list("role_id", flat=True)) == {"unit_contact", "unit_head"}
    earlier = latest.prev_record
    assert set(earlier.roles.values_list("role_id", flat=True)) == {"unit_contact"}
