"""Settings for Aftersales, read from the environment.

With no configuration at all the product runs on the embedded default: SQLite and a Celery
broker on the filesystem (no server needed). ``DATABASE_URL`` switches to PostgreSQL and
``REDIS_URL`` to Redis for the broker and the cache (DESIGN.md section 3).
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from aftersales.env import env_bool, env_decimal, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("AFTERSALES_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY, or DEBUG=1 for local development.")
    SECRET_KEY = "django-insecure-local-development-only"
# Rotating SECRET_KEY: put the old key here (comma-separated) for a while, so sessions and the
# emailed survey links signed with it keep working until they expire; then remove it.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
# Encrypts secrets kept in the database (webhook signing secrets; aftersales/encryption.py): a
# Fernet key of its own, so rotating SECRET_KEY never makes them unreadable. Rotating it: set the
# new key, move the old one to FIELD_ENCRYPTION_KEY_FALLBACKS, run `manage.py reencrypt_secrets`,
# then remove the old key.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")
if not FIELD_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set FIELD_ENCRYPTION_KEY (a Fernet key: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'), or DEBUG=1 for local development."
        )
    FIELD_ENCRYPTION_KEY = "YWZ0ZXJzYWxlcy1sb2NhbC1kZXZlbG9wbWVudC1rZXk="  # not a secret: development only
FIELD_ENCRYPTION_KEY_FALLBACKS = env_list("FIELD_ENCRYPTION_KEY_FALLBACKS", [])
for _key in (FIELD_ENCRYPTION_KEY, *FIELD_ENCRYPTION_KEY_FALLBACKS):
    try:
        Fernet(_key)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY and FIELD_ENCRYPTION_KEY_FALLBACKS must be Fernet keys (32 url-safe base64-encoded bytes)."
        ) from exc

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "csp",
    # The project package itself: its template tags (money, form marks, the organisation).
    "aftersales",
    # The product's apps, lowest layer first: each may use only those above it in this list
    # (docs/architecture.md; .importlinter holds it).
    "customers",
    "notifications",
    "tickets",
    "warranty",
    "followups",
    "quality",
    "portal",
    "demo",
    # After knox: its admin for API tokens is replaced by this app's (aftersales/api/admin.py).
    "aftersales.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A path with a NUL character is a 404 before any view looks it up (aftersales/middleware.py).
    "aftersales.middleware.NulInPathMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: turns a sign-in it refused into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aftersales.context.roles",
                "aftersales.context.organisation",
                "customers.context.calendar_warning",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles a plan when its cost estimate is high; for the quality
        # rates' grouped counts that takes ~350 ms to save ~5. Short queries gain nothing from it.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "aftersales.sqlite3",
            # Web, worker and beat share one file: wait for locks instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ---------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Only counters and pages that can be worked out again live in the cache: while Redis is down
    # it answers "nothing cached" instead of failing every request that counts (aftersales/cache.py).
    CACHES = {
        "default": {"BACKEND": "aftersales.cache.ResilientRedisCache", "LOCATION": REDIS_URL},
        # Parts of pages rendered once and served again until what they show changes: the
        # dashboard's figures (quality/dashboard/rendering.py), the portal's blank request form.
        "fragments": {
            "BACKEND": "aftersales.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fragments",
            "TIMEOUT": 24 * 3600,
        },
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    # A cache every process on this machine shares, so nothing lives in one process's memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        },
        "fragments": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / "fragments"),
            "TIMEOUT": 24 * 3600,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it finished, so a worker killed mid-task loses nothing;
# every task is idempotent, so running one twice does no harm (DESIGN.md section 7).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "UTC"

# --- Auth ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username and address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lock-out (aftersales/lockout.py): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is refused for AXES_COOLOFF_MINUTES, even with the right
# password; tries while locked do not extend it, and a successful sign-in forgets the failures.
# Administrators lift a lock-out in the admin (Axes → Access attempts: delete the row).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "aftersales.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "aftersales.client_ip.client_ip"
# The desk's and the admin's sign-in are limited per address as well: after this many failed
# sign-ins from one address (whatever the usernames) within the window, that address is refused
# until the window ends (aftersales/lockout.py); 0 turns it off. Other addresses are not touched.
SIGN_IN_ADDRESS_FAILURE_LIMIT = env_int("SIGN_IN_ADDRESS_FAILURE_LIMIT", 30)
SIGN_IN_ADDRESS_WINDOW_MINUTES = env_int("SIGN_IN_ADDRESS_WINDOW_MINUTES", 15)
# Staff reset a forgotten password by email from the desk's sign-in page (aftersales/staff/password_views.py):
# at most this many requests per address and per email address typed; a link stays valid this long.
STAFF_PASSWORD_RESET_ADDRESS_RATE = env_str("STAFF_PASSWORD_RESET_ADDRESS_RATE", "10/h")
STAFF_PASSWORD_RESET_EMAIL_RATE = env_str("STAFF_PASSWORD_RESET_EMAIL_RATE", "3/h")
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_MINUTES", 60) * 60
LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:queue"
LOGOUT_REDIRECT_URL = "desk:login"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["aftersales.formats"]
USE_I18N = True
USE_TZ = True
# The business time zone: deadlines, "same business day" and KPI periods count in it.
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded files live outside the web root and are served only through permission checks.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "uploads")))

# --- Mail -------------------------------------------------------------------------------------
# By default each email is one line on the console (recipient, subject, the start of the text).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "notifications.backends.ConsoleEmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Aftersales <service@localhost>")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# --- SMS --------------------------------------------------------------------------------------
# The SMS backend, chosen like EMAIL_BACKEND: by default each SMS is one line on the console
# (where the sign-in codes are read in development); "notifications.sms.filebased.SmsBackend"
# appends them to SMS_FILE_PATH as JSON lines; the vendors' backends send them for real.
SMS_BACKEND = env_str("SMS_BACKEND", "notifications.sms.console.SmsBackend")
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(VAR_DIR / "sms.jsonl"))

# --- SMS vendors (notifications/sms/aliyun.py, notifications/sms/tencent.py) -------------------
# SMS_BACKEND="notifications.sms.aliyun.SmsBackend" or "notifications.sms.tencent.SmsBackend"
# sends through the vendor. A vendor sends only the templates it approved under the
# organisation's signature: *_SMS_TEMPLATES maps each of the product's SMS templates to the
# vendor's template code, one for both languages or one per language, as JSON, e.g.
# {"code": "SMS_200000001", "request_received": {"zh-hans": "SMS_200000002", "en": "SMS_200000003"}}.
SMS_TIMEOUT = env_int("SMS_TIMEOUT", 10)
ALIYUN_SMS_ACCESS_KEY_ID = env_str("ALIYUN_SMS_ACCESS_KEY_ID")
ALIYUN_SMS_ACCESS_KEY_SECRET = env_str("ALIYUN_SMS_ACCESS_KEY_SECRET")
ALIYUN_SMS_SIGN_NAME = env_str("ALIYUN_SMS_SIGN_NAME")
ALIYUN_SMS_TEMPLATES = env_str("ALIYUN_SMS_TEMPLATES", "{}")
ALIYUN_SMS_ENDPOINT = env_str("ALIYUN_SMS_ENDPOINT", "dysmsapi.aliyuncs.com")
ALIYUN_SMS_PROTOCOL = env_str("ALIYUN_SMS_PROTOCOL", "https")
TENCENT_SMS_SECRET_ID = env_str("TENCENT_SMS_SECRET_ID")
TENCENT_SMS_SECRET_KEY = env_str("TENCENT_SMS_SECRET_KEY")
TENCENT_SMS_SDK_APP_ID = env_str("TENCENT_SMS_SDK_APP_ID")
TENCENT_SMS_SIGN_NAME = env_str("TENCENT_SMS_SIGN_NAME")
TENCENT_SMS_REGION = env_str("TENCENT_SMS_REGION", "ap-guangzhou")
TENCENT_SMS_TEMPLATES = env_str("TENCENT_SMS_TEMPLATES", "{}")
TENCENT_SMS_ENDPOINT = env_str("TENCENT_SMS_ENDPOINT", "sms.tencentcloudapi.com")
TENCENT_SMS_PROTOCOL = env_str("TENCENT_SMS_PROTOCOL", "https")

# Where the product is reached from outside (its public base URL): every link in an email or
# SMS is built on it. By default the local server on the port the run command was given.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")

# One-time codes sent by SMS to prove a phone (customers/phone_codes.py): how long a code is
# valid. Short, so a code read over someone's shoulder is soon worthless.
PHONE_CODE_MINUTES = env_int("PHONE_CODE_MINUTES", 10)

# --- The organisation -------------------------------------------------------------------------
# The service organisation's name, in English and Chinese, and its logo (a static file): on
# every page and at the end of every message (aftersales/organisation.py).
ORGANISATION_NAME = env_str("ORGANISATION_NAME", "Aftersales Service")
ORGANISATION_NAME_ZH = env_str("ORGANISATION_NAME_ZH", "售后服务中心")
ORGANISATION_LOGO = env_str("ORGANISATION_LOGO", "img/logo.svg")
# The currency every amount is in (ISO 4217): prices, charges and refunds are always shown with it.
CURRENCY = env_str("CURRENCY", "CNY")

# --- Security ---------------------------------------------------------------------------------
# The reverse proxies in front of the app server (addresses or networks, e.g. "127.0.0.1" for
# nginx on the same machine; "unix" for one connecting over a Unix socket): X-Forwarded-For is
# believed only on a request that comes from one of them, read from the right past the trusted
# proxies' own entries. Empty: the socket's address is the client's. The API throttles, the
# public forms' rate limits, the sign-in limits and lock-out all read the client's address this
# one way (aftersales/client_ip.py). The older API_NUM_PROXIES (a count of proxies) still works:
# any count above 0 trusts a proxy on this machine (127.0.0.1, ::1), as docs/deployment.md sets up.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"] if env_int("API_NUM_PROXIES", 0) > 0 else [])
for _proxy in TRUSTED_PROXIES:
    try:
        if _proxy.strip().lower() != "unix":
            ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: htmx sends the token from the page's hidden input (static/js/desk.js).
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): scripts, styles, fonts and images from our own origin
# only. No inline script, event-handler attribute or style attribute in templates/ (the page
# behaviours live in static/js/; tests/test_security.py checks). Only the Swagger UI page
# widens it, for itself (aftersales/api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The header a TLS-terminating proxy (nginx) sets to "https", replacing any the client sent.
    # Set it empty when clients reach the app directly: then no header may claim https.
    _ssl_header = env_str("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto").strip()
    if _ssl_header:
        SECURE_PROXY_SSL_HEADER = ("HTTP_" + _ssl_header.upper().replace("-", "_"), "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# --- REST framework ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Integrations send "Authorization: Token <key>"; the pages' own calls use the session and
    # therefore CSRF. Token first, so a request without credentials gets 401, not 403. Tokens are
    # stored hashed (django-rest-knox; aftersales/api/authentication.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "aftersales.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies nested deeper than a sane limit are a 400, not a RecursionError (aftersales/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "aftersales.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "aftersales.api.parsers.ContentNegotiation",
    # Counted in the default cache, which every web process shares (Redis or the file cache).
    # Anonymous callers are told apart by their address, read as everywhere else (TRUSTED_PROXIES).
    "DEFAULT_THROTTLE_CLASSES": [
        "aftersales.api.throttles.AnonRateThrottle",
        "aftersales.api.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "60/minute"),
        "user": env_str("API_USER_RATE", "600/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # One error shape for every error: {"detail", "code", "errors"} (aftersales/api/errors.py).
    "EXCEPTION_HANDLER": "aftersales.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
# API tokens (django-rest-knox): only a hash of each key is stored; a key never expires, one
# token per user (aftersales/api/token_store.py), sent as "Authorization: Token <key>".
REST_KNOX = {
    "TOKEN_TTL": None,
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Aftersales API",
    "DESCRIPTION": "The after-sales service API. Integrations authenticate with a token (`Authorization: Token <key>`).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    # Request and response bodies differ (read-only fields, defaults): one component each.
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files: the docs work without internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "FaultKind": "warranty.three_guarantees.facts.FaultKind",
        "RepairCause": "warranty.three_guarantees.facts.RepairCause",
        "Remedy": "warranty.three_guarantees.facts.Remedy",
        # Several models call their choices "status", "kind" or "…_slot": one stable name each.
        "TicketStatus": "tickets.choices.Status",
        "TicketKind": "tickets.choices.Kind",
        "EventKind": "tickets.choices.EventKind",
        "VisitSlot": "tickets.choices.VisitSlot",
        "UnitStatus": "customers.models.UnitStatus",
        "ClaimStatus": "warranty.models.ClaimStatus",
        "CallbackKind": "followups.choices.CallbackKind",
        "CallbackStatus": "followups.choices.CallbackStatus",
        "CallbackResult": "followups.choices.CallbackResult",
        "FeedbackStatus": "followups.models.FeedbackStatus",
        "Department": "tickets.models.Department",
        "WebhookEvent": "notifications.models.WebhookEvent",
        "WebhookDeliveryStatus": "notifications.models.WebhookDeliveryStatus",
        "AlertKind": "quality.models.AlertKind",
    },
}

# --- Product settings -----------------------------------------------------------------------
# The desk's service day ends at this local hour: a complaint must get its first response
# before the end of the business day it arrived on (DESIGN.md section 4, no-leak 2).
SERVICE_DAY_END_HOUR = env_int("SERVICE_DAY_END_HOUR", 18)
DESK_PAGE_SIZE = env_int("DESK_PAGE_SIZE", 25)
# Lists count at most this many rows; beyond it they say "10,000+" and filters narrow them down.
DESK_COUNT_CAP = env_int("DESK_COUNT_CAP", 10_000)
# Quality snapshots and alerts (quality/snapshots.py): the nightly run recomputes the last
# RECOMPUTE_DAYS days (a day's figures settle once its callbacks, feedback and first-time-fix
# windows are over); alerts compare the last ALERT_WINDOW_DAYS days with the thresholds. A rate
# over fewer than MIN_RECORDS records (its denominator) is "too few to judge": the dashboard
# shows it neutral and it raises no alert, for the whole organisation as for a breakdown row or
# a chart point (quality/alerts.py, has_enough_records). The old name still sets it.
QUALITY_RECOMPUTE_DAYS = env_int("QUALITY_RECOMPUTE_DAYS", 45)
QUALITY_ALERT_WINDOW_DAYS = env_int("QUALITY_ALERT_WINDOW_DAYS", 30)
QUALITY_MIN_RECORDS = env_int("QUALITY_MIN_RECORDS", env_int("QUALITY_ALERT_MIN_DENOMINATOR", 20))
# Batch early warning (quality/batches.py): a production batch is flagged when its failure
# rate (repairs per registered unit, over the last WINDOW_DAYS) is at least FACTOR times the
# rest of its model's rate and MIN_MARGIN (a fraction: 0.02 is 2 points) above it, with at
# least MIN_REPAIRS repairs and MIN_UNITS registered units, so a handful of units proves nothing.
BATCH_WARNING_FACTOR = env_decimal("BATCH_WARNING_FACTOR", "2.0")
BATCH_WARNING_MIN_MARGIN = env_decimal("BATCH_WARNING_MIN_MARGIN", "0.02")
BATCH_WARNING_MIN_REPAIRS = env_int("BATCH_WARNING_MIN_REPAIRS", 5)
BATCH_WARNING_MIN_UNITS = env_int("BATCH_WARNING_MIN_UNITS", 20)
BATCH_WARNING_WINDOW_DAYS = env_int("BATCH_WARNING_WINDOW_DAYS", 365)
# Webhooks (notifications/webhooks/): seconds to wait for a receiver to connect and for each read
# (a slow receiver only delays its own delivery task); plain http is refused except while
# developing (DEBUG) and for the hosts listed here, e.g. "localhost,127.0.0.1".
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 5)
WEBHOOK_ALLOW_HTTP = env_list("WEBHOOK_ALLOW_HTTP", [])
# Receivers must be at public internet addresses (notifications/webhooks/addresses.py), except while
# developing and for the hosts listed here: a receiver on your own network, e.g. "erp.internal".
WEBHOOK_ALLOW_PRIVATE = env_list("WEBHOOK_ALLOW_PRIVATE", [])
# The portal's per-address limits (django-ratelimit) read the client's address like the API and
# the sign-in lock-out (aftersales/client_ip.py: X-Forwarded-For from TRUSTED_PROXIES only).
# Or name the META key of a header the proxy sets (e.g. HTTP_X_REAL_IP), only one it always
# overwrites, or a client picks its own address.
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY") or "aftersales.client_ip.client_ip"
# While the cache is unreachable the portal's limits let requests through rather than refuse
# them: a customer's request must be recorded (no-leak 1), and the sign-in lock-out (django-axes)
# counts in the database, so it still holds.
RATELIMIT_FAIL_OPEN = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
