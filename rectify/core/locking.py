"""The first step of every mutating service: fetch the object to act on, locked, through the scope.

A write path asks one question, "may this user work on this object, in one of these roles?", with
one restricted query that also takes the row lock (``SELECT … FOR UPDATE OF`` the object's own
table), so that rules checked afterwards (state, requirements, amounts) are checked on the row as
it stands, and two people acting at once are serialised. It must run inside a transaction.

Optimistic locking for edits: a form or an API client carries the ``version`` it read; an edit
made from a stale version is refused and overwrites nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from rectify.core.exceptions import ActionRefused
from rectify.core.models import VersionedModel
from rectify.core.visibility import restrict

M = TypeVar("M", bound=Model)

NOT_FOUND = _("对象不存在，或不在您的职责范围内。")


def lock_for_action(
    source: type[M] | QuerySet,
    user: Any,
    pk: Any,
    *,
    roles: Iterable[str] | None = None,
    not_found: str | None = None,
    forbidden: str | None = None,
) -> M:
    """The object ``pk`` from the ``act`` scope of ``user`` (narrowed to ``roles``), locked.

    Refuses with ``not_found`` when the user cannot even see it, and with ``forbidden`` when the user
    sees it but may not act on it in those roles.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_for_action must run inside a transaction")
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    roles = frozenset(roles) if roles is not None else None
    acting = restrict(queryset, user, "act", roles=roles).filter(pk=pk)
    if connection.features.has_select_for_update_of:
        acting = acting.select_for_update(of=("self",))
    else:
        acting = acting.select_for_update()
    obj = acting.first()
    if obj is not None:
        return obj
    if forbidden and restrict(queryset, user, "view").filter(pk=pk).exists():
        raise ActionRefused(forbidden, code="forbidden")
    raise ActionRefused(not_found or NOT_FOUND, code="not_found")


STALE = _("该记录已被他人修改（您看到的是第 %(seen)s 版，当前为第 %(current)s 版）。请刷新页面，核对最新内容后再修改。")


def parse_version(value: Any) -> int | None:
    """A version as a form field, a header (``"3"`` or an ETag ``W/"3"``) or JSON gives it; None if absent."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    try:
        return int(text)
    except ValueError:
        raise ActionRefused(_("版本号「%(value)s」无效。"), code="invalid", params={"value": value}) from None


def check_version(obj: VersionedModel, seen: Any) -> None:
    """Refuses an edit made from a version other than the one now locked (``seen`` None: not checked)."""
    seen_version = parse_version(seen)
    if seen_version is not None and seen_version != obj.version:
        raise ActionRefused(STALE, code="stale", params={"seen": seen_version, "current": obj.version})


def bump_version(obj: VersionedModel) -> None:
    """Called on the locked row before saving an edit (the lock makes the increment safe)."""
    obj.version += 1


def etag(obj: VersionedModel) -> str:
    return f'W/"{obj.version}"'
