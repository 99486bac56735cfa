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


# --- databases: the primary, a read replica, PgBouncer ------------------------------------------


def _postgresql_options(database: dict[str, Any], env: Mapping[str, str], pgbouncer: bool) -> None:
    """What a PostgreSQL connection needs: the lock wait bound, and what PgBouncer's transaction pooling
    allows (no server-side cursors, no startup ``options``: a server connection serves many clients)."""
    options = database.setdefault("OPTIONS", {})
    if pgbouncer:
        # Named cursors (QuerySet.iterator()) live in a server session that the pool hands to others.
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        # PgBouncer refuses the startup parameter "options": the lock wait bound is set on the role
        # instead (ALTER ROLE … SET lock_timeout, docs/DEPLOYMENT.md).
        return
    # A statement waiting longer than this for a row lock gives up (answered 503 with a retry,
    # rectify.core.middleware.DatabaseBusyMiddleware) instead of holding a worker indefinitely.
    lock_timeout = int(env.get("RECTIFY_PG_LOCK_TIMEOUT_MS", "15000"))
    if lock_timeout:
        options["options"] = f"{options.get('options', '')} -c lock_timeout={lock_timeout}".strip()
    # The planner's JIT compiles an aggregate over a million rows for seconds before running it (measured:
    # 8.7 s of a 10.6 s export query at 100,000 findings); the application's queries are short, so it is off.
    if not _flag(env, "RECTIFY_PG_JIT", False):
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()


def database_settings(env: Mapping[str, str], default_url: str) -> dict[str, dict[str, Any]]:
    """Django's DATABASES: ``DATABASE_URL`` (the primary), ``DATABASE_REPLICA_URL`` (a read replica for
    reports and exports, rectify.core.routing), ``RECTIFY_PGBOUNCER`` (the URLs lead to PgBouncer in
    transaction pooling), ``DB_CONN_MAX_AGE`` (seconds a connection is kept; 0 closes it per request)."""
    import dj_database_url

    conn_max_age = int(env.get("DB_CONN_MAX_AGE") or "0")
    pgbouncer = _flag(env, "RECTIFY_PGBOUNCER", False)
    default = dj_database_url.parse(env.get("DATABASE_URL") or default_url, conn_max_age=conn_max_age)
    databases = {"default": default}
    if default["ENGINE"] == "django.db.backends.postgresql":
        _postgresql_options(default, env, pgbouncer)
    replica_url = (env.get("DATABASE_REPLICA_URL") or "").strip()
    if replica_url:
        replica = dj_database_url.parse(replica_url, conn_max_age=conn_max_age)
        if replica["ENGINE"] == "django.db.backends.postgresql":
            _postgresql_options(replica, env, pgbouncer)
        # Tests cannot create a database on a standby: the replica alias reads the primary's test database.
        replica["TEST"] = {"MIRROR": "default"}
        databases["replica"] = replica
    return databases


# --- stored files: the file system, or S3-compatible object storage --------------------------------


def storage_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The ``default`` entry of Django's STORAGES: evidence, attachments, generated packages, pending imports.

    The file system under RECTIFY_MEDIA_ROOT unless ``RECTIFY_S3_BUCKET`` names a bucket of an
    S3-compatible object store (MinIO, Ceph, a cloud's OSS/COS/OBS …), reached through django-storages
    (the ``s3`` extra). Files are never served from the bucket directly: downloads go through the
    application's access checks, so the bucket stays private and URLs are never handed out."""
    bucket = (env.get("RECTIFY_S3_BUCKET") or "").strip()
    if not bucket:
        return {"BACKEND": "rectify.core.files.TransactionalFileSystemStorage"}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": env.get("RECTIFY_S3_ENDPOINT_URL") or None,
        "region_name": env.get("RECTIFY_S3_REGION") or None,
        "access_key": env.get("RECTIFY_S3_ACCESS_KEY_ID") or None,
        "secret_key": env.get("RECTIFY_S3_SECRET_ACCESS_KEY") or None,
        "location": (env.get("RECTIFY_S3_PREFIX") or "").strip("/"),
        "default_acl": "private",
        "querystring_auth": True,
        # As on the file system: a second file of the same name gets a new name, never overwrites.
        "file_overwrite": False,
        "addressing_style": env.get("RECTIFY_S3_ADDRESSING_STYLE") or "path",
        "signature_version": env.get("RECTIFY_S3_SIGNATURE_VERSION") or "s3v4",
    }
    # Encryption at rest by the store ("AES256", "aws:kms"), where it offers it.
    encryption = (env.get("RECTIFY_S3_SERVER_SIDE_ENCRYPTION") or "").strip()
    if encryption:
        options["object_parameters"] = {"ServerSideEncryption": encryption}
    if not _flag(env, "RECTIFY_S3_VERIFY_TLS", True):
        options["verify"] = False
    return {"BACKEND": "rectify.core.object_storage.TransactionalS3Storage", "OPTIONS": options}


# --- the cache every process shares (rate limits, import progress) --------------------------------


def cache_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Django's CACHES: the local memory cache, plus ``shared`` on Redis when ``RECTIFY_CACHE_REDIS_URL``
    is set, which the rate limits and the import progress then use (every web host and worker sees it)."""
    caches: dict[str, Any] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    url = (env.get("RECTIFY_CACHE_REDIS_URL") or "").strip()
    if url:
        caches["shared"] = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "rectify",
            "TIMEOUT": 3600,
        }
    return caches
