"""No lost data (issue 11, control 6): ``rectify backup DIR`` and ``rectify restore DIR``.

The backup of a world with findings, reports and evidence is restored into a fresh database by the
console script (another process, another database, another file directory); a backup of that database
then holds the same rows, table by table, and the same files, hash by hash.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from rectify.core.backup import sha256_of
from rectify.testing import make_finding, upload

pytestmark = pytest.mark.django_db


def some_data(world):
    from rectify.rectification import services

    closed = make_finding(world, "closed")
    submitted = make_finding(world, "submitted", title="食堂收入未纳入单位预算")
    extra = upload("补充.png", b"\x89PNG\r\n\x1a\n" + b"2" * 64)
    services.add_evidence(world["unit"], submitted.reports.get(), [extra])
    make_finding(world, "draft", title="草稿问题")
    return closed, submitted


def run(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rectify.cli", *args], env={**os.environ, **env}, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """A fresh SQLite database as `rectify migrate` leaves it (its tables and the migrations' reference rows,
    no business data), migrated once per test process by the console script; each restore gets a copy
    (the restore's own migrate then finds nothing to do): the migrations take half a minute."""
    folder = tmp_path_factory.mktemp("migrated")
    database = folder / "fresh.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "RECTIFY_VAR_DIR": str(folder / "var"), "SECRET_KEY": "k" * 50}
    migrated = run("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    return database


def fresh_database(migrated_database: Path, tmp_path: Path) -> str:
    """The URL of a copy of the freshly migrated database, in the test's own folder."""
    target = tmp_path / "fresh.sqlite3"
    shutil.copyfile(migrated_database, target)
    return f"sqlite:///{target}"


def table_files(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((directory / "db").glob("*.jsonl"))}


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_every_file(world, tmp_path, migrated_database):
    some_data(world)
    first = tmp_path / "backup"
    call_command("backup", str(first))
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["tables"]["findings_finding"]["rows"] == 3
    assert manifest["tables"]["rectification_evidence"]["rows"] == 3
    assert len(manifest["files"]) >= 2 and all(len(h) == 64 for h in manifest["files"].values())
    for relative, digest in manifest["files"].items():  # the files are those the system stored
        assert sha256_of(Path(settings.MEDIA_ROOT) / relative) == digest

    fresh = {
        "DATABASE_URL": fresh_database(migrated_database, tmp_path), "RECTIFY_MEDIA_ROOT": str(tmp_path / "media2"),
        "RECTIFY_VAR_DIR": str(tmp_path / "var2"), "SECRET_KEY": "k" * 50, "DEBUG": "0",
    }  # fmt: skip
    restored = run("restore", str(first), env=fresh)
    assert restored.returncode == 0, restored.stderr
    assert "均与清单核对一致" in restored.stdout
    second = tmp_path / "again"
    again = run("backup", str(second), env=fresh)
    assert again.returncode == 0, again.stderr

    # Every row of every table, compared in primary-key order.
    original, copy = table_files(first), table_files(second)
    assert original.keys() == copy.keys()
    different = [name for name in original if original[name] != copy[name]]
    assert different == []
    assert sum(len(text.splitlines()) for text in copy.values()) > 100
    # Every file, by hash, in the new file directory.
    media2 = tmp_path / "media2"
    assert {p.relative_to(media2).as_posix(): sha256_of(p) for p in media2.rglob("*") if p.is_file()} == manifest[
        "files"
    ]
    # Restoring twice would mix two systems' data: refused.
    twice = run("restore", str(first), env=fresh)
    assert twice.returncode != 0 and "只能恢复到新建的空数据库" in twice.stderr


def test_a_backup_keeps_encrypted_personal_fields_encrypted_and_a_restore_reads_them_back(
    world, tmp_path, migrated_database
):
    from rectify.accounts.models import User

    unit = world["unit"]
    unit.phone = "13912345678"
    unit.save(update_fields=["phone"])
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    users = (folder / "db" / "accounts_user.jsonl").read_text(encoding="utf-8")
    history = (folder / "db" / "accounts_historicaluser.jsonl").read_text(encoding="utf-8")
    assert "13912345678" not in users and "13912345678" not in history
    assert "sm4gcm:" in users

    fresh = {
        "DATABASE_URL": fresh_database(migrated_database, tmp_path), "RECTIFY_MEDIA_ROOT": str(tmp_path / "media2"),
        "RECTIFY_VAR_DIR": str(tmp_path / "var2"), "SECRET_KEY": "k" * 50, "DEBUG": "0",
        "RECTIFY_FIELD_KEY_FILE": str(settings.RECTIFY_FIELD_KEY_FILE),
        "RECTIFY_FIELD_KEYS": settings.RECTIFY_FIELD_KEYS,
    }  # fmt: skip
    restored = run("restore", str(folder), env=fresh)
    assert restored.returncode == 0, restored.stderr
    read = run("shell", "-c", f"from rectify.accounts.models import User; print(User.objects.get(pk={unit.pk}).phone)",
               env=fresh)  # fmt: skip
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip().splitlines()[-1] == "13912345678"  # stored once encrypted, not twice
    assert User.objects.get(pk=unit.pk).phone == "13912345678"


def test_a_damaged_backup_is_refused_before_anything_is_written(world, tmp_path):
    some_data(world)
    directory = tmp_path / "backup"
    call_command("backup", str(directory))
    call_command("restore", str(directory), "--check")
    table = directory / "db" / "findings_finding.jsonl"
    table.write_text(table.read_text(encoding="utf-8").replace("草稿问题", "篡改问题"), encoding="utf-8")
    evidence = next(p for p in (directory / "media").rglob("*") if p.is_file())
    evidence.write_bytes(b"changed")
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(directory), "--check")
    message = str(refused.value)
    assert "findings_finding：校验值不符" in message and "校验值不符，文件已损坏或被修改" in message


def test_a_restore_into_a_database_in_use_is_refused(world, tmp_path):
    from rectify.findings.models import Finding

    some_data(world)
    directory = tmp_path / "backup"
    call_command("backup", str(directory))
    before = Finding.all_objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(directory))
    assert "只能恢复到新建的空数据库" in str(refused.value)
    assert Finding.all_objects.count() == before


def test_a_backup_goes_into_a_new_directory_only(world, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(CommandError):
        call_command("backup", str(tmp_path / "full"))
