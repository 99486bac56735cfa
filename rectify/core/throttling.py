"""Rate limits (等保 2.0 level 3): sign-ins per address and per username, API requests per user and
per address, with the rates of RECTIFY_RATE_LIMITS read at each request (so they are configurable and
testable) and the counts kept in a cache every process of the host shares.

A refused request answers 429 with a Chinese message and ``Retry-After`` (rectify.api.exceptions for
the API; the sign-in page renders its own). The address is the peer's, or the one the trusted
proxies report (rectify.core.addresses): a client cannot choose it with a header of its own.
"""

from __future__ import annotations

import hashlib
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from rest_framework import throttling

from rectify.core.addresses import client_address


@lru_cache(maxsize=1)
def _file_cache() -> FileBasedCache:
    base = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir()))
    return FileBasedCache(
        str(base / "cache" / "throttle"), {"TIMEOUT": 24 * 60 * 60, "OPTIONS": {"MAX_ENTRIES": 10000}}
    )


def store():
    alias = getattr(settings, "RECTIFY_THROTTLE_CACHE", "")
    return caches[alias] if alias else _file_cache()


class RateThrottle(throttling.SimpleRateThrottle):
    """A scoped rate from RECTIFY_RATE_LIMITS; an empty or missing rate means no limit."""

    cache_format = "rectify:throttle:%(scope)s:%(ident)s"

    def __init__(self) -> None:
        self.cache = store()
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_ident(self, request) -> str:
        # The one address reader (rectify.core.addresses), shared with the security log and the lockout.
        return client_address(request) or ""

    def get_rate(self) -> str | None:
        return getattr(settings, "RECTIFY_RATE_LIMITS", {}).get(self.scope) or None

    def key_for(self, ident: str | None) -> str | None:
        if not ident:
            return None
        # Hashed: a username may hold any character, and a cache key only a few.
        return self.cache_format % {"scope": self.scope, "ident": hashlib.sha256(ident.encode()).hexdigest()[:32]}


class UserRateThrottle(RateThrottle):
    """API requests of one signed-in user, whichever token or session they come with."""

    scope = "api_user"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return self.key_for(str(user.pk))


class AddressRateThrottle(RateThrottle):
    """API requests from one address, signed in or not (an office's NAT shares it: the rate is higher)."""

    scope = "api_address"

    def get_cache_key(self, request, view):
        return self.key_for(self.get_ident(request))


class LoginAddressThrottle(RateThrottle):
    """Sign-in attempts from one address, on the web page and the token endpoint alike."""

    scope = "login_address"

    def get_cache_key(self, request, view):
        return self.key_for(self.get_ident(request))


class LoginUsernameThrottle(RateThrottle):
    """Token requests naming one username, from wherever they come."""

    scope = "login_username"

    def get_cache_key(self, request, view):
        data = getattr(request, "data", None)
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None
        return self.key_for(username.strip().lower()[:150])
