"""The client's address: the one reader the rate limits, the security log and the sign-in lockout share.

``X-Forwarded-For`` is honoured only behind declared reverse proxies (``RECTIFY_NUM_PROXIES``, the
number of proxies in front, each appending the address it received): the address is then the one the
outermost trusted proxy saw. With no proxy declared, or a header shorter than the proxies declared,
the peer's own address counts, so a client cannot choose its address with a header of its own.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def proxy_count() -> int:
    return int(getattr(settings, "RECTIFY_PROXY_COUNT", 0) or 0)


def client_address(request: Any) -> str | None:
    """The client's address as a normalised string, or None when none can be told."""
    meta = getattr(request, "META", None) or {}
    address = str(meta.get("REMOTE_ADDR", "") or "")
    proxies = proxy_count()
    if proxies:
        forwarded = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
