"""Appending to the security log, and checking its chain.

``record`` is the one way in (also reachable as ``rectify.core.audit_log.record`` from any layer). It
locks the chain head, serialises the new record canonically with the previous record's hash, hashes it
with SM3 and inserts it, in one transaction: concurrent appends queue on the head and never fork.
``verify_chain`` walks the records in sequence order, in bounded batches.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from rectify.core.addresses import client_address
from rectify.core.audit_log import RECORDED_ATTRIBUTE
from rectify.core.crypto import sm3_hex
from rectify.core.request_context import get_request_id
from rectify.security_log.choices import EventKind, Outcome
from rectify.security_log.models import GENESIS_HASH, ChainHead, SecurityEvent

logger = logging.getLogger(__name__)

CHAIN_VERSION = "rectify-security-log-v1"
ATTEMPTS = 3
HANDED_OUT = frozenset({EventKind.EXPORT, EventKind.DOWNLOAD, EventKind.DOCUMENT})

# The request being served, so that records made without one at hand (an event after the commit, an
# admin's LogEntry, a role grant) still carry the address. Set by the middleware.
_current_request: ContextVar[Any] = ContextVar("rectify_security_log_request", default=None)

# Objects whose own name is shown in the log: accounts and organizations are the administrators' domain.
# Any other object is named by its type and number only, so that the log auditor, who sees no business
# data, does not read it in the log either.
NAMED_LABELS = frozenset({"accounts.user", "accounts.role", "organizations.organization", "auth.group"})
# Objects whose number is itself a secret (an API token's digest): only a short SM3 digest of it is kept.
SECRET_LABELS = frozenset({"knox.authtoken"})


@contextmanager
def request_bound(request: Any) -> Iterator[None]:
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_request() -> Any:
    return _current_request.get()


def _clean(text: Any, length: int) -> str:
    return str(text or "").replace("\x00", "")[:length]


def _json_safe(detail: dict[str, Any]) -> dict[str, Any]:
    """The detail as it reads back from a JSON column (so the hash of what is stored can be recomputed)."""
    return json.loads(json.dumps(detail, default=str, ensure_ascii=False).replace("\\u0000", ""))


def describe(obj: Any) -> tuple[str, str, str]:
    """(type, id, repr) of what an event concerns: a model instance, a (type, id, repr) tuple, or a text."""
    if obj is None:
        return "", "", ""
    if isinstance(obj, tuple):
        values = [*obj, "", "", ""][:3]
        return _clean(values[0], 100), _clean(values[1], 64), _clean(values[2], 200)
    meta = getattr(obj, "_meta", None)
    if meta is None:
        return _clean(obj, 100), "", ""
    return describe_label(meta.label, obj.pk, str(obj) if meta.label_lower in NAMED_LABELS else "")


def describe_label(label: str, object_id: Any, name: str = "") -> tuple[str, str, str]:
    label_lower = label.lower()
    if label_lower in SECRET_LABELS:
        object_id = "sm3:" + sm3_hex(str(object_id).encode())[:16]
    if label_lower not in NAMED_LABELS:
        name = ""
    return _clean(label, 100), _clean(object_id, 64), _clean(name, 200)


def canonical(event: SecurityEvent) -> bytes:
    """The bytes the hash covers: every field of the record and the previous record's hash."""
    at = event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    values = [
        CHAIN_VERSION, event.sequence, at, event.user_id, event.username, event.organization_id,
        event.organization_name, event.address or "", event.kind, event.object_type, event.object_id,
        event.object_repr, event.outcome, event.detail, event.request_id, event.previous_hash,
    ]  # fmt: skip
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def chain_hash(event: SecurityEvent) -> str:
    return sm3_hex(canonical(event))


def _resolve_actor(actor: Any) -> tuple[Any, Any]:
    """(user or None, request or None) of an actor given as a request, a user or nothing."""
    if actor is not None and hasattr(actor, "META"):
        user = getattr(actor, "user", None)
        return (user if getattr(user, "is_authenticated", False) else None), actor
    request = current_request()
    if isinstance(actor, int):
        actor = get_user_model()._default_manager.filter(pk=actor).first()
    return actor, request


def _claim_next() -> ChainHead:
    """Advances the chain head by one and returns it, locked until the transaction ends. Writing first
    takes the lock at once on every database (PostgreSQL's row lock, SQLite's write lock), so the read
    that follows sees the hash of the last committed record and no other append can come between."""
    while not ChainHead.objects.filter(pk=1).update(sequence=F("sequence") + 1):
        ChainHead.objects.get_or_create(pk=1)  # a database flushed by the tests: the chain starts again
    return ChainHead.objects.get(pk=1)


def record(
    actor: Any,
    kind: str,
    obj: Any = None,
    outcome: str = Outcome.SUCCESS,
    *,
    username: str | None = None,
    **detail: Any,
) -> SecurityEvent:
    """Appends one event. ``actor``: a request, a user, a user id or None (the system, or the user of the
    request being served); ``username``: the name tried, when there is no user (a failed sign-in)."""
    user, request = _resolve_actor(actor)
    object_type, object_id, object_repr = describe(obj)
    organization = getattr(user, "organization", None) if user is not None else None
    event = SecurityEvent(
        at=timezone.now(),
        user_id=getattr(user, "pk", None),
        username=_clean(username if username is not None else getattr(user, "username", ""), 150),
        organization_id=getattr(organization, "pk", None),
        organization_name=_clean(getattr(organization, "name", ""), 200),
        address=client_address(request) if request is not None else None,
        kind=_clean(kind, 32),
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        outcome=outcome if outcome in Outcome.values else Outcome.FAILURE,
        detail=_json_safe(detail),
        request_id=_clean(getattr(request, "request_id", "") or get_request_id(), 64),
    )
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                head = _claim_next()
                event.sequence, event.previous_hash = head.sequence, head.hash
                event.hash = chain_hash(event)
                event.save()
                ChainHead.objects.filter(pk=1).update(hash=event.hash)
            break
        except (IntegrityError, OperationalError):
            # Another writer won the race on a database that could not make this one wait (SQLite shared
            # in memory, a busy timeout): nothing of this attempt was kept; try again on the new head.
            event.pk = None
            event._state.adding = True
            if attempt == ATTEMPTS - 1 or transaction.get_connection().needs_rollback:
                raise
    if request is not None and kind in HANDED_OUT:
        # The view recorded its file itself: the middleware does not record it again as a plain download.
        setattr(getattr(request, "_request", request), RECORDED_ATTRIBUTE, True)
    return event


def record_quietly(actor: Any, kind: str, obj: Any = None, outcome: str = Outcome.SUCCESS, **detail: Any) -> None:
    """``record`` for hooks that must not turn the user's answer into an error if the log cannot be written
    (a denial's 404, a sign-in); the failure itself goes to the server's error log."""
    try:
        record(actor, kind, obj, outcome, **detail)
    except Exception:
        logger.exception("could not write the security log (%s)", kind)


@dataclass(frozen=True)
class Verification:
    count: int
    broken: SecurityEvent | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return not self.reason


def verify_chain(batch_size: int = 1000) -> Verification:
    """Walks the chain from the first record, ``batch_size`` records at a time (memory stays bounded)."""
    previous_hash, expected, count = GENESIS_HASH, 1, 0
    last = 0
    while True:
        batch = list(SecurityEvent.objects.filter(sequence__gt=last).order_by("sequence")[:batch_size])
        for event in batch:
            if event.sequence != expected:
                return Verification(count, event, f"records {expected}–{event.sequence - 1} are missing")
            if event.previous_hash != previous_hash:
                return Verification(count, event, "its previous hash does not match the record before it")
            if chain_hash(event) != event.hash:
                return Verification(count, event, "its content does not match its hash")
            previous_hash, expected, count = event.hash, expected + 1, count + 1
        if len(batch) < batch_size:
            break
        last = batch[-1].sequence
    head = ChainHead.objects.filter(pk=1).first()
    if head is None and count:
        return Verification(count, None, "the chain head is missing")
    if head is not None and (head.sequence, head.hash) != (count, previous_hash):
        return Verification(count, None, f"the chain head names record {head.sequence}, the chain ends at {count}")
    return Verification(count)
