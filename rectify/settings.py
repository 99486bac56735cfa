"""Settings for Rectify, read from the environment.

DATABASE_URL  selects the database; the embedded SQLite file under var/ is the default.
SECRET_KEY, DEBUG, ALLOWED_HOSTS, RECTIFY_MEDIA_ROOT, RECTIFY_VAR_DIR as usual.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("RECTIFY_VAR_DIR", BASE_DIR.parent / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, or one generated on first start and kept under var/ (never a known default)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "rest_framework",
    "knox",  # API tokens: stored hashed, expiring, one per sign-in (rectify.accounts.tokens)
    "django_otp",
    "django_otp.plugins.otp_totp",  # the TOTP second factor (rectify.accounts.otp)
    "drf_spectacular",
    "rectify.accounts.axes.AxesConfig",  # django-axes, with a Chinese name in the admin
    "django_q",
    "drf_spectacular_sidecar",
    "rectify.core",
    "rectify.organizations",
    "rectify.accounts",
    "rectify.audits",
    "rectify.findings",
    "rectify.rectification",
    "rectify.ledger",
    "rectify.notifications",
    "rectify.reporting",
    "rectify.summaries",
    "rectify.supervision",
    "rectify.congress",
    "rectify.interviews",
    "rectify.referrals",
    "rectify.sharing",
    "rectify.portal",
    "rectify.assessment",
    "rectify.references",
    "rectify.analysis",
    "rectify.campaigns",
    "rectify.lookback",
    "rectify.security_log",
    "rectify.exchange",
    "rectify.documents",
    "rectify.demo",
    "rectify.generate",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rectify.core.middleware.RequestIdMiddleware",
    # After WhiteNoise (static files keep their caching): private, no-store on everything else.
    "rectify.core.middleware.NoStoreMiddleware",
    "rectify.core.middleware.RequestSizeLimitMiddleware",
    "rectify.core.middleware.ContentSecurityPolicyMiddleware",
    # The public portal: its requests lose their cookies before the session is read; its answers are
    # cacheable, carry no cookie, and are rate limited per address (rectify.portal.middleware).
    "rectify.portal.middleware.PublicPortalMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rectify.core.middleware.InterfaceLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A session whose user owes the second factor reaches only the pages that take it.
    "rectify.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: a background request's redirect is answered with its address, and the
    # confirmation stays stored for the page the script then opens.
    "rectify.core.middleware.BackgroundRedirectMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A database turning a request away (locked, unreachable) answers 503 with Retry-After, not 500.
    "rectify.core.middleware.DatabaseBusyMiddleware",
    # A password to change first; administrators kept off business pages.
    "rectify.accounts.middleware.AccountGatesMiddleware",
    # The security audit log: binds the request for its hooks, records refusals and handed-out files.
    "rectify.security_log.middleware.SecurityLogMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rectify.urls"
WSGI_APPLICATION = "rectify.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "rectify.notifications.context_processors.inbox",
                "rectify.ledger.context_processors.navigation",
                "rectify.summaries.context_processors.navigation",
                "rectify.supervision.context_processors.navigation",
                "rectify.portal.context_processors.navigation",
                "rectify.referrals.context_processors.navigation",
                "rectify.assessment.context_processors.navigation",
                "rectify.references.context_processors.navigation",
                "rectify.campaigns.context_processors.navigation",
                "rectify.lookback.context_processors.navigation",
                "rectify.security_log.context_processors.navigation",
                "rectify.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rectify.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while a command writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # A writer waits this long for another's write (an import's bulk batches take a few seconds) before
    # giving up, instead of SQLite's default five.
    DATABASES["default"]["OPTIONS"]["timeout"] = int(os.environ.get("RECTIFY_SQLITE_BUSY_SECONDS", "30"))
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A statement waiting longer than this for a row lock gives up (answered 503 with a retry,
    # rectify.core.middleware.DatabaseBusyMiddleware) instead of holding a worker indefinitely.
    _lock_timeout = int(os.environ.get("RECTIFY_PG_LOCK_TIMEOUT_MS", "15000"))
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if _lock_timeout:
        _options["options"] = f"{_options.get('options', '')} -c lock_timeout={_lock_timeout}".strip()
    # No JIT compilation: the ledger's scans of a province's findings look costly enough to the planner to
    # be compiled, which took longer (half a second) than running them; RECTIFY_PG_JIT=1 leaves it on.
    if os.environ.get("RECTIFY_PG_JIT", "0").strip().lower() in {"0", "false", "no", "off"}:
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/workbench/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's, refusing the demo accounts outside demo mode.
    "rectify.accounts.backends.AccountBackend",
]
# Failed sign-ins (等保 2.0): after RECTIFY_LOGIN_FAILURES failures an account is locked for
# RECTIFY_LOGIN_LOCK_MINUTES. Counted per username: offices sit behind one NAT address.
AXES_ENABLED = env_bool("RECTIFY_LOGIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = int(os.environ.get("RECTIFY_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("RECTIFY_LOGIN_LOCK_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The one client-address reader (behind RECTIFY_NUM_PROXIES), as the rate limits and the security log.
AXES_CLIENT_IP_CALLABLE = "rectify.core.addresses.client_address"
# Locking by IP address as well would lock a whole office behind its one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# The password policy (等保 2.0 身份鉴别; rectify/accounts/passwords.py): length, character classes
# (of upper case, lower case, digits, symbols), no reuse of the last N, expiry after N days (0: never).
RECTIFY_PASSWORD_MIN_LENGTH = int(os.environ.get("RECTIFY_PASSWORD_MIN_LENGTH", "8"))
RECTIFY_PASSWORD_CHARACTER_CLASSES = int(os.environ.get("RECTIFY_PASSWORD_CHARACTER_CLASSES", "3"))
RECTIFY_PASSWORD_HISTORY = int(os.environ.get("RECTIFY_PASSWORD_HISTORY", "5"))
RECTIFY_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("RECTIFY_PASSWORD_MAX_AGE_DAYS", "90"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "rectify.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "rectify.accounts.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "rectify.accounts.passwords.HistoryValidator"},
]
# Demo mode (`make run`, or RECTIFY_DEMO_MODE=1): the demo accounts of DESIGN section 7 sign in with the
# published RECTIFY_DEMO_PASSWORD and are spared the forced password change. Off, they cannot sign in.
RECTIFY_DEMO_MODE = env_bool("RECTIFY_DEMO_MODE", False)
# The only pages the three administrators (三员) open, besides signing in and out: anything else is
# business data and answers 403 (rectify/accounts/middleware.py).
RECTIFY_ADMINISTRATOR_PATHS = [
    "/workbench/",
    "/manage/",
    "/security-log/",
    "/admin/",
    "/notifications/",
    "/api/auth/",
    "/api/categories/",
    "/api/organizations/",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("RECTIFY_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # The file system; files stored by an action that rolls back are removed (rectify.core.files).
    "default": {"BACKEND": "rectify.core.files.TransactionalFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Days after sending within which a referral's receiving body owes its feedback (source 三(四)).
RECTIFY_REFERRAL_FEEDBACK_DAYS = int(os.environ.get("RECTIFY_REFERRAL_FEEDBACK_DAYS", "60"))

SESSION_COOKIE_AGE = int(os.environ.get("RECTIFY_SESSION_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A refused post answers with a page of the site (templates 403_csrf.html), not Django's English one.
CSRF_FAILURE_VIEW = "rectify.core.views.csrf_failure"
X_FRAME_OPTIONS = "SAMEORIGIN"

# HTTPS (RECTIFY_TLS=1): HSTS, Secure cookies, the proxy's scheme header, redirect to HTTPS; see
# rectify/core/deployment.py and the README's deployment section.
from rectify.core.deployment import tls_settings  # noqa: E402

globals().update(tls_settings(os.environ, DEBUG))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rectify.accounts.authentication.TokenAuthentication",
        "rectify.accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        # Administrators reach no business endpoint; a password to change is changed first.
        "rectify.accounts.permissions.NotAdministrator",
        "rectify.accounts.permissions.PasswordChanged",
    ],
    # JSON with a bound on its nesting, numbers with a fraction as Decimal (rectify.core.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "rectify.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Rates per user and per address (RECTIFY_RATE_LIMITS below); the sign-in has its own.
    "DEFAULT_THROTTLE_CLASSES": [
        "rectify.core.throttling.UserRateThrottle",
        "rectify.core.throttling.AddressRateThrottle",
    ],
    # How many reverse proxies stand in front (their X-Forwarded-For is trusted); 0: the peer's address.
    "NUM_PROXIES": int(os.environ.get("RECTIFY_NUM_PROXIES", "0")),
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Service refusals by code: not_found 404, forbidden 403, invalid_state 409, invalid 400.
    "EXCEPTION_HANDLER": "rectify.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rectify 审计整改管理系统 API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are for signed-in callers only (a session or a token).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "DESCRIPTION": (
        "审计整改管理系统接口。Authenticate with `Authorization: Token <token>` (POST /api/auth/token/) or a "
        "session. A token is new at each sign-in, expires after RECTIFY_TOKEN_HOURS, and is revoked by "
        "DELETE /api/auth/token/, at logout and at a change of password or roles; an account with a second "
        "factor sends its code as `otp`. Too many requests answer 429 with Retry-After. "
        "Lists are paginated ({count, next, previous, results}; ?page=, ?page_size= up to 500) and "
        "ordered with ?ordering=. An object outside the caller's scope answers 404. Errors are {detail} or "
        "field errors keyed by field; a refused action answers 403 (role), 404 (scope), 409 (state) or 400 "
        "(input) and changes nothing. Amounts are decimal strings in yuan."
    ),
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs load Swagger UI from this server (drf-spectacular-sidecar), never from the internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "FindingKindEnum": "rectify.findings.choices.Kind",
        "FindingStateEnum": "rectify.findings.choices.FindingState",
        "EventKindEnum": "rectify.findings.choices.EventKind",
        "ReportKindEnum": "rectify.rectification.choices.ReportKind",
        "OrganizationKindEnum": "rectify.organizations.choices.OrganizationKind",
        "AuditTypeEnum": "rectify.audits.choices.AuditType",
        "ColourEnum": "rectify.findings.choices.Colour",
        "VerdictEnum": "rectify.rectification.choices.Verdict",
        "SummaryKindEnum": "rectify.summaries.choices.SummaryKind",
        "SummaryStateEnum": "rectify.summaries.choices.SummaryState",
        "SummaryStepKindEnum": "rectify.summaries.choices.StepKind",
        "SupervisedMatterKindEnum": "rectify.supervision.choices.MatterKind",
        "SupervisedMatterStateEnum": "rectify.supervision.choices.MatterState",
        "AssignmentStateEnum": "rectify.supervision.choices.AssignmentState",
        "CircularKindEnum": "rectify.supervision.choices.CircularKind",
        "CircularStateEnum": "rectify.supervision.choices.CircularState",
        "CongressKindEnum": "rectify.congress.choices.CongressKind",
        "CongressStateEnum": "rectify.congress.choices.CongressState",
        "QuestionStateEnum": "rectify.congress.choices.QuestionState",
        "InterviewStateEnum": "rectify.interviews.choices.InterviewState",
        "InterviewGroundEnum": "rectify.interviews.choices.Ground",
        "FollowUpItemStateEnum": "rectify.interviews.choices.ItemState",
        "ReferralStateEnum": "rectify.referrals.choices.ReferralState",
        "ReferralGroundEnum": "rectify.referrals.choices.ReferralGround",
        "AccountabilityOutcomeEnum": "rectify.rectification.choices.AccountabilityOutcome",
        "SubscriptionTargetEnum": "rectify.sharing.choices.Target",
        "SubscriptionStateEnum": "rectify.sharing.choices.SubscriptionState",
        "ReferenceKindEnum": "rectify.references.choices.ReferenceKind",
        "ReferenceDeliveryStateEnum": "rectify.references.choices.DeliveryState",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Rectify's own settings -------------------------------------------------------------

# Days before the deadline at which a finding turns yellow.
RECTIFY_WARNING_DAYS = int(os.environ.get("RECTIFY_WARNING_DAYS", "7"))
# Upper bound of one evidence file, in bytes.
RECTIFY_EVIDENCE_MAX_BYTES = int(os.environ.get("RECTIFY_EVIDENCE_MAX_BYTES", str(50 * 1024 * 1024)))
# Bounds on an uploaded zip container (Word, Excel, PowerPoint, OFD, ZIP), checked before it is accepted.
RECTIFY_UPLOAD_MAX_ENTRIES = int(os.environ.get("RECTIFY_UPLOAD_MAX_ENTRIES", "1000"))
RECTIFY_UPLOAD_MAX_EXPANDED_BYTES = int(os.environ.get("RECTIFY_UPLOAD_MAX_EXPANDED_BYTES", str(200 * 1024 * 1024)))
RECTIFY_UPLOAD_MAX_RATIO = int(os.environ.get("RECTIFY_UPLOAD_MAX_RATIO", "100"))
# Upper bound of a whole request body (several evidence files at once), refused before it is read.
RECTIFY_REQUEST_MAX_BYTES = int(os.environ.get("RECTIFY_REQUEST_MAX_BYTES", str(200 * 1024 * 1024)))
# How far back the overdue check looks for deadlines it has not announced yet (a worker that was down catches up).
RECTIFY_OVERDUE_CATCH_UP_DAYS = int(os.environ.get("RECTIFY_OVERDUE_CATCH_UP_DAYS", "30"))
# Figures-only roles (committee, government, congress …) see no group of fewer findings than this:
# a smaller cell is suppressed with a note, so that one finding's unit and amount cannot be singled out.
RECTIFY_MIN_GROUP_SIZE = int(os.environ.get("RECTIFY_MIN_GROUP_SIZE", "3"))
# Seconds a client is asked to wait (Retry-After) when the database is busy (503).
RECTIFY_BUSY_RETRY_SECONDS = int(os.environ.get("RECTIFY_BUSY_RETRY_SECONDS", "5"))
# Password of the demo accounts (demo mode only).
RECTIFY_DEMO_PASSWORD = os.environ.get("RECTIFY_DEMO_PASSWORD", "Demo-2026")

# --- Sign-in: API tokens, the second factor, rate limits (等保 2.0 identity) ---------------------
# API tokens (django-rest-knox): a new one at each sign-in, stored as a hash, dead after this many
# hours (no sliding renewal), and revoked at logout, password change, role change and deactivation.
RECTIFY_TOKEN_HOURS = float(os.environ.get("RECTIFY_TOKEN_HOURS", "8"))
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=RECTIFY_TOKEN_HOURS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": None,
}
# The TOTP second factor (django-otp): required of the holders of these roles ("all": everyone) when
# RECTIFY_OTP_REQUIRED is on, which it is outside demo mode. Anyone may enrol; whoever has, uses it.
RECTIFY_OTP_ROLES = [
    role.strip()
    for role in os.environ.get("RECTIFY_OTP_ROLES", "system_admin,security_admin,log_auditor,audit_leader").split(",")
    if role.strip()
]
RECTIFY_OTP_REQUIRED = env_bool("RECTIFY_OTP_REQUIRED", not RECTIFY_DEMO_MODE)
OTP_TOTP_ISSUER = os.environ.get("RECTIFY_OTP_ISSUER", "审计整改管理系统")
# Rate limits ("N/s", "N/min", "N/hour", "N/day"): sign-ins per address (web and API) and per
# username (API; the web's per-username lockout is django-axes above); API requests per user and per
# address. Counted in the cache named by RECTIFY_THROTTLE_CACHE, else a file cache under var/ that
# the processes of one host share.
RECTIFY_RATE_LIMITS = {
    "login_address": os.environ.get("RECTIFY_RATE_LOGIN_ADDRESS", "30/min"),
    "login_username": os.environ.get("RECTIFY_RATE_LOGIN_USERNAME", "10/min"),
    "api_user": os.environ.get("RECTIFY_RATE_API_USER", "600/min"),
    "api_address": os.environ.get("RECTIFY_RATE_API_ADDRESS", "3000/min"),
    # The public portal (/public/), per address.
    "public_address": os.environ.get("RECTIFY_RATE_PUBLIC_ADDRESS", "300/min"),
}
# How long browsers and proxies may keep a public portal page (seconds).
RECTIFY_PUBLIC_MAX_AGE = int(os.environ.get("RECTIFY_PUBLIC_MAX_AGE", "300"))
RECTIFY_THROTTLE_CACHE = os.environ.get("RECTIFY_THROTTLE_CACHE", "")
# Deepest nesting of a JSON request body; deeper answers 400.
RECTIFY_JSON_MAX_DEPTH = int(os.environ.get("RECTIFY_JSON_MAX_DEPTH", "32"))
# --- Security audit log and field encryption (等保 2.0 level 3, 国密) ------------------------------
# Records handed out by one export of the log auditor at most.
RECTIFY_SECURITY_LOG_EXPORT_MAX = int(os.environ.get("RECTIFY_SECURITY_LOG_EXPORT_MAX", "100000"))
# Reverse proxies in front of the application (RECTIFY_NUM_PROXIES, the same count the API's rate
# limits use): the client address is then read from X-Forwarded-For. 0: REMOTE_ADDR, unforgeable.
RECTIFY_PROXY_COUNT = REST_FRAMEWORK["NUM_PROXIES"]
# SM4 keys of the encrypted personal fields, outside the database: "id:32hex,id:32hex" (the last is
# current), or a JSON key file; without either, a development key is generated into var/ with a warning.
RECTIFY_FIELD_KEYS = os.environ.get("RECTIFY_FIELD_KEYS", "")
RECTIFY_FIELD_KEY_FILE = os.environ.get("RECTIFY_FIELD_KEY_FILE", str(VAR_DIR / "field_keys.json"))

# --- The job queue (django-q2) ------------------------------------------------------------
# The embedded default queues jobs in the database (no extra service); RECTIFY_REDIS_URL moves the
# broker to Redis by configuration alone. Jobs are retried when a worker dies under them.
RECTIFY_REDIS_URL = os.environ.get("RECTIFY_REDIS_URL", "")
Q_CLUSTER = {
    "name": "rectify",
    "workers": int(os.environ.get("RECTIFY_WORKERS", "2")),
    "timeout": int(os.environ.get("RECTIFY_JOB_TIMEOUT", str(30 * 60))),
    "retry": int(os.environ.get("RECTIFY_JOB_TIMEOUT", str(30 * 60))) + 60,
    "max_attempts": 3,
    "save_limit": 1000,
    "catch_up": False,  # a worker that was down runs a missed schedule once, not once per missed slot
    "label": "任务队列",
    "poll": 1,
    # Tests run every job at once, in the calling thread.
    "sync": env_bool("RECTIFY_JOBS_SYNC", False),
}
if RECTIFY_REDIS_URL:
    Q_CLUSTER["redis"] = RECTIFY_REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Notifications ---------------------------------------------------------------------------
# Email goes through Django's mail backend: the console in the demo, SMTP in production.
EMAIL_BACKEND = os.environ.get("RECTIFY_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("RECTIFY_FROM_EMAIL", "rectify@localhost")
EMAIL_HOST = os.environ.get("RECTIFY_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("RECTIFY_EMAIL_PORT", "25"))
# SMS and enterprise-messaging robots: logging gateways in the demo; a real gateway class in production.
RECTIFY_SMS_GATEWAY = os.environ.get("RECTIFY_SMS_GATEWAY", "rectify.notifications.channels.LoggingSmsGateway")
RECTIFY_WEBHOOK_GATEWAY = os.environ.get(
    "RECTIFY_WEBHOOK_GATEWAY", "rectify.notifications.channels.LoggingWebhookGateway"
)
# The address users reach the system at, for links in email and messages.
RECTIFY_BASE_URL = os.environ.get("RECTIFY_BASE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Analysis (similar findings, repeat proposals, clusters) -------------------------------------
# The similarity index lives on disk here, memory-mapped by the web processes (rectify.analysis.index).
RECTIFY_ANALYSIS_DIR = os.environ.get("RECTIFY_ANALYSIS_DIR", str(VAR_DIR / "analysis"))
# Cosine similarity from which a finding is proposed as repeating an earlier one; chosen from the
# labeled evaluation set (docs/analysis.md: precision 0.94, recall 0.94 at 0.30).
RECTIFY_REPEAT_THRESHOLD = float(os.environ.get("RECTIFY_REPEAT_THRESHOLD", "0.30"))
# Similarity from which two findings join one cluster (a connected component of the similarity graph).
RECTIFY_CLUSTER_THRESHOLD = float(os.environ.get("RECTIFY_CLUSTER_THRESHOLD", "0.40"))
