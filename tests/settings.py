"""Settings for the test suite: the product's settings with fast, isolated side channels.

``DATABASE_URL`` and ``REDIS_URL`` still switch the suite to PostgreSQL and Redis.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("AFTERSALES_VAR_DIR", tempfile.mkdtemp(prefix="aftersales-tests-"))

from aftersales.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# SMS are kept in notifications.sms.locmem.outbox, emptied before each test (tests/conftest.py).
SMS_BACKEND = "notifications.sms.locmem.SmsBackend"
# Tasks run inline unless a test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
SECURE_SSL_REDIRECT = False
# Rendered fragments (the dashboard's figures, the blank portal form) are cached; each test
# starts with none (tests/conftest.py), since rolled-back tests reuse ids and times.
CACHES = {**CACHES, "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}}  # noqa: F405
LANGUAGE_CODE = "en"
STATIC_ROOT = VAR_DIR / "staticfiles"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
