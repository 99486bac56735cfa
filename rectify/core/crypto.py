"""Commercial cryptography (国密, GB/T 39786-2021) through ``cryptography``: SM3 for integrity and SM4 for
sensitive personal fields at rest. No home-made cipher: both come from OpenSSL.

Field keys live outside the database: ``RECTIFY_FIELD_KEYS`` (``id:hex,id:hex``, the last one current)
or the JSON key file ``RECTIFY_FIELD_KEY_FILE`` (``{"current": "k2", "keys": {"k1": "<32 hex>", …}}``).
Without either, a development key is generated into ``var/field_keys.json`` with a warning. Each
stored value names its key, so keys rotate: add a key, make it current, run ``rectify rotate-keys``.

A stored value reads ``sm4gcm:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``: SM4 in GCM mode
(authenticated), with the field's name as associated data so a value copied into another field
does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

PREFIX = "sm4gcm"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


def sm3_hex(data: bytes) -> str:
    """The SM3 digest of ``data`` (GB/T 32905-2016), as 64 hex digits."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


class DecryptionError(ValueError):
    """A stored value that does not decrypt: unknown key, or altered ciphertext."""


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    current: str

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise DecryptionError(f"unknown field key {key_id!r}") from None


def _parse_key(key_id: str, value: str) -> bytes:
    if not KEY_ID.match(key_id):
        raise ImproperlyConfigured(f"field key id {key_id!r}: letters, digits, - and _ only, at most 16")
    try:
        key = bytes.fromhex(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"field key {key_id!r} is not hexadecimal") from None
    if len(key) != 16:
        raise ImproperlyConfigured(f"field key {key_id!r} must be 128 bits (32 hex digits) for SM4")
    return key


def _ring_from_env(value: str) -> KeyRing:
    keys: dict[str, bytes] = {}
    for part in value.split(","):
        if part.strip():
            key_id, _sep, hexkey = part.strip().partition(":")
            keys[key_id] = _parse_key(key_id, hexkey)
    if not keys:
        raise ImproperlyConfigured("RECTIFY_FIELD_KEYS names no key")
    return KeyRing(keys, list(keys)[-1])


def _ring_from_file(path: Path) -> KeyRing:
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = {key_id: _parse_key(key_id, value) for key_id, value in data["keys"].items()}
    current = data.get("current") or list(keys)[-1]
    if current not in keys:
        raise ImproperlyConfigured(f"{path}: the current key {current!r} is not among its keys")
    return KeyRing(keys, current)


def _development_key_file(path: Path) -> KeyRing:
    """A key generated on first start for the demo and development: fine on a laptop, never in production."""
    logger.warning(
        "No field encryption key configured (RECTIFY_FIELD_KEYS or RECTIFY_FIELD_KEY_FILE): generated a "
        "development key in %s. Keep that file out of the database backups' reach and set a real key in production.",
        path,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"current": "dev1", "keys": {"dev1": secrets.token_hex(16)}}, handle)
    return _ring_from_file(path)


@lru_cache(maxsize=1)
def key_ring() -> KeyRing:
    """The configured keys (read once per process; ``key_ring.cache_clear()`` after changing them)."""
    if getattr(settings, "RECTIFY_FIELD_KEYS", ""):
        return _ring_from_env(settings.RECTIFY_FIELD_KEYS)
    path = Path(settings.RECTIFY_FIELD_KEY_FILE)
    if path.exists():
        return _ring_from_file(path)
    try:
        return _development_key_file(path)
    except FileExistsError:  # another process wrote it first
        return _ring_from_file(path)


class Sealed(str):
    """A value already encrypted (read raw from a backup): an encrypted field stores it as it is, so a
    backup never holds the plain text and a restore does not encrypt it twice."""


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX + ":")


def key_id_of(stored: str) -> str:
    return stored.split(":", 2)[1] if is_encrypted(stored) else ""


def encrypt(plaintext: str, purpose: str, *, ring: KeyRing | None = None) -> str:
    """``plaintext`` under the current key; ``purpose`` (the field's name) is bound as associated data."""
    ring = ring or key_ring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(ring.key(ring.current)), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(purpose.encode())
    body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    token = base64.b64encode(nonce + body + encryptor.tag).decode("ascii")
    return f"{PREFIX}:{ring.current}:{token}"


def decrypt(stored: str, purpose: str, *, ring: KeyRing | None = None) -> str:
    ring = ring or key_ring()
    try:
        _prefix, key_id, token = stored.split(":", 2)
        raw = base64.b64decode(token, validate=True)
    except (ValueError, binascii.Error):
        raise DecryptionError("malformed encrypted value") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("malformed encrypted value")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(ring.key(key_id)), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(purpose.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")
    except InvalidTag:
        raise DecryptionError(f"encrypted value does not authenticate under key {key_id!r}") from None
