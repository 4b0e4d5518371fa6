"""The core settings: paths, debug, secrets, hosts, the installed apps, middleware, templates,
languages and time zone, static and uploaded files."""

from pathlib import Path

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from aftersales.env import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
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
    # The admin, for headquarters only (aftersales/admin_site.py).
    "aftersales.admin_apps.HeadquartersAdminConfig",
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
    "import_export",
    # The project package itself: its template tags (money, form marks, the organisation).
    "aftersales",
    # The product's apps, lowest layer first: each may use only those above it in this list
    # (docs/architecture.md; .importlinter holds it).
    "customers",
    "notifications",
    "network",
    "tickets",
    "parts",
    "contracts",
    "warranty",
    "fieldwork",
    "followups",
    "sales",
    "quality",
    "archive",
    "settlements",
    "portal",
    "demo",
    # After knox: its admin for API tokens is replaced by this app's (aftersales/api/admin.py).
    "aftersales.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The memo of small tables reads their versions once per request (aftersales/table_memo.py).
    "aftersales.table_memo.TableVersionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every request runs in the scope of the signed-in user's service provider (aftersales/scoping.py).
    "aftersales.scoping.ProviderScopeMiddleware",
    # Lets the dashboard, exports, reports and API lists read from a replica when one is
    # configured; with none, Django leaves it out (aftersales/replicas/, docs/read-replicas.md).
    "aftersales.replicas.middleware.ReplicaReadsMiddleware",
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
# Forms render as Django's default renderer renders them, the common widgets written without a
# template each (aftersales/widget_rendering.py).
FORM_RENDERER = "aftersales.widget_rendering.FastWidgetRenderer"

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
