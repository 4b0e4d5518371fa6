"""Settings of the peer (django-helpdesk) served beside the product (bench/README.md, "A peer
beside it"): production-like as the load benchmark's server is (DEBUG off, PostgreSQL on the
same server with the same connection reuse, database sessions, templates cached), on 127.0.0.1
only. Not part of the product: it runs in its own virtualenv with django-helpdesk installed
(``PYTHONPATH=bench/peer``; bench/peer/peer_bench.py sets it up)."""

import os
import tempfile

import dj_database_url

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = ["127.0.0.1"]
# Its database's name must say it is a benchmark's, as the product's benchmarks insist.
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)}
if "bench" not in DATABASES["default"]["NAME"]:
    raise SystemExit("The peer's DATABASE_URL must name a database whose name contains 'bench'.")
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peer_urls"
WSGI_APPLICATION = "peer_wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or os.path.join(tempfile.gettempdir(), "peer-static")
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or os.path.join(tempfile.gettempdir(), "peer-media")
# Mail is kept in memory, as the load benchmark's server does with the product's.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.com"

# The balancer in front terminates TLS and says so, as for the product under load.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"
# No pinax-teams: one queue, staff work every ticket.
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_PUBLIC_ENABLED = True
HELPDESK_SUBMIT_A_TICKET_PUBLIC = True
