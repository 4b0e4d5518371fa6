"""Settings for a Celery worker or beat that a test starts as a separate process.

The test settings, with the changes a second process needs to share the test's world: the
test's database (pytest-django names it; the test passes the name on), tasks that really
go through the broker, and mail and SMS written to files the test can count. ``REDIS_URL`` and
``AFTERSALES_VAR_DIR`` in the process's environment choose the broker, as in production.
"""

import os

from aftersales.settings.queues import declared_queues, task_routes
from tests.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["AFTERSALES_TEST_DATABASE"]  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
# A queue of the test's own, so a worker never takes another run's messages; the routed
# queues (aftersales/settings/queues.py) named after it, as tests/test_celery_worker.py's
# workers consume them and its tasks_sent_to routes them.
CELERY_TASK_DEFAULT_QUEUE = os.environ["AFTERSALES_TEST_QUEUE"]
CELERY_TASK_ROUTES = task_routes(prefix=f"{CELERY_TASK_DEFAULT_QUEUE}-")
CELERY_TASK_QUEUES = declared_queues(CELERY_TASK_DEFAULT_QUEUE, prefix=f"{CELERY_TASK_DEFAULT_QUEUE}-")

if os.environ.get("AFTERSALES_TEST_SMTP_PORT"):
    # A mail server the test controls (for example one that never answers).
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = int(os.environ["AFTERSALES_TEST_SMTP_PORT"])
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["AFTERSALES_TEST_MAIL_DIR"]

# SMS written to a file the test can read (one JSON line each).
SMS_BACKEND = "notifications.sms.filebased.SmsBackend"
SMS_FILE_PATH = os.environ["AFTERSALES_TEST_SMS_FILE"]

if REDIS_URL and os.environ.get("AFTERSALES_TEST_VISIBILITY_TIMEOUT"):  # noqa: F405
    # How soon a message taken by a worker that died is handed out again (production: after
    # an hour), and how often the worker looks for such messages (production: every 100 s).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["AFTERSALES_TEST_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
