"""Settings that depend on how the system is deployed, as pure functions of the environment.

Kept apart from ``rectify.settings`` so that the logic can be tested without re-importing the settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TRUE = {"1", "true", "yes", "on"}


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in TRUE


def tls_settings(env: Mapping[str, str], debug: bool) -> dict[str, Any]:
    """Django's HTTPS settings for a deployment behind TLS (等保 2.0: confidentiality in transit).

    ``RECTIFY_TLS=1`` declares that users reach the system over HTTPS (directly or through a proxy that
    terminates TLS). Then, unless ``DEBUG`` is on, every protection is on by default: HSTS, cookies sent
    only over HTTPS, the proxy's scheme header trusted and plain HTTP redirected. Each can be set alone.
    """
    tls = _flag(env, "RECTIFY_TLS", False)
    on = tls and not debug
    hsts_default = str(365 * 24 * 3600) if on else "0"
    settings: dict[str, Any] = {
        "RECTIFY_TLS": tls,
        "SECURE_HSTS_SECONDS": int(env.get("RECTIFY_HSTS_SECONDS") or hsts_default),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": _flag(env, "RECTIFY_HSTS_INCLUDE_SUBDOMAINS", on),
        "SECURE_HSTS_PRELOAD": _flag(env, "RECTIFY_HSTS_PRELOAD", False),
        "SESSION_COOKIE_SECURE": _flag(env, "RECTIFY_SECURE_COOKIES", on),
        "CSRF_COOKIE_SECURE": _flag(env, "RECTIFY_SECURE_COOKIES", on),
        "SECURE_SSL_REDIRECT": _flag(env, "RECTIFY_SSL_REDIRECT", on),
        # /healthz answers the load balancer's plain HTTP probe without a redirect.
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$"],
        "SECURE_PROXY_SSL_HEADER": None,
    }
    # The header the TLS-terminating proxy sets, e.g. "X-Forwarded-Proto: https". Trusted only when declared
    # (with TLS on, the default is X-Forwarded-Proto): a client could forge it if no proxy overwrote it.
    header = env.get("RECTIFY_PROXY_SSL_HEADER", "X-Forwarded-Proto: https" if tls else "").strip()
    if header and header.lower() not in {"0", "off", "none", "false"}:
        name, _sep, value = header.partition(":")
        meta = "HTTP_" + name.strip().upper().replace("-", "_")
        settings["SECURE_PROXY_SSL_HEADER"] = (meta, value.strip() or "https")
    return settings
