"""The security audit log (等保 2.0 level 3, 安全审计): what is recorded, the SM3 chain and
``rectify verify-log``, append-only (the application and, on PostgreSQL, the database), and the log
auditor's search and export."""

from __future__ import annotations

import csv
import io
import os

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from openpyxl import load_workbook

from rectify.core import audit_log, events
from rectify.core.crypto import sm3_hex
from rectify.rectification.models import Evidence
from rectify.security_log.choices import EventKind
from rectify.security_log.models import GENESIS_HASH, AppendOnlyError, ChainHead, SecurityEvent
from rectify.security_log.services import canonical, record, verify_chain
from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db

TABLE = SecurityEvent._meta.db_table


def latest(kind: str | None = None) -> SecurityEvent:
    events_ = SecurityEvent.objects.order_by("-sequence")
    return (events_.filter(kind=kind) if kind else events_).first()


def tamper(sql: str, params=()) -> None:
    """Changes the table behind the application's back, as someone with the database file would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the test database's owner lifts the trigger for the test
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER security_log_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER security_log_append_only")


# --- the chain ---------------------------------------------------------------------------------------


def test_each_record_chains_the_sm3_hash_of_the_one_before(world):
    first = record(world["auditor"], EventKind.EXPORT, "ledger", rows=3)
    second = record(None, EventKind.LOGIN_FAILED, None, "failure", username="nobody")
    assert second.sequence == first.sequence + 1
    assert second.previous_hash == first.hash
    assert second.hash == sm3_hex(canonical(second)) and len(second.hash) == 64
    assert b'"nobody"' in canonical(second) and first.hash.encode() in canonical(second)
    head = ChainHead.objects.get(pk=1)
    assert (head.sequence, head.hash) == (second.sequence, second.hash)
    stored = SecurityEvent.objects.get(pk=second.pk)
    assert sm3_hex(canonical(stored)) == stored.hash  # what is read back hashes the same as what was written
    assert verify_chain().intact


def test_sm3_is_the_standard_one():
    # GB/T 32905-2016, appendix A.1
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_the_first_record_of_a_new_chain_follows_the_genesis_hash(world):
    verified = verify_chain()
    assert verified.intact
    first = SecurityEvent.objects.order_by("sequence").first()
    assert first is None or first.sequence != 1 or first.previous_hash == GENESIS_HASH


def test_verify_log_prints_the_count_when_intact(world, capsys):
    for n in range(5):
        record(world["auditor"], EventKind.DOWNLOAD, ("rectification.Evidence", n))
    call_command("verify_log", batch_size=2)
    out = capsys.readouterr().out
    assert "intact" in out and str(SecurityEvent.objects.count()) in out


@pytest.mark.parametrize(
    "change",
    [
        f"UPDATE {TABLE} SET outcome = 'success' WHERE sequence = %s",
        f"UPDATE {TABLE} SET username = 'someone-else' WHERE sequence = %s",
        f"UPDATE {TABLE} SET detail = '{{}}' WHERE sequence = %s",
        f"DELETE FROM {TABLE} WHERE sequence = %s",
    ],
)
def test_verify_log_finds_the_first_tampered_record_and_exits_non_zero(world, change):
    record(world["auditor"], EventKind.EXPORT, "ledger")
    target = record(None, EventKind.LOGIN_FAILED, None, "failure", username="mallory", tried=1)
    record(world["auditor"], EventKind.EXPORT, "ledger")
    assert verify_chain().intact
    tamper(change, [target.sequence])
    result = verify_chain(batch_size=2)
    assert not result.intact
    assert result.broken is not None and result.broken.sequence in (target.sequence, target.sequence + 1)
    with pytest.raises(CommandError, match=f"#{result.broken.sequence}") as refused:
        call_command("verify_log")
    assert refused.value.returncode == 1  # what `rectify verify-log` exits with (Django's run_from_argv)


def test_cutting_off_the_newest_records_is_found_through_the_chain_head(world):
    record(world["auditor"], EventKind.EXPORT, "ledger")
    last = record(world["auditor"], EventKind.EXPORT, "ledger")
    tamper(f"DELETE FROM {TABLE} WHERE sequence = %s", [last.sequence])
    result = verify_chain()
    assert not result.intact and "head" in result.reason


# --- append-only ---------------------------------------------------------------------------------------


def test_the_application_refuses_to_change_or_delete_a_record(world):
    event = record(world["auditor"], EventKind.EXPORT, "ledger")
    event.outcome = "failure"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.filter(pk=event.pk).update(outcome="failure")
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.filter(pk=event.pk).delete()
    assert SecurityEvent.objects.get(pk=event.pk).outcome == "success"


def test_the_admin_shows_the_log_read_only(rf, world):
    from django.contrib.admin.sites import site

    admin = site._registry[SecurityEvent]
    request = rf.get("/")
    request.user = world["sysadmin"]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request) and not admin.has_delete_permission(request)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_on_postgresql_the_database_refuses_update_and_delete(world):
    event = record(world["auditor"], EventKind.EXPORT, "ledger")
    for statement in (f"UPDATE {TABLE} SET outcome = 'failure' WHERE id = %s", f"DELETE FROM {TABLE} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert SecurityEvent.objects.get(pk=event.pk).outcome == "success"


# --- what is recorded --------------------------------------------------------------------------------


def test_sign_in_failure_and_sign_out_are_recorded_with_the_address(client, world):
    client.post("/accounts/login/", {"username": "unit", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    failed = latest(EventKind.LOGIN_FAILED)
    assert (failed.username, failed.outcome, failed.address, failed.user_id) == ("unit", "failure", "10.1.2.3", None)
    assert "wrong" not in str(failed.detail)
    client.post("/accounts/login/", {"username": "unit", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    login = latest(EventKind.LOGIN)
    assert (login.user_id, login.organization_id, login.address) == (world["unit"].pk, world.unit.pk, "10.1.2.3")
    assert login.organization_name == world.unit.name
    client.post("/accounts/logout/", REMOTE_ADDR="10.1.2.3")
    logout = latest(EventKind.LOGOUT)
    assert logout.user_id == world["unit"].pk and logout.address == "10.1.2.3"


def test_a_lockout_is_recorded(client, world, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/accounts/login/", {"username": "unit", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    locked = latest(EventKind.LOCKOUT)
    assert locked is not None and locked.username == "unit" and locked.outcome == "failure"


def test_a_forged_forwarded_address_is_ignored_without_a_declared_proxy(client, world, settings):
    client.post(
        "/accounts/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert latest(EventKind.LOGIN_FAILED).address == "10.0.0.7"
    settings.RECTIFY_PROXY_COUNT = 1
    client.post(
        "/accounts/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert latest(EventKind.LOGIN_FAILED).address == "1.2.3.4"


def test_an_object_outside_the_scope_is_a_logged_denial(client, world):
    finding = make_finding(world, unit=world.other_unit)
    client.force_login(world["unit"])
    assert client.get(f"/findings/{finding.pk}/").status_code == 404
    denied = latest(EventKind.DENIED)
    assert (denied.user_id, denied.object_id, denied.outcome) == (world["unit"].pk, str(finding.pk), "failure")
    assert denied.detail["status"] == 404 and denied.detail["path"] == f"/findings/{finding.pk}/"


def test_an_anonymous_or_unknown_address_is_no_denial(client, world):
    before = SecurityEvent.objects.count()
    client.get("/findings/999999/")
    assert SecurityEvent.objects.count() == before
    client.force_login(world["unit"])
    before = SecurityEvent.objects.count()
    client.get("/no-such-page/")
    assert SecurityEvent.objects.count() == before


def test_a_service_action_is_recorded_after_its_commit_without_business_text(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        finding = make_finding(world, state="issued", title="往来款长期挂账未清理")
    changes = SecurityEvent.objects.filter(kind=EventKind.CHANGE, object_type="findings.Finding", object_id=finding.pk)
    issued = changes.filter(detail__event="finding.issued").get()
    assert issued.user_id == world["auditor"].pk and issued.object_repr == ""
    assert "往来款" not in str(list(changes.values_list("detail", flat=True)))


def test_an_event_with_no_actor_is_the_system(world):
    events.dispatch(events.Event(name="finding.overdue", object_label="findings.Finding", object_id=7))
    event = latest(EventKind.CHANGE)
    assert event.user_id is None and event.username == "" and event.detail["event"] == "finding.overdue"


def test_exports_downloads_and_documents_are_recorded(client, world):
    finding = make_finding(world, state="submitted")
    client.force_login(world["auditor"])
    assert client.get("/ledger/export.xlsx?year=2025").status_code == 200
    export = latest(EventKind.EXPORT)
    assert export.object_type == "ledger" and export.detail["filters"] == {"year": "2025"}
    evidence = Evidence.objects.get(report__finding=finding)
    response = client.get(f"/evidence/{evidence.pk}/download/")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    download = latest(EventKind.DOWNLOAD)
    assert (download.object_type, download.object_id) == ("rectification.Evidence", str(evidence.pk))
    assert SecurityEvent.objects.filter(kind=EventKind.DOWNLOAD, object_id=str(evidence.pk)).count() == 1
    count = SecurityEvent.objects.count()
    assert client.get(f"/organizations/{world.unit.pk}/documents/rectification-report.docx").status_code == 200
    document = latest(EventKind.DOCUMENT)
    assert (document.object_type, document.object_id) == ("organizations.Organization", str(world.unit.pk))
    assert document.object_repr == world.unit.name
    assert SecurityEvent.objects.count() == count + 1  # recorded once: the middleware does not add another


def test_the_core_door_records_from_any_layer(world):
    audit_log.record(world["auditor"], "download", ("rectification.Evidence", 5), "success", file="x")
    assert latest(EventKind.DOWNLOAD).detail == {"file": "x"}


def test_the_administrators_actions_in_the_admin_are_recorded(client, world):
    secadmin = world["secadmin"]
    secadmin.is_staff = True
    secadmin.is_superuser = True
    secadmin.save()
    client.force_login(secadmin)
    target = world["unit"]
    LogEntry.objects.log_actions(secadmin.pk, [target], 2, "changed password", single_object=True)
    admin_event = latest(EventKind.ADMIN)
    assert admin_event.user_id == secadmin.pk and admin_event.object_id == str(target.pk)
    assert admin_event.detail["action"] == "change" and admin_event.object_repr == str(target)


def test_a_bulk_action_in_the_admin_records_each_object(client, world, admin_user):
    """Deleting several selected accounts in the admin deactivates each, and the admin's entries (which
    Django writes with bulk_create, sending no signal) each reach the log."""
    first, second = world["unit"], world["unithead"]
    client.force_login(admin_user)
    count = SecurityEvent.objects.filter(kind=EventKind.ADMIN, detail__action="delete").count()
    response = client.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.is_active and not second.is_active  # deactivated, never removed
    deleted = SecurityEvent.objects.filter(kind=EventKind.ADMIN, detail__action="delete")
    assert deleted.count() == count + 2
    assert {event.object_id for event in deleted.order_by("-sequence")[:2]} == {str(first.pk), str(second.pk)}
    deactivated = SecurityEvent.objects.filter(detail__action="deactivate").values_list("object_id", flat=True)
    assert {str(first.pk), str(second.pk)} <= set(deactivated)


def test_a_role_grant_is_recorded_by_any_path(world):
    from rectify.accounts.models import Role

    world["unit"].roles.add(Role.objects.get(code="auditor"))
    granted = latest(EventKind.ADMIN)
    assert granted.object_id == str(world["unit"].pk) and granted.detail == {
        "action": "grant_roles",
        "roles": ["auditor"],
    }


def test_a_token_is_never_named_in_the_log(world):
    from rectify.accounts import tokens

    token, secret = tokens.issue(world["unit"])
    LogEntry.objects.log_actions(world["secadmin"].pk, [token], 3, single_object=True)
    event = latest(EventKind.ADMIN)
    for text in (secret, token.digest, token.token_key):
        assert text not in event.object_id and text not in str(event.detail) and text not in event.object_repr


def test_api_sign_ins_token_revocations_and_second_factor_codes_are_recorded(client, world):
    from rectify.accounts import otp, tokens
    from rectify.accounts.tokens import Reason

    answer = client.post("/api/auth/token/", {"username": "auditor", "password": PASSWORD})
    assert answer.status_code == 200
    signed_in = latest(EventKind.LOGIN)
    assert signed_in.user_id == world["auditor"].pk and signed_in.detail == {"channel": "api_token"}
    assert answer.json()["token"] not in str(signed_in.detail)

    tokens.revoke_all(world["auditor"], reason=Reason.OWNER, actor=world["auditor"])
    revoked = latest(EventKind.ADMIN)
    assert revoked.object_id == str(world["auditor"].pk)
    assert revoked.detail == {"action": "revoke_tokens", "reason": "owner", "count": 1}

    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world["auditor"], name="phone", confirmed=True)
    assert not otp.verify(world["auditor"], device, "000000x", step="sign_in")
    failed = latest(EventKind.LOGIN_FAILED)
    assert failed.outcome == "failure" and failed.detail == {"second_factor": "sign_in"}


def test_the_account_services_record_every_administrative_step(world):
    from rectify.accounts import services
    from rectify.accounts.models import User

    secadmin, sysadmin, target = world["secadmin"], world["sysadmin"], world["unit"]
    reset = services.request_password_reset(secadmin, target, "忘记密码")
    services.approve_password_reset(sysadmin, reset)
    created = services.create_account(sysadmin, username="newcomer", organization=target.organization)
    services.deactivate(sysadmin, User.objects.get(pk=created.pk))
    steps = [
        (event.user_id, event.object_id, event.detail.get("action"))
        for event in SecurityEvent.objects.filter(kind=EventKind.ADMIN).order_by("sequence")
        if event.detail.get("action") not in {"grant_roles", "revoke_roles", "clear_roles", "revoke_tokens", "change"}
    ]
    assert steps == [
        (secadmin.pk, str(target.pk), "request_password_reset"),
        (sysadmin.pk, str(target.pk), "approve_password_reset"),
        (sysadmin.pk, str(created.pk), "create_account"),
        (sysadmin.pk, str(created.pk), "deactivate"),
    ]


# --- the log auditor's page ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["auditor", "sysadmin", "secadmin", "unit"])
def test_only_the_log_auditor_reaches_the_log_and_a_refusal_is_logged(client, world, username):
    client.force_login(world[username])
    for url in ("/security-log/", "/security-log/export.xlsx", "/security-log/export.csv"):
        assert client.get(url).status_code == 403
        denied = latest(EventKind.DENIED)
        assert denied.user_id == world[username].pk and denied.detail["path"] == url
    assert client.get("/workbench/").content.decode().count('data-testid="nav-security-log"') == 0


def test_the_anonymous_are_sent_to_sign_in(client, world):
    response = client.get("/security-log/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_log_auditor_searches_pages_and_is_logged_doing_it(client, world, django_assert_max_num_queries):
    for n in range(60):
        record(world["auditor"], EventKind.EXPORT, ("ledger", n))
    record(None, EventKind.LOGIN_FAILED, None, "failure", username="mallory")
    client.force_login(world["logaudit"])
    page = client.get("/security-log/")
    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-testid="log-row"') == 50
    assert 'data-testid="nav-security-log"' in html and "mallory" in html
    viewed = latest(EventKind.LOG_VIEW)
    assert viewed.user_id == world["logaudit"].pk
    older = client.get("/security-log/", {"before": page.context["next_before"]})
    sequences = [event.sequence for event in older.context["events"]]
    assert sequences and max(sequences) < page.context["next_before"]
    found = client.get("/security-log/", {"kind": "login_failed", "username": "mallory", "outcome": "failure"})
    assert [event.username for event in found.context["events"]] == ["mallory"]
    assert client.get("/security-log/", {"kind": "export", "username": "auditor"}).context["events"][0].kind == "export"
    with django_assert_max_num_queries(17):
        client.get("/security-log/", {"before": 30})


def test_a_bad_search_says_where_and_shows_nothing(client, world):
    client.force_login(world["logaudit"])
    response = client.get("/security-log/", {"start": "2026-05-01", "end": "2026-04-01", "address": "not-an-ip"})
    assert response.status_code == 200 and response.context["events"] == []
    assert "截止时间不能早于起始时间" in response.content.decode()


def test_the_export_writes_every_cell_as_text(client, world):
    record(None, EventKind.LOGIN_FAILED, None, "failure", username='=HYPERLINK("http://x","y")')
    record(None, EventKind.LOGIN_FAILED, None, "failure", username=" ＝cmd|'/c calc'!A1")  # WPS reads ＝ as =
    client.force_login(world["logaudit"])
    response = client.get("/security-log/export.xlsx", {"kind": "login_failed"})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2))
    cell = next(row[2] for row in rows if "HYPERLINK" in str(row[2].value))
    assert cell.data_type == "s" and not str(cell.value).startswith("=")
    exported = latest(EventKind.EXPORT)
    assert exported.user_id == world["logaudit"].pk and exported.detail["format"] == "xlsx"
    text = b"".join(client.get("/security-log/export.csv", {"kind": "login_failed"}).streaming_content).decode()
    names = [row[2] for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))]
    assert '\'=HYPERLINK("http://x","y")' in names
    assert "' ＝cmd|'/c calc'!A1" in names  # the one check of every export (rectify.core.spreadsheets)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only")
def test_on_postgresql_the_application_role_cannot_truncate_update_or_delete_the_log(world):
    """``rectify grant-app-role``: the role the application connects as reads and appends the log and
    nothing more; TRUNCATE fires no row trigger, so it is the missing privilege that refuses it."""
    from rectify.core.database_roles import grant_application_role

    event = record(world["auditor"], EventKind.EXPORT, "ledger")
    role = f"rectify_app_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}"')  # rolled back with the test's transaction
    grant_application_role(role)

    def as_application(statement, params=()):
        with transaction.atomic(), connection.cursor() as cursor:
            # A failed statement rolls back its savepoint, and with it the SET ROLE.
            cursor.execute(f'SET ROLE "{role}"')
            cursor.execute(statement, params)
            cursor.execute("RESET ROLE")

    for statement in (f"TRUNCATE {TABLE}", f"UPDATE {TABLE} SET outcome = 'failure'", f"DELETE FROM {TABLE}"):
        with pytest.raises(DatabaseError, match=r"permission denied|append-only"):
            as_application(statement)
    as_application(f"SELECT count(*) FROM {TABLE}")  # reading is allowed
    as_application("SELECT count(*) FROM findings_finding")  # and the business tables stay usable
    assert SecurityEvent.objects.get(pk=event.pk).outcome == "success"


def test_grant_app_role_prints_the_grants_without_update_delete_or_truncate_on_the_log(capsys):
    call_command("grant_app_role", "rectify_app", "--print")
    printed = capsys.readouterr().out
    assert f'REVOKE UPDATE, DELETE, TRUNCATE ON "{TABLE}" FROM "rectify_app";' in printed
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES" in printed
