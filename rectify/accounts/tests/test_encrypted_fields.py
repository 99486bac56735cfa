"""国密 at rest: a user's phone number is SM4-encrypted in the database (history included), with its key
outside the database, named in each value so that keys rotate (``rectify rotate-keys``)."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from rectify.accounts.models import User
from rectify.core import crypto

pytestmark = pytest.mark.django_db

KEY_1 = "k1:" + "11" * 16
KEY_2 = "k2:" + "22" * 16
PHONE = "13800138000"


@pytest.fixture
def keys(settings):
    def use(value: str) -> None:
        settings.RECTIFY_FIELD_KEYS = value
        crypto.key_ring.cache_clear()

    use(KEY_1)
    yield use
    crypto.key_ring.cache_clear()


def raw_phones(table: str = "accounts_user", where: str = "", params=()) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {table} {where}", params)
        return [row[0] for row in cursor.fetchall()]


def raw_phone(user: User) -> str:
    return raw_phones(where="WHERE id = %s", params=[user.pk])[0]


def test_the_column_holds_no_plain_text_and_the_value_round_trips(world, keys):
    user = world["unit"]
    user.phone = PHONE
    user.save()
    stored = raw_phone(user)
    assert PHONE not in stored and "138" not in stored and stored.startswith("sm4gcm:k1:")
    assert User.objects.get(pk=user.pk).phone == PHONE
    assert User.objects.values_list("phone", flat=True).get(pk=user.pk) == PHONE
    history = raw_phones("accounts_historicaluser", "WHERE id = %s AND phone <> ''", [user.pk])
    assert history and all(PHONE not in value and value.startswith("sm4gcm:") for value in history)
    assert user.history.first().phone == PHONE


def test_two_encryptions_differ_and_an_empty_value_stays_empty(world, keys):
    user = world["unit"]
    user.phone = PHONE
    user.save()
    first = raw_phone(user)
    user.save()
    assert raw_phone(user) != first  # a fresh nonce each time: equal numbers are not recognisable
    user.phone = ""
    user.save()
    assert raw_phone(user) == ""


def test_an_altered_or_moved_value_does_not_decrypt(world, keys):
    user = world["unit"]
    user.phone = PHONE
    user.save()
    stored = raw_phone(user)
    flipped = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(flipped, "accounts.user.phone")
    with pytest.raises(crypto.DecryptionError):  # bound to its field: a copy elsewhere is refused
        crypto.decrypt(stored, "organizations.organization.phone")
    assert crypto.decrypt(stored, "accounts.user.phone") == PHONE


def test_the_form_keeps_the_length_of_a_phone_number(world, keys):
    field = User._meta.get_field("phone").formfield()
    assert field.max_length == 30
    assert not field.widget.attrs.get("rows")  # one line, not a text area


def test_rotation_re_encrypts_every_value_under_the_new_key(world, keys, capsys):
    users = [world["unit"], world["auditor"]]
    for user in users:
        user.phone = PHONE
        user.save()
    keys(f"{KEY_1},{KEY_2}")  # the new key is added, last, so current; the old one is kept to read
    assert all(raw_phone(user).startswith("sm4gcm:k1:") for user in users)
    assert User.objects.get(pk=users[0].pk).phone == PHONE  # old values still read
    call_command("rotate_keys", "--check")
    assert "not under key k2" in capsys.readouterr().out
    call_command("rotate_keys", batch_size=1)
    assert "re-encrypted under key k2" in capsys.readouterr().out
    assert all(raw_phone(user).startswith("sm4gcm:k2:") for user in users)
    assert not any(value.startswith("sm4gcm:k1:") for value in raw_phones("accounts_historicaluser"))
    keys(KEY_2)  # the old key can now go
    assert [User.objects.get(pk=user.pk).phone for user in users] == [PHONE, PHONE]


def test_the_migration_encrypts_values_stored_in_plain_text(world, keys):
    import importlib

    user = world["unit"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET phone = %s WHERE id = %s", [PHONE, user.pk])
    assert User.objects.get(pk=user.pk).phone == PHONE  # plain text left from before still reads
    migration = importlib.import_module("rectify.accounts.migrations.0007_encrypt_phone")
    migration.encrypt_existing(apps, None)
    assert raw_phone(user).startswith("sm4gcm:k1:") and User.objects.get(pk=user.pk).phone == PHONE


def test_keys_come_from_a_file_outside_the_database(settings, tmp_path):
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"current": "a", "keys": {"a": "ab" * 16, "b": "cd" * 16}}))
    settings.RECTIFY_FIELD_KEYS = ""
    settings.RECTIFY_FIELD_KEY_FILE = str(path)
    crypto.key_ring.cache_clear()
    try:
        ring = crypto.key_ring()
        assert ring.current == "a" and set(ring.keys) == {"a", "b"}
        assert crypto.encrypt("x", "p").startswith("sm4gcm:a:")
        settings.RECTIFY_FIELD_KEY_FILE = str(tmp_path / "generated.json")
        crypto.key_ring.cache_clear()
        assert crypto.key_ring().current == "dev1" and (tmp_path / "generated.json").stat().st_mode & 0o077 == 0
    finally:
        crypto.key_ring.cache_clear()


@pytest.mark.parametrize("value", ["k1:abcd", "k1:" + "zz" * 16, "bad id!:" + "11" * 16])
def test_a_malformed_key_is_refused_at_start(settings, value):
    from django.core.exceptions import ImproperlyConfigured

    settings.RECTIFY_FIELD_KEYS = value
    crypto.key_ring.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured):
            crypto.key_ring()
    finally:
        crypto.key_ring.cache_clear()
