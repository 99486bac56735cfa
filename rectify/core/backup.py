"""``rectify backup DIR`` and ``rectify restore DIR`` (DESIGN section 7): the database and the stored files.

A backup is a directory:

- ``db/<table>.jsonl``: every row of every table of the application (the models of every installed app,
  many-to-many tables included), one JSON array a line in the order of the table's columns, ordered by
  primary key. Values are written as Django's fields read and write them (decimals and dates as text),
  so a backup restores into a fresh database of either vendor, except the SM4-encrypted personal fields,
  kept as the ciphertext stored (a backup holds no plain phone number; restoring needs the same keys,
  which are kept outside the database and outside the backup); the rows are read in one transaction
  (REPEATABLE READ on PostgreSQL), so they are consistent with each other;
- ``media/…``: every stored file (evidence, attachments, generated packages);
- ``manifest.json``: the schema's migrations, and per table its row count and the SHA-256 of its file,
  per stored file its SHA-256, so that a restore checks everything before it writes anything.

On SQLite the backup also holds ``db/sqlite3.backup``, a copy made with SQLite's online backup API, for
recovery by hand. A restore migrates the (fresh) target database, checks the manifest, then writes every
row and every file in one transaction: all or nothing.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.duration import duration_string

from rectify.core import crypto
from rectify.core.fields import EncryptedCharField

FORMAT = 1
BATCH = 1000


class BackupError(Exception):
    """A backup or restore refused, with the reasons (Chinese, one a line)."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backed_up_models() -> list[type[models.Model]]:
    """Every table the application owns: concrete, managed models of every app, M2M tables included."""
    seen: set[str] = set()
    chosen = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        chosen.append(model)
    return sorted(chosen, key=lambda m: m._meta.db_table)


def _columns(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def _encode(value: Any) -> Any:
    """A field's Python value as JSON; ``Field.to_python`` reads each form back."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_string(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(fields: list[models.Field], row: list[Any]) -> dict[str, Any]:
    values = {}
    for item, value in zip(fields, row, strict=True):
        if isinstance(item, EncryptedCharField) and value:
            value = crypto.Sealed(value)  # the ciphertext as it was stored
        elif value is not None and not isinstance(item, models.JSONField):
            value = item.to_python(value)
        values[item.attname] = value
    return values


def _raw(field: models.Field) -> str | Cast:
    """The column to read: an encrypted field's ciphertext as stored (not decrypted), so that a backup
    never holds the plain text of a personal field; restoring it needs the same keys (kept outside)."""
    return Cast(field.attname, models.TextField()) if isinstance(field, EncryptedCharField) else field.attname


def table_lines(model: type[models.Model]) -> Iterator[str]:
    """The table's rows as JSON lines, ordered by primary key (the same text for the same rows)."""
    fields = _columns(model)
    raw = {f"raw_{f.attname}": _raw(f) for f in fields if not isinstance(_raw(f), str)}
    names = [f"raw_{f.attname}" if f"raw_{f.attname}" in raw else f.attname for f in fields]
    queryset = model._base_manager.order_by("pk").annotate(**raw).values_list(*names)
    for row in queryset.iterator(chunk_size=BATCH):
        yield json.dumps([_encode(v) for v in row], ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def media_files(root: Path) -> Iterator[Path]:
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path


@dataclass
class Summary:
    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


def backup(directory: Path | str) -> Summary:
    """Writes the backup into ``directory`` (new or empty); returns what it holds."""
    target = Path(directory)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"备份目录「{target}」不是空目录，请指定新的目录。")
    (target / "db").mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o700)  # audit data: readable by the system's account only
    summary = Summary()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "migrations": _applied_migrations(),
        "tables": {},
        "files": {},
    }
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:  # one snapshot for every table
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for model in backed_up_models():
            path = target / "db" / f"{model._meta.db_table}.jsonl"
            count = 0
            with path.open("w", encoding="utf-8") as out:
                for line in table_lines(model):
                    out.write(line + "\n")
                    count += 1
            manifest["tables"][model._meta.db_table] = {
                "model": model._meta.label,
                "columns": [f.column for f in _columns(model)],
                "rows": count,
                "sha256": sha256_of(path),
            }
            summary.tables += 1
            summary.rows += count
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        copy = target / "db" / "sqlite3.backup"
        import sqlite3

        connection.ensure_connection()
        with sqlite3.connect(copy) as destination:
            connection.connection.backup(destination)
        manifest["sqlite_copy"] = {"path": "db/sqlite3.backup", "sha256": sha256_of(copy)}
    # Files after the rows: a stored file is never changed, so every file a row names is already there.
    root = Path(settings.MEDIA_ROOT)
    for source in media_files(root):
        relative = source.relative_to(root).as_posix()
        destination = target / "media" / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
        manifest["files"][relative] = sha256_of(destination)
        summary.files += 1
        summary.bytes += destination.stat().st_size
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    return summary


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / "manifest.json"
    if not path.is_file():
        raise BackupError(f"「{directory}」中没有 manifest.json，不是本系统的备份。")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise BackupError(f"manifest.json 无法读取：{error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持（本版本读取格式 {FORMAT}）。")
    return manifest


def verify(directory: Path | str) -> dict[str, Any]:
    """Checks every table file and every stored file of the backup against its manifest."""
    source = Path(directory)
    manifest = read_manifest(source)
    problems = []
    for table, facts in sorted(manifest["tables"].items()):
        path = source / "db" / f"{table}.jsonl"
        if not path.is_file():
            problems.append(f"数据表 {table}：文件缺失。")
            continue
        if sha256_of(path) != facts["sha256"]:
            problems.append(f"数据表 {table}：校验值不符，文件已损坏或被修改。")
            continue
        with path.open(encoding="utf-8") as handle:
            lines = sum(1 for _line in handle)
        if lines != facts["rows"]:
            problems.append(f"数据表 {table}：应有 {facts['rows']} 行，实有 {lines} 行。")
    for relative, digest in sorted(manifest["files"].items()):
        path = source / "media" / relative
        if not path.is_file():
            problems.append(f"文件 {relative}：缺失。")
        elif sha256_of(path) != digest:
            problems.append(f"文件 {relative}：校验值不符，文件已损坏或被修改。")
    if problems:
        raise BackupError(problems)
    return manifest


def _fresh_enough(known: dict[str, type[models.Model]]) -> list[str]:
    """A restore goes into a fresh database: no accounts and no findings yet."""
    busy = []
    for label in ("accounts.User", "findings.Finding", "organizations.Organization"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model._base_manager.exists():
            busy.append(label)
    return busy


class _NoAutoNow:
    """Rows keep their stored times: auto_now fields are not stamped while the rows are written."""

    def __enter__(self):
        self.changed = []
        for model in apps.get_models(include_auto_created=True):
            for item in model._meta.concrete_fields:
                if getattr(item, "auto_now", False) or getattr(item, "auto_now_add", False):
                    self.changed.append((item, item.auto_now, item.auto_now_add))
                    item.auto_now = item.auto_now_add = False
        return self

    def __exit__(self, *exc):
        for item, now, now_add in self.changed:
            item.auto_now, item.auto_now_add = now, now_add


def restore(directory: Path | str) -> Summary:
    """Restores the backup in ``directory`` into the configured (fresh, migrated) database and media root."""
    source = Path(directory)
    manifest = verify(source)
    wanted = sorted(tuple(m) for m in manifest["migrations"])
    present = sorted(tuple(m) for m in _applied_migrations())
    if wanted and wanted != present:
        missing = sorted(set(wanted) - set(present))
        extra = sorted(set(present) - set(wanted))
        raise BackupError(
            "备份与本系统的数据库结构版本不一致，请使用与备份时相同版本的系统恢复"
            f"（备份有而本库无：{len(missing)} 个迁移；本库有而备份无：{len(extra)} 个迁移）。"
        )
    known = {model._meta.db_table: model for model in backed_up_models()}
    problems = [f"数据表 {t}：本系统没有这张表。" for t in manifest["tables"] if t not in known]
    for table, facts in manifest["tables"].items():
        if table in known and facts["columns"] != [f.column for f in _columns(known[table])]:
            problems.append(f"数据表 {table}：字段与本系统不一致。")
    busy = _fresh_enough(known)
    if busy:
        problems.append("目标数据库已有业务数据（" + "、".join(busy) + "），只能恢复到新建的空数据库。")
    root = Path(settings.MEDIA_ROOT)
    clashes = [r for r, digest in manifest["files"].items() if (root / r).is_file() and sha256_of(root / r) != digest]
    if clashes:
        problems.append(f"文件目录中已有 {len(clashes)} 个同名而内容不同的文件（如 {clashes[0]}），不予覆盖。")
    if problems:
        raise BackupError(problems)

    summary = Summary()
    copied: list[Path] = []
    try:
        with transaction.atomic(), _NoAutoNow():
            # Rows made by the migrations (roles, categories …) give way to the backup's own.
            for table in manifest["tables"]:
                model = known[table]
                if model._base_manager.exists():
                    model._base_manager.all()._raw_delete(using=connection.alias)
            # Foreign keys are checked at the commit (deferred), so the tables load in any order.
            for table, facts in sorted(manifest["tables"].items()):
                model = known[table]
                fields = _columns(model)
                batch = []
                with (source / "db" / f"{table}.jsonl").open(encoding="utf-8") as handle:
                    for line in handle:
                        batch.append(model(**_decode(fields, json.loads(line))))
                        if len(batch) >= BATCH:
                            model._base_manager.bulk_create(batch)
                            batch = []
                if batch:
                    model._base_manager.bulk_create(batch)
                summary.tables += 1
                summary.rows += facts["rows"]
            _reset_sequences([known[t] for t in manifest["tables"]])
            for relative in sorted(manifest["files"]):
                destination = root / relative
                if destination.is_file():
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / "media" / relative, destination)
                copied.append(destination)
                summary.files += 1
                summary.bytes += destination.stat().st_size
            counted = {t: known[t]._base_manager.count() for t in manifest["tables"]}
            wrong = [f"数据表 {t}：应有 {f['rows']} 行，恢复后 {counted[t]} 行。"
                     for t, f in manifest["tables"].items() if counted[t] != f["rows"]]  # fmt: skip
            if wrong:
                raise BackupError(wrong)
    except BaseException:
        for path in copied:  # all or nothing: the files go with the rolled-back rows
            path.unlink(missing_ok=True)
        raise
    return summary


def _reset_sequences(chosen: list[type[models.Model]]) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), chosen)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
