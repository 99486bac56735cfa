"""``rectify rotate-keys``: re-encrypts every encrypted field value under the current SM4 key.

Rotation: add the new key to RECTIFY_FIELD_KEYS (last = current) or to the key file (``current``),
keeping the old key, restart, run ``rectify rotate-keys``; once it reports nothing left under an old key,
the old key may be removed. ``--check`` only counts the values not yet under the current key.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from rectify.core import crypto
from rectify.core.commands import RectifyCommand
from rectify.core.fields import EncryptedCharField


def encrypted_fields() -> list[tuple[type, EncryptedCharField]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.local_fields
        if isinstance(field, EncryptedCharField)
    ]


def stale(model, field, current: str):
    """Rows whose value is set but not under the current key (plain text left from before included)."""
    return (
        model._base_manager.exclude(**{f"{field.attname}__startswith": f"{crypto.PREFIX}:{current}:"})
        .exclude(**{field.attname: ""})
        .exclude(**{f"{field.attname}__isnull": True})
    )


def rotate(model, field, current: str, batch_size: int = 500) -> int:
    """Re-encrypts ``field`` of ``model`` in batches of rows, each batch in its own short transaction."""
    done, last = 0, None
    while True:
        rows = stale(model, field, current).order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.values_list("pk", field.attname)[:batch_size])  # read: decrypted with its own key
        if not batch:
            return done
        with transaction.atomic():
            for pk, value in batch:
                model._base_manager.filter(pk=pk).update(**{field.attname: value})  # write: the current key
        done += len(batch)
        last = batch[-1][0]


class Command(RectifyCommand):
    help = "用当前密钥重新加密全部加密字段（SM4），用于密钥轮换。"
    lock_name = "rotate-keys"

    def add_command_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="只统计尚未使用当前密钥的值")
        parser.add_argument("--batch-size", type=int, default=500)

    def run(self, *args, **options):
        crypto.key_ring.cache_clear()
        current = crypto.key_ring().current
        total = 0
        for model, field in encrypted_fields():
            if options["check"]:
                count = stale(model, field, current).count()
            else:
                count = rotate(model, field, current, max(1, options["batch_size"]))
            total += count
            self.stdout.write(f"{model._meta.label}.{field.name}: {count}")
        verb = "not under" if options["check"] else "re-encrypted under"
        self.stdout.write(f"{total} values {verb} key {current}")
