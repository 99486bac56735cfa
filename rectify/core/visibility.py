"""Who sees what (DESIGN.md section 4): the registry of scopes and the one door to the data.

Core knows no domain app. Each app declares, in its ``AppConfig.ready()``, how its models reach
their scope, in the manner of NetBox's ``RestrictedQuerySet.restrict(user, action)``:

- a scope function, ``register_scope("findings.Finding", finding_scope)``, called as
  ``finding_scope(user, action, roles) -> Q``; several apps may contribute to one model and their
  contributions add up (a user sees the union);
- or a model attribute ``visibility_path = "report__finding"``: the record is visible (or open to
  action) exactly when the object at the end of the path is.

``action`` is ``"view"`` (what the user may read) or ``"act"`` (what the user may work on, which
can be narrower: a higher audit office reads the ledgers below it but does not work them).
``roles`` narrows the question to some of the user's roles ("may this user act on it as the unit?"),
so a write path fetches its object with one restricted query. A model nobody declared is refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

ACTIONS = ("view", "act")

# Narrows a query to nothing; used instead of None so scopes compose with | and &.
NOTHING = Q(pk__in=[])

ScopeFunction = Callable[[Any, str, frozenset[str]], Q]

_scopes: dict[str, list[ScopeFunction]] = defaultdict(list)


def _label(model: type[Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.label


def register_scope(model: type[Model] | str, function: ScopeFunction) -> ScopeFunction:
    """Declares (part of) the scope of ``model`` ("app_label.ModelName" or the class)."""
    functions = _scopes[_label(model)]
    if function not in functions:
        functions.append(function)
    return function


def any_of(parts: Iterable[Q]) -> Q:
    """The union of scope conditions, ``NOTHING`` when there is none."""
    scope = NOTHING
    for part in parts:
        if part is not NOTHING:
            scope = part if scope is NOTHING else scope | part
    return scope


def owner_scope(field: str) -> ScopeFunction:
    """The scope of a private record (an inbox, a saved view, a batch): its owner alone, whatever their roles."""

    def scope(user: Any, action: str, roles: frozenset[str]) -> Q:
        return Q(**{f"{field}_id": user.pk})

    scope.__name__ = f"owned_by_{field}"
    return scope


def is_registered(model: type[Model] | str) -> bool:
    if isinstance(model, str):
        return bool(_scopes.get(model))
    return bool(_scopes.get(_label(model))) or bool(getattr(model, "visibility_path", ""))


def user_cache(user: Any, key: str, compute: Callable[[], Any]) -> Any:
    """Memoises per user object (one request): scopes are asked for many times while a page renders."""
    cache = user.__dict__.setdefault("_visibility_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def is_active_user(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def held_roles(user: Any, roles: Iterable[str] | None = None) -> frozenset[str]:
    """The user's roles, or those of ``roles`` the user holds."""
    codes = frozenset(getattr(user, "role_codes", frozenset()))
    return codes if roles is None else codes & frozenset(roles)


def _target_model(model: type[Model], path: str) -> type[Model]:
    current = model
    for part in path.split("__"):
        current = current._meta.get_field(part).related_model
    return current


def scope_q(model: type[Model], user: AbstractBaseUser, action: str = "view", roles: Iterable[str] | None = None) -> Q:
    """The condition on ``model`` that selects what ``user`` may see (``view``) or work on (``act``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not is_registered(model):
        raise LookupError(f"no visibility rule for {_label(model)}")
    if not is_active_user(user):
        return NOTHING
    path = getattr(model, "visibility_path", "")
    if path:
        target = _target_model(model, path)
        key = f"{_label(target)}:{action}:{','.join(sorted(roles)) if roles is not None else '*'}"
        parents = user_cache(user, key, lambda: restrict(target._default_manager.all(), user, action, roles=roles))
        return Q(**{f"{path}__in": parents.values("pk")})
    functions = _scopes[_label(model)]
    held = held_roles(user, roles)
    scope = NOTHING
    for function in functions:
        part = function(user, action, held)
        if part is not NOTHING:
            scope = part if scope is NOTHING else scope | part
    return scope


def restrict(queryset: QuerySet, user: AbstractBaseUser, action: str = "view", *, roles=None) -> QuerySet:
    """The part of ``queryset`` that ``user`` may see or work on. Unknown models are refused."""
    scope = scope_q(queryset.model, user, action, roles)
    if scope is NOTHING:
        return queryset.none()
    return queryset.filter(scope)
